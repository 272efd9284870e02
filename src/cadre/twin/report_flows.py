"""Charts of distribution: plan versus actual by region, and the origin-destination flows as Sankey diagrams."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cadre import record
from cadre.twin.report_base import (
    RECORD_COLOUR,
    Chart,
    DataTable,
    Run,
    base_layout,
    fmt_count,
    interval,
    mapping,
    region_label,
    tint,
    value,
)

__all__ = ["flows_sankey", "plan_chart"]


def _cells(run: Run, which: str) -> dict[tuple[str, str], float | None]:
    return {
        (origin, dest): value(run.doc, "flows", which, origin, dest)
        for origin, row in mapping(run.doc, "flows", which).items()
        if isinstance(row, Mapping)
        for dest in row
    }


def _sums(cells: Mapping[tuple[str, str], float | None], side: int) -> dict[str, float]:
    # A null cell adds nothing; the chart's note names the cells that were not measured.
    totals: dict[str, float] = {}
    for pair, number in cells.items():
        totals[pair[side]] = totals.get(pair[side], 0.0) + (number or 0.0)
    return totals


def _record_plan(side: int) -> dict[str, float]:
    frame = record.control_plan()
    totals: dict[str, float] = {}
    for origin, dest, planned in zip(
        frame.get_column("from_region"),
        frame.get_column("to_region"),
        frame.get_column("planned"),
        strict=True,
    ):
        key = (origin, dest)[side]
        totals[key] = totals.get(key, 0.0) + float(planned)
    return totals


def plan_chart(runs: Sequence[Run]) -> Chart:
    """Planned (outline) and actual (solid) workers by region of origin and of destination."""
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.14,
        subplot_titles=["By region of origin (sent from)", "By region of destination (sent to)"],
    )
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    longest = 0
    for side in (0, 1):
        recorded = _record_plan(side)
        planned = [_sums(_cells(run, "planned"), side) for run in runs]
        actual = [_sums(_cells(run, "actual"), side) for run in runs]
        keys = set(recorded).union(*planned, *actual)
        size = {k: max([recorded.get(k, 0.0)] + [p.get(k, 0.0) for p in planned + actual]) for k in keys}
        order = sorted(keys, key=lambda k: (-size[k], region_label(k)))
        names = [region_label(k) for k in order]
        longest = max(longest, len(order))
        for run, plan, done in zip(runs, planned, actual, strict=True):
            prefix = f"{run.label}: " if len(runs) > 1 else ""
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=names,
                    x=[done.get(k) for k in order],
                    name=f"{prefix}actual (model)" if prefix else "Actual (model)",
                    marker={"color": run.colour},
                    offsetgroup=run.label,
                    legendgroup=f"{run.label}-actual",
                    showlegend=side == 0,
                    hovertemplate=f"%{{y}}<br>Actual: %{{x:,.0f}}<extra>{run.label}</extra>",
                ),
                row=1,
                col=side + 1,
            )
            fig.add_trace(
                go.Bar(
                    orientation="h",
                    y=names,
                    x=[plan.get(k) for k in order],
                    name=f"{prefix}planned (outline)" if prefix else "Planned (outline)",
                    marker={"color": "rgba(0,0,0,0)", "line": {"color": run.colour, "width": 1.6}},
                    offsetgroup=run.label,
                    legendgroup=f"{run.label}-planned",
                    showlegend=side == 0,
                    hovertemplate=f"%{{y}}<br>Planned: %{{x:,.0f}}<extra>{run.label}</extra>",
                ),
                row=1,
                col=side + 1,
            )
        fig.add_trace(
            go.Scatter(
                mode="markers",
                y=names,
                x=[recorded.get(k) for k in order],
                name="1929 plan (record)",
                legendgroup="record",
                showlegend=side == 0,
                marker={"symbol": "line-ns", "size": 16, "line": {"width": 3, "color": RECORD_COLOUR}},
                hovertemplate="%{y}<br>1929 plan: %{x:,.0f}<extra>record</extra>",
            ),
            row=1,
            col=side + 1,
        )
        fig.update_yaxes(
            autorange="reversed", categoryorder="array", categoryarray=names, row=1, col=side + 1
        )
        role = "from" if side == 0 else "to"
        for k in order:
            rows.append(
                (
                    f"{role} {region_label(k)}",
                    *(
                        f"{fmt_count(p.get(k))} / {fmt_count(a.get(k))}"
                        for p, a in zip(planned, actual, strict=True)
                    ),
                    fmt_count(recorded.get(k)),
                )
            )
    for run in runs:
        gaps = [
            f"{which} {region_label(o)}→{region_label(d)}"
            for which in ("planned", "actual")
            for (o, d), n in _cells(run, which).items()
            if n is None
        ]
        if gaps:
            notes.append(
                f"Not measured in {run.label} (counted as nothing in the sums): {', '.join(gaps[:6])}"
                + (f" and {len(gaps) - 6} more." if len(gaps) > 6 else ".")
            )
    fig.update_layout(**base_layout(160 + longest * (14 + 12 * len(runs)), barmode="group", bargap=0.22))
    fig.update_xaxes(title_text="Workers", tickformat=",d", rangemode="tozero")
    fig.update_annotations(font={"size": 13})
    headers = ("Region", *(f"{r.label}: planned / actual" for r in runs), "1929 plan (record)")
    return Chart(
        key="plan-vs-actual",
        title="Plan versus actual, by region",
        caption=(
            "Workers the scenario's distribution plan assigned (outlined bar) and the model predicts were "
            "actually sent (solid bar), summed over the origin–destination matrix by the region that sent them "
            "and by the region that received them. Black ticks: the 1929 distribution plan from the record "
            "(control_plan_1929.csv, corrected reading). No intervals are drawn here: the run reports an "
            "interval for each cell of the matrix, and intervals of cells do not add up to an interval of a sum."
        ),
        figure=fig,
        table=DataTable(headers, tuple(rows)),
        notes=tuple(notes),
    )


SANKEY_HEIGHT = 760
SANKEY_PAD = 9  # pixels between two nodes of a column


def _stack(values: Sequence[float], height: float) -> list[float]:
    """Centres (0 at the top, 1 at the bottom) of nodes stacked largest first with fixed gaps.

    Plotly scales every node by one factor, set by the fullest column; spacing each column by its own
    total with a slightly larger gap than plotly's keeps the labels of small regions apart.
    """
    total = sum(values) or 1.0
    gap = (SANKEY_PAD + 2) / height
    room = max(1 - gap * (len(values) - 1), 0.2)
    centres, top = [], 0.0
    for number in values:
        size = number / total * room
        centres.append(min(max(top + size / 2, 0.001), 0.999))
        top += size + gap
    return centres


def _sankey(run: Run, which: str, domain: tuple[float, float]) -> tuple[Any, float]:
    cells = {pair: n for pair, n in _cells(run, which).items() if n}
    out_sum, in_sum = _sums(cells, 0), _sums(cells, 1)
    origins = sorted(out_sum, key=lambda k: -out_sum[k])
    # Destinations sit at the mean height of the origins they receive from (the barycentre heuristic), which
    # keeps bands from crossing more than the plan itself makes them.
    rank = {k: i for i, k in enumerate(origins)}
    centre = {d: sum(rank[o] * n for (o, t), n in cells.items() if t == d) / in_sum[d] for d in in_sum}
    dests = sorted(in_sum, key=lambda k: (centre[k], -in_sum[k]))
    index = {("o", k): i for i, k in enumerate(origins)} | {
        ("d", k): len(origins) + i for i, k in enumerate(dests)
    }
    pairs = sorted(cells, key=lambda p: (origins.index(p[0]), dests.index(p[1])))
    custom = []
    for origin, dest in pairs:
        ci = interval(run.doc, "flows", which, origin, dest)
        custom.append(f"<br>90% interval: {fmt_count(ci[0])}–{fmt_count(ci[1])}" if ci else "")
    trace = go.Sankey(
        domain={"x": list(domain), "y": [0, 1]},
        arrangement="fixed",
        valueformat=",.0f",
        node={
            "label": [region_label(k) for k in origins] + [region_label(k) for k in dests],
            "color": ["#5d666e"] * len(origins) + ["#8d959c"] * len(dests),
            "pad": SANKEY_PAD,
            "thickness": 12,
            "x": [0.001] * len(origins) + [0.999] * len(dests),
            "y": _stack([out_sum[k] for k in origins], SANKEY_HEIGHT - 60)
            + _stack([in_sum[k] for k in dests], SANKEY_HEIGHT - 60),
            "line": {"width": 0},
            "hovertemplate": "%{label}: %{value:,.0f} workers<extra></extra>",
        },
        link={
            "source": [index["o", o] for o, _ in pairs],
            "target": [index["d", d] for _, d in pairs],
            "value": [cells[p] for p in pairs],
            # Workers kept in their own region are drawn in the scenario's colour, the rest in grey.
            "color": [tint(run.colour, 0.55) if o == d else "rgba(120,120,120,0.28)" for o, d in pairs],
            "customdata": custom,
            "hovertemplate": "%{source.label} → %{target.label}: %{value:,.0f}%{customdata}<extra></extra>",
        },
        textfont={"size": 11},
    )
    total = sum(cells.values())
    own = sum(n for (o, d), n in cells.items() if o == d)
    return trace, (own / total if total else 0.0)


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label.lower())


def flows_sankey(run: Run) -> Chart:
    """The planned and the actual origin-destination matrix of one run, side by side."""
    if not any(_cells(run, "planned").values()) and not any(_cells(run, "actual").values()):
        return Chart(
            key=f"sankey-{_slug(run.label)}",
            title=f"Origin–destination flows, planned and actual: {run.label}",
            caption="The run holds no origin–destination flows.",
        )
    fig = go.Figure()
    shares = []
    for which, domain in (("planned", (0.0, 0.47)), ("actual", (0.53, 1.0))):
        trace, own = _sankey(run, which, domain)
        shares.append(own)
        fig.add_trace(trace)
        centre = (domain[0] + domain[1]) / 2
        fig.add_annotation(
            x=centre,
            y=1.05,
            xref="paper",
            yref="paper",
            showarrow=False,
            text=f"<b>{which.capitalize()}</b>",
            font={"size": 14},
        )
    fig.update_layout(**base_layout(SANKEY_HEIGHT, margin={"l": 10, "r": 44, "t": 50, "b": 10}))
    rows = tuple(
        (
            f"{region_label(o)} → {region_label(d)}",
            fmt_count(value(run.doc, "flows", "planned", o, d))
            if d in mapping(run.doc, "flows", "planned", o)
            else "—",
            fmt_count(value(run.doc, "flows", "actual", o, d))
            if d in mapping(run.doc, "flows", "actual", o)
            else "—",
        )
        for o, d in sorted(set(_cells(run, "planned")) | set(_cells(run, "actual")))
    )
    return Chart(
        key=f"sankey-{_slug(run.label)}",
        title=f"Origin–destination flows, planned and actual: {run.label}",
        caption=(
            "Each band joins the region that sent workers (left of each diagram) to the region that received "
            "them (right); its width is the number of workers. Bands in colour are workers kept in their own "
            f"region ({shares[0]:.0%} of the plan, {shares[1]:.0%} of the actual flows; the record says about "
            "half stayed at home). The planned matrix is the scenario's plan (for the historical scenario, the "
            "record's control_plan_1929.csv); the actual matrix is a model prediction."
        ),
        figure=fig,
        table=DataTable(("From → to", "Planned", "Actual (model)"), rows),
    )
