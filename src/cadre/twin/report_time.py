"""Charts over time: arrivals and headcount, and the calendar's dates drawn on any chart over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cadre import record
from cadre.twin.report_base import (
    RECORD_COLOUR,
    Chart,
    DataTable,
    Gaps,
    Run,
    base_layout,
    cell,
    fmt_count,
    interval,
    iso_dates,
    long_date,
    mapping,
    record_date,
    record_value,
    tint,
    value,
)
from cadre.twin.report_recruitment import hover_ci

__all__ = ["EVENTS", "arrivals_chart", "headcount_chart", "mark_events", "record_marker"]

# Dates of the record's calendar worth a line on a chart over time, with the short label drawn on it.
EVENTS = {
    dt.date(1929, 12, 10): "Leningrad meets its quota",
    dt.date(1929, 12, 29): "Terms announced",
    dt.date(1930, 1, 22): "Party committees take over selection",
    dt.date(1930, 3, 2): "Retreat (Dizziness from Success)",
    dt.date(1931, 1, 7): "2,362 promoted",
    dt.date(1931, 12, 23): "Campaign closed",
}
HEADCOUNT = (
    ("rural_work", "In any rural post", "remaining_summer_1930"),
    ("on_farms", "On collective farms", "on_farms_summer_1930"),
    ("in_mts", "In machine-tractor stations", "in_mts_summer_1930"),
    ("farm_system", "In the collective-farm system (farms and its offices)", None),
)


def mark_events(
    fig: Any,
    first: dt.date,
    last: dt.date,
    cells: Sequence[tuple[int, int]] | None = None,
    *,
    at: str = "top",
) -> None:
    """Draw the record calendar's key dates between ``first`` and ``last`` as dotted lines with labels.

    ``cells`` lists the (row, column) subplots to draw in; ``None`` means a figure without subplots.
    ``at`` ("top" or "bottom") says where in the panel the labels go: where the data leaves room.
    """
    known = set(record.calendar().get_column("date").to_list())
    axes = []
    for row, col in cells or [(0, 0)]:
        if not row:
            axes.append(("x", "y"))
            continue
        subplot = fig.get_subplot(row, col)
        axes.append((subplot.xaxis.plotly_name.replace("axis", ""), subplot.yaxis.plotly_name.replace("axis", "")))
    shapes, notes = [], []
    for day, label in EVENTS.items():
        if day not in known or not first <= day <= last:
            continue
        for xref, yref in axes:
            shapes.append({
                "type": "line", "xref": xref, "yref": f"{yref} domain", "x0": day.isoformat(),
                "x1": day.isoformat(), "y0": 0, "y1": 1,
                "line": {"color": "#8a8a84", "width": 1, "dash": "dot"},
            })  # fmt: skip
            # Labels run up the line, so that dates close together do not print over each other.
            notes.append({
                "xref": xref, "yref": f"{yref} domain", "x": day.isoformat(), "y": 1 if at == "top" else 0,
                "text": label, "showarrow": False, "textangle": -90, "xanchor": "right",
                "yanchor": "top" if at == "top" else "bottom", "xshift": -1,
                "font": {"size": 10, "color": "#5f5f5a"}, "bgcolor": "rgba(255,255,255,0.75)",
            })  # fmt: skip
    # One update for all of them: plotly's add_vline costs tens of milliseconds a call.
    fig.update_layout(shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *notes])


def _band(
    run: Run,
    x: list[str],
    means: list[float | None],
    cis: list[tuple[float, float] | None],
    *,
    showlegend: bool,
    name: str,
) -> list[Any]:
    traces = []
    if any(cis):
        traces.append(
            go.Scatter(
                x=x,
                y=[c[1] if c else None for c in cis],
                mode="lines",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=run.label,
            )
        )
        traces.append(
            go.Scatter(
                x=x,
                y=[c[0] if c else None for c in cis],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=tint(run.colour, 0.18),
                hoverinfo="skip",
                name=f"{run.label}: 90% interval",
                legendgroup=run.label,
                showlegend=False,
            )
        )
    traces.append(
        go.Scatter(
            x=x,
            y=means,
            mode="lines+markers" if len(x) <= 16 else "lines",
            name=name,
            legendgroup=run.label,
            showlegend=showlegend,
            line={"color": run.colour, "width": 2.2},
            marker={"size": 6, "color": run.colour},
            customdata=hover_ci(cis),
            hovertemplate=f"%{{x|%d %b %Y}}: %{{y:,.0f}}%{{customdata}}<extra>{run.label}</extra>",
        )
    )
    return traces


def record_marker(
    x: Sequence[Any],
    y: Sequence[float | None],
    name: str,
    showlegend: bool = True,
    text: Sequence[str] | None = None,
) -> Any:
    return go.Scatter(
        x=list(x),
        y=list(y),
        mode="markers+text" if text else "markers",
        name=name,
        legendgroup="record",
        showlegend=showlegend,
        text=list(text) if text else None,
        textposition="middle left",
        textfont={"size": 11, "color": RECORD_COLOUR},
        marker={
            "symbol": "diamond",
            "size": 11,
            "color": RECORD_COLOUR,
            "line": {"color": "white", "width": 1},
        },
        hovertemplate="%{x|%d %b %Y}: %{y:,.0f}<extra>record</extra>",
    )


def arrivals_chart(runs: Sequence[Run]) -> Chart:
    """Cumulative arrivals in the countryside, with the record's counts of 2 and 9 February 1930."""
    fig = go.Figure()
    dates = sorted({d for run in runs for d in iso_dates(mapping(run.doc, "arrivals"))})
    gaps = Gaps()
    for run in runs:
        x = iso_dates(mapping(run.doc, "arrivals"))
        means = [value(run.doc, "arrivals", d) for d in x]
        cis = [interval(run.doc, "arrivals", d) for d in x]
        fig.add_traces(_band(run, x, means, cis, showlegend=True, name=f"{run.label} (model)"))
        gaps.add(run, [f"arrivals by {long_date(d)}" for d, m in zip(x, means, strict=True) if m is None])
    ids = ("arrived_0202", "arrived_0209")
    marks = [(record_date(i), record_value(i)) for i in ids]
    fig.add_trace(
        record_marker(
            [d for d, _ in marks],
            [n for _, n in marks],
            "Arrived (record)",
            text=[f"{fmt_count(n)}  " for _, n in marks],
        )
    )
    sent = record_value("selected_total")
    if sent is not None:
        fig.add_hline(
            y=sent,
            line={"color": RECORD_COLOUR, "width": 1, "dash": "dash"},
            annotation_text=f"{fmt_count(sent)} selected and sent (record)",
            annotation_position="top left",
            annotation_font={"size": 11},
        )
    fig.update_layout(**base_layout(440))
    fig.update_xaxes(title_text="Date", type="date", tickformat="%d %b %Y")
    fig.update_yaxes(title_text="Workers arrived (cumulative)", tickformat=",d", rangemode="tozero")
    rows = tuple(
        (
            d,
            *(cell(value(r.doc, "arrivals", d), interval(r.doc, "arrivals", d)) for r in runs),
            next((fmt_count(n) for day, n in marks if day and day.isoformat() == d), "—"),
        )
        for d in dates
    )
    return Chart(
        key="arrivals",
        title="Arrivals in the countryside",
        caption=(
            "Model prediction of the number of workers who had reached their destination region by each date "
            "(line; shaded band: 90% interval of the replicates). Black diamonds: the record's counts of 18,300 "
            "arrived by 2 February and 20,640 by 9 February 1930 (observations arrived_0202 and arrived_0209); "
            "the dashed line is the 27,519 selected and sent, the rest of whom arrived by mid-February."
        ),
        figure=fig,
        table=DataTable(("Date", *(f"{r.label} (model)" for r in runs), "Record"), rows),
        notes=gaps.notes(),
    )


def headcount_chart(runs: Sequence[Run]) -> Chart:
    """Workers in rural posts, on farms, in stations and in the farm system over time, four small panels."""
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[title for _, title, _ in HEADCOUNT],
        vertical_spacing=0.16,
        horizontal_spacing=0.1,
    )
    gaps = Gaps()
    all_dates = sorted({d for run in runs for d in iso_dates(mapping(run.doc, "headcount"))})
    for i, (key, title, obs) in enumerate(HEADCOUNT):
        row, col = divmod(i, 2)
        for run in runs:
            x = iso_dates(mapping(run.doc, "headcount"))
            means = [value(run.doc, "headcount", d, key) for d in x]
            cis = [interval(run.doc, "headcount", d, key) for d in x]
            for trace in _band(run, x, means, cis, showlegend=i == 0, name=f"{run.label} (model)"):
                fig.add_trace(trace, row=row + 1, col=col + 1)
            gaps.add(
                run,
                [f"{title.lower()} on {long_date(d)}" for d, m in zip(x, means, strict=True) if m is None],
            )
        if obs and record_value(obs) is not None:
            fig.add_trace(
                record_marker(
                    [record_date(obs)],
                    [record_value(obs)],
                    "Summer 1930 (record)",
                    showlegend=i == 0,
                    text=[f"{fmt_count(record_value(obs))}  "],
                ),
                row=row + 1,
                col=col + 1,
            )
    if all_dates:
        mark_events(
            fig,
            dt.date.fromisoformat(all_dates[0]),
            dt.date.fromisoformat(all_dates[-1]),
            [(r, c) for r in (1, 2) for c in (1, 2)],
            at="bottom",
        )
    fig.update_layout(**base_layout(640))
    fig.update_xaxes(type="date", tickformat="%b %Y")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    fig.update_yaxes(title_text="Workers", col=1)
    fig.update_annotations(font={"size": 13}, selector={"yref": "paper"})
    rows = tuple(
        (
            d,
            title,
            *(cell(value(r.doc, "headcount", d, key), interval(r.doc, "headcount", d, key)) for r in runs),
        )
        for d in all_dates
        for key, title, _ in HEADCOUNT
    )
    return Chart(
        key="headcount",
        title="Workers in the countryside over time",
        caption=(
            "Model prediction of how many of the campaign's workers held each kind of post on each date (line; "
            "band: 90% interval). Black diamonds: the record's summer-1930 figures (observations "
            "remaining_summer_1930, about 22,000 still in the countryside; on_farms_summer_1930, 19,581 on "
            "collective farms; in_mts_summer_1930, 1,530 in stations). The record has no count for the farm "
            "system as a whole, and none after 1930: no statistics on the workers were kept after 1933. "
            "Dotted lines: dates from the record's calendar."
        ),
        figure=fig,
        table=DataTable(("Date", "Post", *(f"{r.label} (model)" for r in runs)), rows),
        notes=gaps.notes(),
    )
