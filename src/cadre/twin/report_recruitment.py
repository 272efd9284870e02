"""Charts of recruitment and selection: volunteers and selected by region and by union, and composition."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cadre import record
from cadre.twin.report_base import (
    INK,
    RECORD_COLOUR,
    Chart,
    DataTable,
    Gaps,
    Run,
    base_layout,
    cell,
    fmt_count,
    fmt_share,
    interval,
    mapping,
    region_label,
    tint,
    value,
)

__all__ = [
    "composition_chart",
    "error_bars",
    "hover_ci",
    "record_composition",
    "selection_chart",
]

UNION_LABELS = {
    "metalworkers": "Metalworkers",
    "textile": "Textile",
    "railroad": "Railroad",
    "miners": "Miners",
    "chemical": "Chemical",
    "other": "Other unions",
}
COMPOSITION_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Women", (("female", "women"),)),
    ("Age", (("age_lt23", "under 23"), ("age_23_29", "23–29"), ("age_30_39", "30–39"), ("age_40p", "40+"))),
    ("Party status", (("party", "party"), ("komsomol", "Komsomol"), ("nonparty", "non-party"))),
    ("Years at the factory", (("exp_lt5", "under 5"), ("exp_5_12", "5–12"), ("exp_gt12", "over 12"))),
)
# How the record's composition table (measure, category) names the contract's shares.
RECORD_COMPOSITION = {
    ("sex", "female"): "female",
    ("age", "under 23"): "age_lt23",
    ("age", "23-29"): "age_23_29",
    ("age", "30-39"): "age_30_39",
    ("age", "40 and over"): "age_40p",
    ("party", "communist party member"): "party",
    ("party", "komsomol member"): "komsomol",
    ("party", "non-party"): "nonparty",
    ("factory_experience", "under 5 years"): "exp_lt5",
    ("factory_experience", "5-12 years"): "exp_5_12",
    ("factory_experience", "over 12 years"): "exp_gt12",
}


def error_bars(means: Sequence[float | None], cis: Sequence[tuple[float, float] | None]) -> dict[str, Any]:
    """Plotly error bars (asymmetric) for the means, drawn only where an interval exists."""
    if not any(cis):
        return {"visible": False}
    plus = [None if m is None or c is None else max(c[1] - m, 0.0) for m, c in zip(means, cis, strict=True)]
    minus = [None if m is None or c is None else max(m - c[0], 0.0) for m, c in zip(means, cis, strict=True)]
    return {
        "type": "data",
        "symmetric": False,
        "array": plus,
        "arrayminus": minus,
        "color": INK,
        "thickness": 1.1,
        "width": 3,
    }

def share_bars(run: Run, names: list[str], means: list[float | None], cis: list[tuple[float, float] | None],
               *, show_legend: bool, hover: str) -> go.Bar:
    """One scenario's bars of shares, with its 90% whiskers, grouped by scenario across panels."""
    return go.Bar(
        x=names,
        y=means,
        name=f"{run.label} (model)",
        legendgroup=run.label,
        showlegend=show_legend,
        marker={"color": run.colour},
        offsetgroup=run.label,
        error_y=error_bars(means, cis),
        customdata=hover_ci(cis, share=True),
        hovertemplate=hover,
    )



def hover_ci(cis: Sequence[tuple[float, float] | None], share: bool = False) -> list[str]:
    """Hover text for each interval (``<br>90% interval: low to high``), or nothing."""
    fmt = fmt_share if share else fmt_count
    return [f"<br>90% interval: {fmt(c[0])}–{fmt(c[1])}" if c else "" for c in cis]


def _quotas(kind: str) -> dict[str, float]:
    frame = record.quotas(kind)  # type: ignore[arg-type]
    return {k: float(q) for k, q in zip(frame.get_column("key"), frame.get_column("quota"), strict=True)}


def selection_chart(runs: Sequence[Run], *, axis: str) -> Chart:
    """Volunteers (pale) and selected (solid) by source region (``axis="region"``) or union, with quotas."""
    by_key = "by_source_region" if axis == "region" else "by_union"
    label: Callable[[str], str] = region_label if axis == "region" else (lambda u: UNION_LABELS.get(u, u))
    quotas = _quotas(axis)
    keys: dict[str, float] = {}
    for run in runs:
        for stage in ("volunteers", "selected"):
            for key in mapping(run.doc, stage, by_key):
                keys[key] = max(keys.get(key, 0.0), value(run.doc, stage, by_key, key) or 0.0)
    for key in quotas:
        keys.setdefault(key, 0.0)
    order = sorted(keys, key=lambda k: (-keys[k], -quotas.get(k, 0.0), label(k)))
    names = [label(k) for k in order]
    fig = go.Figure()
    gaps = Gaps()
    headers: list[str] = ["Region" if axis == "region" else "Union"]
    columns: list[list[str]] = []
    for run in runs:
        prefix = f"{run.label}: " if len(runs) > 1 else ""
        missing: list[str] = []
        for stage, fill in (("volunteers", tint(run.colour, 0.28)), ("selected", run.colour)):
            means = [value(run.doc, stage, by_key, k) for k in order]
            cis = [interval(run.doc, stage, by_key, k) for k in order]
            missing += [
                f"{stage} from {label(k)}"
                for k, m in zip(order, means, strict=True)
                if m is None and k in mapping(run.doc, stage, by_key)
            ]
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=names,
                    x=means,
                    name=f"{prefix}{stage} (model)" if prefix else f"{stage.capitalize()} (model)",
                    marker={"color": fill, "line": {"color": run.colour, "width": 1}},
                    offsetgroup=run.label,
                    error_x=error_bars(means, cis),
                    customdata=hover_ci(cis),
                    hovertemplate=f"%{{y}}<br>{stage.capitalize()}: %{{x:,.0f}}%{{customdata}}<extra>{run.label}</extra>",
                )
            )
            headers.append(f"{prefix}{stage}")
            columns.append([cell(m, c) for m, c in zip(means, cis, strict=True)])
        gaps.add(run, missing)
    fig.add_trace(
        go.Scatter(
            mode="markers",
            y=names,
            x=[quotas.get(k) for k in order],
            name="Control figure, 1929 (record)",
            marker={"symbol": "line-ns", "size": 16, "line": {"width": 3, "color": RECORD_COLOUR}},
            hovertemplate="%{y}<br>Control figure: %{x:,.0f}<extra>record</extra>",
        )
    )
    headers.append("Control figure, 1929 (record)")
    columns.append([fmt_count(quotas.get(k)) if k in quotas else "—" for k in order])
    height = 150 + len(order) * (14 + 12 * len(runs))
    fig.update_layout(**base_layout(height, barmode="group", bargap=0.25, bargroupgap=0.08))
    fig.update_xaxes(title_text="Workers", tickformat=",d", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", title_text=None, categoryorder="array", categoryarray=names)
    rows = tuple((n, *(col[i] for col in columns)) for i, n in enumerate(names))
    where = "source region" if axis == "region" else "trade union"
    record_note = (
        "The record gives volunteers only in total (more than 70,000 by 22 January 1930) and the selected "
        "only in total (27,519 sent)."
    )
    return Chart(
        key=f"selection-by-{axis}",
        title=f"Volunteers and selected by {where}",
        caption=(
            f"Model prediction of the workers who volunteered (pale bar) and were selected (solid bar), by the "
            f"{where} that put them forward. Black ticks: the control figures (quotas) set in December 1929, "
            f"from the record (recruitment_quotas_1929.csv). {record_note}"
        ),
        figure=fig,
        table=DataTable(tuple(headers), rows),
        notes=gaps.notes(),
    )


def record_composition() -> dict[str, float]:
    """The record's 1930 composition of the selected as the contract's shares (fractions)."""
    frame = record.composition()
    shares = {}
    for measure, category, percent in frame.iter_rows():
        key = RECORD_COMPOSITION.get((measure, category))
        if key is not None and percent is not None:
            shares[key] = percent / 100
    return shares


def composition_chart(runs: Sequence[Run]) -> Chart:
    """Shares of the selected by sex, age, party status and years at the factory, against the 1930 record."""
    recorded = record_composition()
    widths = [max(len(items), 1.6) for _, items in COMPOSITION_GROUPS]
    fig = make_subplots(
        rows=1,
        cols=len(COMPOSITION_GROUPS),
        shared_yaxes=True,
        horizontal_spacing=0.035,
        column_widths=[w / sum(widths) for w in widths],
        subplot_titles=[title for title, _ in COMPOSITION_GROUPS],
    )
    gaps = Gaps()
    table_rows: list[tuple[str, ...]] = []
    for col, (group, items) in enumerate(COMPOSITION_GROUPS, start=1):
        names = [label for _, label in items]
        for run in runs:
            means = [value(run.doc, "composition", "total", k) for k, _ in items]
            cis = [interval(run.doc, "composition", "total", k) for k, _ in items]
            fig.add_trace(
                share_bars(run, names, means, cis, show_legend=col == 1,
                           hover=f"{group}: %{{x}}<br>%{{y:.1%}}%{{customdata}}<extra>{run.label}</extra>"),
                row=1,
                col=col,
            )
            gaps.add(run, [f"{group.lower()} {n}" for n, m in zip(names, means, strict=True) if m is None])
        fig.add_trace(
            go.Scatter(
                x=names,
                y=[recorded.get(k) for k, _ in items],
                mode="markers",
                name="Record, 1930 (23,409 personal files)",
                legendgroup="record",
                showlegend=col == 1,
                marker={"symbol": "line-ew", "size": 30, "line": {"width": 3, "color": RECORD_COLOUR}},
                hovertemplate=f"{group}: %{{x}}<br>Record: %{{y:.1%}}<extra>record</extra>",
            ),
            row=1,
            col=col,
        )
        for key, label in items:
            row = [
                f"{group}: {label}",
                *(
                    cell(
                        value(r.doc, "composition", "total", key),
                        interval(r.doc, "composition", "total", key),
                        share=True,
                    )
                    for r in runs
                ),
                fmt_share(recorded.get(key)),
            ]
            table_rows.append(tuple(row))
    fig.update_layout(**base_layout(430, barmode="group", bargap=0.3, bargroupgap=0.06))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(title_text="Share of the selected", row=1, col=1)
    fig.update_annotations(font={"size": 13})
    fig.update_xaxes(tickangle=0)
    headers = ("Category", *(f"{r.label} (model)" for r in runs), "Record, 1930")
    return Chart(
        key="composition",
        title="Composition of the selected",
        caption=(
            "Model prediction of the selected workers' make-up (bars), against the composition the record "
            "gives for 1930 (black ticks; composition_1930_ussr.csv, the monograph's Table 2, over the 23,409 "
            "workers whose personal files survive)."
        ),
        figure=fig,
        table=DataTable(headers, tuple(table_rows)),
        notes=gaps.notes(),
    )
