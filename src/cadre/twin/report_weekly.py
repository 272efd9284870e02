"""Chart of volunteers by week and source region, from a table the caller supplies."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from cadre.twin.report_base import Chart, DataTable, base_layout, fmt_count, region_label
from cadre.twin.report_time import mark_events

__all__ = ["weekly_chart"]

OTHER = "Other regions"
TOP = 7
# Blues for the large industrial regions, then warm and green tones; the remainder is grey.
REGION_COLOURS = ("#1f4e79", "#5b86ad", "#a9c4dc", "#b0562a", "#dba27c", "#3c7a57", "#a3c9ad", "#a3841f")
OTHER_COLOUR = "#c9c9c4"


def _weeks(frame: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """Weeks as ISO date strings when they are dates (or ISO text), else as they are; and whether dates."""
    week = frame.get_column("week")
    if week.dtype == pl.Date or isinstance(week.dtype, pl.Datetime):
        return frame.with_columns(pl.col("week").cast(pl.Date).cast(pl.String)), True
    if week.dtype == pl.String:
        parsed = week.str.to_date(format="%Y-%m-%d", strict=False)
        if parsed.null_count() == week.null_count():
            return frame.with_columns(parsed.cast(pl.String).alias("week")), True
    return frame, False


def weekly_chart(weekly: pl.DataFrame) -> Chart:
    """Volunteers declared each week, stacked by source region (the largest seven and the rest).

    ``weekly`` has columns ``week`` (a date, an ISO date text or a week number), ``region`` (a region code)
    and ``n`` (volunteers that week); an optional ``scenario`` column gives one panel per scenario.
    """
    missing = {"week", "region", "n"} - set(weekly.columns)
    if missing:
        raise ValueError(f"weekly_volunteers needs columns week, region, n; missing {sorted(missing)}")
    frame = weekly.drop_nulls(["week", "region"]).with_columns(pl.col("region").cast(pl.String))
    if "scenario" not in frame.columns:
        frame = frame.with_columns(scenario=pl.lit(""))
    frame = frame.with_columns(pl.col("scenario").cast(pl.String).fill_null(""))
    frame, dated = _weeks(frame)
    totals = frame.group_by("region").agg(pl.col("n").sum()).sort(["n", "region"], descending=[True, False])
    top = totals.get_column("region").head(TOP).to_list()
    frame = frame.with_columns(
        pl.when(pl.col("region").is_in(top)).then(pl.col("region")).otherwise(pl.lit(OTHER)).alias("band")
    )
    scenarios = frame.get_column("scenario").unique(maintain_order=True).to_list()
    fig = make_subplots(
        rows=len(scenarios),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=scenarios if len(scenarios) > 1 else None,
    )
    bands = [*top, OTHER] if frame.get_column("band").eq(OTHER).any() else top
    rows: list[tuple[str, ...]] = []
    for i, scenario in enumerate(scenarios, start=1):
        sub = (
            frame.filter(pl.col("scenario") == scenario)
            .group_by("week", "band")
            .agg(pl.col("n").sum())
            .sort("week")
        )
        weeks = sub.get_column("week").unique().sort().to_list()
        for j, band in enumerate(bands):
            counts = dict(sub.filter(pl.col("band") == band).select("week", "n").iter_rows())
            label = band if band == OTHER else region_label(band)
            fig.add_trace(
                go.Bar(
                    x=weeks,
                    y=[counts.get(w) for w in weeks],
                    name=label,
                    legendgroup=band,
                    showlegend=i == 1,
                    marker={
                        "color": OTHER_COLOUR if band == OTHER else REGION_COLOURS[j % len(REGION_COLOURS)],
                        "line": {"width": 0},
                    },
                    hovertemplate=f"{label}, week of %{{x}}: %{{y:,.0f}}<extra>{scenario}</extra>",
                ),
                row=i,
                col=1,
            )
        per_week = sub.group_by("week").agg(pl.col("n").sum()).sort("week")
        lead = (scenario,) if len(scenarios) > 1 else ()
        rows += [(*lead, str(w), fmt_count(n)) for w, n in per_week.iter_rows()]
        if dated and weeks:
            mark_events(fig, dt.date.fromisoformat(weeks[0]), dt.date.fromisoformat(weeks[-1]), [(i, 1)])
    fig.update_layout(**base_layout(140 + 320 * len(scenarios), barmode="stack", bargap=0.12))
    fig.update_yaxes(title_text="Volunteers that week", tickformat=",d")
    if dated:
        fig.update_xaxes(type="date", tickformat="%d %b %Y")
    fig.update_xaxes(title_text="Week beginning" if dated else "Week", row=len(scenarios))
    headers = ("Scenario", "Week", "Volunteers") if len(scenarios) > 1 else ("Week", "Volunteers")
    return Chart(
        key="volunteers-by-week",
        title="Volunteers by week and source region",
        caption=(
            "Model prediction of the workers who declared themselves volunteers each week, stacked by the "
            f"region that recruited them (the {len(top)} largest, the rest together). The record has no weekly "
            "counts; its calendar dates the milestones drawn as dotted lines (Leningrad met its quota on "
            "10 December 1929; the terms of service were announced on 29 December)."
        ),
        figure=fig,
        table=DataTable(headers, tuple(rows)),
    )
