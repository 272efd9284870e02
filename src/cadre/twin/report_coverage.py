"""Charts of coverage: the share of collective farms with a worker, by destination region and by farm type."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cadre.twin.report_base import (
    RECORD_COLOUR,
    Chart,
    DataTable,
    Gaps,
    Run,
    base_layout,
    cell,
    interval,
    iso_dates,
    long_date,
    mapping,
    record_date,
    record_value,
    region_label,
    value,
)
from cadre.twin.report_recruitment import error_bars, hover_ci, share_bars

__all__ = ["coverage_chart", "farm_types_chart"]

ALL_REGIONS = "All regions"
FARM_TYPES = (("kommuna", "Kommuna"), ("artel", "Artel"), ("toz", "TOZ"))
# The contract's required dates; a run's last date is shown as well when it is later.
KEY_DATES = ("1930-07-01", "1931-06-01")


def _panels(runs: Sequence[Run], key: str) -> list[str]:
    dates = sorted({d for run in runs for d in iso_dates(mapping(run.doc, key))})
    chosen = [d for d in dates if d in KEY_DATES] or dates[:1]
    if dates and dates[-1] not in chosen:
        chosen.append(dates[-1])
    return chosen[:3]


def _value(run: Run, date: str, region: str) -> tuple[float | None, tuple[float, float] | None]:
    if region == ALL_REGIONS:
        return value(run.doc, "coverage", date, "total"), interval(run.doc, "coverage", date, "total")
    path = ("coverage", date, "by_destination_region", region)
    return value(run.doc, *path), interval(run.doc, *path)


def coverage_chart(runs: Sequence[Run]) -> Chart:
    """Share of farms with a worker, by destination region, one panel per key date; record total of 1930."""
    dates = _panels(runs, "coverage")
    regions = sorted(
        {k for run in runs for d in dates for k in mapping(run.doc, "coverage", d, "by_destination_region")}
    )
    first = dates[0] if dates else ""
    regions.sort(key=lambda k: (-(_value(runs[0], first, k)[0] or 0.0), region_label(k)))
    keys = [ALL_REGIONS, *regions]
    names = [f"<b>{ALL_REGIONS}</b>", *(region_label(k) for k in regions)]
    fig = make_subplots(
        rows=1,
        cols=max(len(dates), 1),
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[f"On {long_date(d)}" for d in dates] or None,
    )
    gaps = Gaps()
    rows: list[tuple[str, ...]] = []
    recorded, recorded_on = record_value("coverage_1930"), record_date("coverage_1930")
    for col, date in enumerate(dates, start=1):
        for run in runs:
            pairs = [_value(run, date, k) for k in keys]
            means, cis = [m for m, _ in pairs], [c for _, c in pairs]
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=names,
                    x=means,
                    name=f"{run.label} (model)",
                    legendgroup=run.label,
                    showlegend=col == 1,
                    marker={"color": run.colour},
                    offsetgroup=run.label,
                    error_x=error_bars(means, cis),
                    customdata=hover_ci(cis, share=True),
                    hovertemplate=f"%{{y}}, {long_date(date)}: %{{x:.1%}}%{{customdata}}<extra>{run.label}</extra>",
                ),
                row=1,
                col=col,
            )
            gaps.add(
                run,
                [
                    f"coverage of {region_label(k)} on {long_date(date)}"
                    for k, m in zip(keys, means, strict=True)
                    if m is None
                ],
            )
            rows += [
                (run.label, date, region_label(k), cell(m, c, share=True))
                for k, m, c in zip(keys, means, cis, strict=True)
            ]
        if recorded is not None and recorded_on is not None and recorded_on.isoformat() == date:
            fig.add_trace(
                go.Scatter(
                    mode="markers",
                    y=[names[0]],
                    x=[recorded],
                    name="One farm in five, summer 1930 (record)",
                    marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": RECORD_COLOUR}},
                    hovertemplate="All regions, summer 1930: %{x:.0%}<extra>record</extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_layout(**base_layout(170 + len(keys) * (12 + 12 * len(runs)), barmode="group", bargap=0.25))
    fig.update_xaxes(
        title_text="Share of collective farms with a worker", tickformat=".0%", rangemode="tozero"
    )
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    fig.update_annotations(font={"size": 13})
    return Chart(
        key="coverage",
        title="Coverage of collective farms, by destination region",
        caption=(
            "Model prediction of the share of collective farms in each region of service that had a worker "
            "of the campaign (bars; whiskers: 90% interval). Black tick: the record's 'one farm in five' for "
            "summer 1930 (observation coverage_1930; the record adds 'about one in three in the major grain "
            "regions'). Coverage falls as the number of farms grows while the number of workers does not "
            "(190,111 farms in 1931)."
        ),
        figure=fig,
        table=DataTable(("Scenario", "Date", "Region", "Share of farms (model)"), tuple(rows)),
        notes=gaps.notes(),
    )


def farm_types_chart(runs: Sequence[Run]) -> Chart:
    """Share of farms of each type (kommuna, artel, TOZ) with a worker, one panel per key date."""
    dates = _panels(runs, "farm_types")
    fig = make_subplots(
        rows=1,
        cols=max(len(dates), 1),
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=[f"On {long_date(d)}" for d in dates] or None,
    )
    gaps = Gaps()
    rows: list[tuple[str, ...]] = []
    names = [label for _, label in FARM_TYPES]
    for col, date in enumerate(dates, start=1):
        for run in runs:
            means = [value(run.doc, "farm_types", date, k) for k, _ in FARM_TYPES]
            cis = [interval(run.doc, "farm_types", date, k) for k, _ in FARM_TYPES]
            fig.add_trace(
                share_bars(run, names, means, cis, show_legend=col == 1,
                           hover=f"%{{x}}, {long_date(date)}: %{{y:.1%}}%{{customdata}}<extra>{run.label}</extra>"),
                row=1,
                col=col,
            )
            gaps.add(
                run,
                [f"{n} farms on {long_date(date)}" for n, m in zip(names, means, strict=True) if m is None],
            )
            rows += [
                (run.label, date, n, cell(m, c, share=True))
                for n, m, c in zip(names, means, cis, strict=True)
            ]
    fig.update_layout(**base_layout(380, barmode="group", bargap=0.35))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(title_text="Share of farms with a worker", col=1)
    fig.update_xaxes(title_text="Type of collective farm")
    fig.update_annotations(font={"size": 13})
    return Chart(
        key="farm-types",
        title="Coverage of collective farms, by type of farm",
        caption=(
            "Model prediction of the share of farms of each type that had a worker: the kommuna (everything "
            "pooled), the artel (the standard form) and the TOZ (joint cultivation only). The record gives no "
            "coverage by type of farm; this is a prediction throughout."
        ),
        figure=fig,
        table=DataTable(("Scenario", "Date", "Type of farm", "Share of farms (model)"), tuple(rows)),
        notes=gaps.notes(),
    )
