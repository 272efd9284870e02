"""Charts of exits: by channel over time, by region of recruitment, and retention curves by channel."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from cadre.twin.report_base import (
    CHANNEL_COLOURS,
    CHANNEL_LABELS,
    CHANNELS,
    Chart,
    DataTable,
    Gaps,
    Run,
    base_layout,
    cell,
    fmt_count,
    fmt_share,
    interval,
    iso_dates,
    long_date,
    mapping,
    record_date,
    record_value,
    region_label,
    value,
)
from cadre.twin.report_recruitment import hover_ci
from cadre.twin.report_time import mark_events, record_marker

__all__ = ["exits_chart", "exits_region_chart", "exits_total", "retention_chart"]


def exits_chart(runs: Sequence[Run]) -> Chart:
    """Cumulative exits by channel, stacked, one panel per run."""
    cols = min(len(runs), 2)
    panels = math.ceil(len(runs) / cols)
    fig = make_subplots(
        rows=panels,
        cols=cols,
        shared_yaxes=True,
        vertical_spacing=0.12,
        horizontal_spacing=0.05,
        subplot_titles=[r.label for r in runs] if len(runs) > 1 else None,
    )
    left = None
    sent, remaining = record_value("selected_total"), record_value("remaining_summer_1930")
    if sent is not None and remaining is not None:
        left = sent - remaining
    rows: list[tuple[str, ...]] = []
    gaps = Gaps()
    first, last = None, None
    for i, run in enumerate(runs):
        row, col = divmod(i, cols)
        x = iso_dates(mapping(run.doc, "exits", "by_channel_until"))
        if x:
            first = min(first or x[0], x[0])
            last = max(last or x[-1], x[-1])
        missing = []
        for channel in CHANNELS:
            means = [value(run.doc, "exits", "by_channel_until", d, channel) for d in x]
            cis = [interval(run.doc, "exits", "by_channel_until", d, channel) for d in x]
            missing += [
                f"{CHANNEL_LABELS[channel].lower()} by {long_date(d)}"
                for d, m in zip(x, means, strict=True)
                if m is None
            ]
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=means,
                    name=CHANNEL_LABELS[channel],
                    stackgroup=f"run{i}",
                    legendgroup=channel,
                    showlegend=i == 0,
                    mode="lines",
                    line={"width": 0.6, "color": CHANNEL_COLOURS[channel]},
                    fillcolor=CHANNEL_COLOURS[channel],
                    customdata=hover_ci(cis),
                    hovertemplate=f"{CHANNEL_LABELS[channel]}, by %{{x|%d %b %Y}}: %{{y:,.0f}}%{{customdata}}"
                    f"<extra>{run.label}</extra>",
                ),
                row=row + 1,
                col=col + 1,
            )
            rows += [
                (run.label, d, CHANNEL_LABELS[channel], cell(m, c))
                for d, m, c in zip(x, means, cis, strict=True)
            ]
        gaps.add(run, missing)
        if left is not None:
            fig.add_trace(
                record_marker(
                    [record_date("remaining_summer_1930")],
                    [left],
                    "Left by summer 1930 (record, derived)",
                    showlegend=i == 0,
                ),
                row=row + 1,
                col=col + 1,
            )
    if first and last:
        mark_events(
            fig,
            dt.date.fromisoformat(first),
            dt.date.fromisoformat(last),
            [(r + 1, c + 1) for r in range(panels) for c in range(cols)],
        )
    fig.update_layout(
        **base_layout(
            160 + 380 * panels,
            legend={
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.03,
                "x": 0,
                "font": {"size": 12},
                "traceorder": "normal",
            },
        )
    )
    fig.update_xaxes(type="date", tickformat="%b %Y")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    fig.update_yaxes(title_text="Workers who have left", col=1)
    return Chart(
        key="exits-by-channel",
        title="Exits by channel over time",
        caption=(
            "Model prediction of how many workers had left their rural posts by each date, stacked by the way "
            "they left (the channels of SYSTEM.md §6). The record gives no breakdown by channel; the black "
            "diamond is its total for summer 1930, derived as the 27,519 sent less the about 22,000 still in "
            "the countryside (observations selected_total and remaining_summer_1930; the narrative says "
            "'about 5,000 had left'). Dotted lines: dates from the record's calendar."
        ),
        figure=fig,
        table=DataTable(("Scenario", "By date", "Channel", "Workers (model)"), tuple(rows)),
        notes=gaps.notes(),
    )


def exits_region_chart(runs: Sequence[Run]) -> Chart:
    """Share of each source region's selected workers who left by the end of the run."""
    keys = sorted(
        {k for run in runs for k in mapping(run.doc, "exits", "by_source_region")}, key=region_label
    )

    def share(run: Run, key: str) -> float | None:
        left = value(run.doc, "exits", "by_source_region", key)
        chosen = value(run.doc, "selected", "by_source_region", key)
        return left / chosen if left is not None and chosen else None

    order = sorted(keys, key=lambda k: -(share(runs[0], k) or 0.0)) if runs else []
    names = [region_label(k) for k in order]
    fig = go.Figure()
    rows: list[tuple[str, ...]] = []
    for run in runs:
        shares = [share(run, k) for k in order]
        counts = [value(run.doc, "exits", "by_source_region", k) for k in order]
        cis = [interval(run.doc, "exits", "by_source_region", k) for k in order]
        fig.add_trace(
            go.Bar(
                orientation="h",
                y=names,
                x=shares,
                name=f"{run.label} (model)",
                marker={"color": run.colour},
                customdata=[fmt_count(n) for n in counts],
                hovertemplate=f"%{{y}}: %{{x:.1%}} left (%{{customdata}} workers)<extra>{run.label}</extra>",
            )
        )
        rows += [
            (run.label, name, cell(n, c), fmt_share(s))
            for name, n, c, s in zip(names, counts, cis, shares, strict=True)
        ]
    fig.update_layout(**base_layout(150 + len(names) * (12 + 12 * len(runs)), barmode="group", bargap=0.25))
    fig.update_xaxes(
        title_text="Share of the region's selected workers who left", tickformat=".0%", rangemode="tozero"
    )
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    return Chart(
        key="exits-by-region",
        title="Exits by region of recruitment",
        caption=(
            "Model prediction of the share of the workers selected in each region who had left by the end of "
            "the run (exits.by_source_region divided by selected.by_source_region). The record gives no exits "
            "by region; it says workers from strong recruiting areas such as Leningrad stayed more."
        ),
        figure=fig,
        table=DataTable(("Scenario", "Region", "Workers who left (model)", "Share of selected"), tuple(rows)),
    )


def retention_chart(retention: pl.DataFrame) -> Chart:
    """Cumulative incidence of leaving by channel, stacked, one panel per group (columns group, day, channel, cif)."""
    missing = {"group", "day", "channel", "cif"} - set(retention.columns)
    if missing:
        raise ValueError(f"retention needs columns group, day, channel, cif; missing {sorted(missing)}")
    frame = retention.select("group", "day", "channel", "cif").drop_nulls(["group", "day", "channel"])
    groups = frame.get_column("group").unique(maintain_order=True).cast(pl.String).to_list()
    present = frame.get_column("channel").unique(maintain_order=True).cast(pl.String).to_list()
    channels = [c for c in CHANNELS if c in present] + [c for c in present if c not in CHANNELS]
    cols = min(len(groups), 3) or 1
    panels = max(math.ceil(len(groups) / cols), 1)
    fig = make_subplots(
        rows=panels,
        cols=cols,
        shared_yaxes=True,
        shared_xaxes=True,
        vertical_spacing=0.1,
        horizontal_spacing=0.04,
        subplot_titles=[str(g) for g in groups],
    )
    rows: list[tuple[str, ...]] = []
    for i, group in enumerate(groups):
        # A cumulative incidence is a step function: carry each channel's last value to the days it is not
        # given on, so that the channels stack on one grid of days.
        wide = (
            frame.filter(pl.col("group").cast(pl.String) == group)
            .with_columns(pl.col("channel").cast(pl.String))
            .pivot(on="channel", index="day", values="cif", aggregate_function="last")
            .sort("day")
            .fill_null(strategy="forward")
            .fill_null(0.0)
        )
        days = wide.get_column("day").to_list()
        for channel in channels:
            if channel not in wide.columns:
                continue
            cif = wide.get_column(channel).to_list()
            colour = CHANNEL_COLOURS.get(channel, "#9a9a94")
            fig.add_trace(
                go.Scatter(
                    x=days,
                    y=cif,
                    stackgroup=f"g{i}",
                    name=CHANNEL_LABELS.get(channel, channel),
                    legendgroup=channel,
                    showlegend=i == 0,
                    mode="lines",
                    line={"width": 0.6, "color": colour},
                    fillcolor=colour,
                    hovertemplate=f"{CHANNEL_LABELS.get(channel, channel)}, day %{{x:,}}: %{{y:.1%}}<extra>{group}</extra>",
                ),
                row=i // cols + 1,
                col=i % cols + 1,
            )
        if days:
            last = wide.row(-1, named=True)
            gone = sum(float(last[c]) for c in channels if c in wide.columns)
            rows.append(
                (
                    group,
                    f"{days[-1]:,}" if isinstance(days[-1], int) else str(days[-1]),
                    fmt_share(1 - gone),
                    *(fmt_share(last.get(c)) for c in channels),
                )
            )
    fig.update_layout(**base_layout(140 + 330 * panels))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(title_text="Share who have left", col=1)
    fig.update_xaxes(title_text="Days of service", row=panels)
    return Chart(
        key="retention",
        title="Retention by exit channel",
        caption=(
            "Cumulative incidence of leaving by each channel (competing risks), stacked: the top of the "
            "coloured area is the share who had left after so many days, the white space above it the share "
            "still serving. Computed from the model's individual histories; the record has no retention curves."
        ),
        figure=fig,
        table=DataTable(
            ("Group", "Last day", "Still serving", *(CHANNEL_LABELS.get(c, str(c)) for c in channels)),
            tuple(rows),
        ),
    )


def exits_total(run: Run, date: str) -> float | None:
    """All exits by ``date`` (``None`` if a channel was not measured)."""
    numbers = [value(run.doc, "exits", "by_channel_until", date, c) for c in CHANNELS]
    return None if any(n is None for n in numbers) else sum(n for n in numbers if n is not None)
