"""Shared pieces of the twin's HTML report: runs, null-safe reading of contract documents, formats, style.

A contract document (SYSTEM.md §6) may hold null wherever a run could not measure a figure, and a
document written by an older or partial run may miss a key altogether; every reader here treats both as
"not measured" and returns ``None``, so that no chart fails on a gap. A run with several replicates has a
sibling ``ci90`` of the same shape whose numbers are ``[p5, p95]`` pairs; :func:`interval` reads it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import plotly.graph_objects as go

from cadre import record

__all__ = [
    "CHANNELS",
    "CHANNEL_COLOURS",
    "CHANNEL_LABELS",
    "INK",
    "NOT_MEASURED",
    "RECORD_COLOUR",
    "Chart",
    "DataTable",
    "Gaps",
    "Run",
    "base_layout",
    "cell",
    "fit_top",
    "fmt_count",
    "fmt_share",
    "interval",
    "iso_dates",
    "long_date",
    "mapping",
    "record_date",
    "record_value",
    "region_label",
    "runs_from",
    "tint",
    "value",
]

NOT_MEASURED = "not measured"
INK = "#222222"
RECORD_COLOUR = "#111111"
GRID = "#e4e4e0"
FONT = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
# Muted, colour-blind-distinguishable ink colours for scenarios (deep blue, rust, green, violet, ochre,
# slate); the record is always black so that a reader can tell history from prediction at a glance.
SCENARIO_COLOURS = ("#1f4e79", "#b0562a", "#3c7a57", "#6f5499", "#a3841f", "#4f7f99")

CHANNELS = (
    "removed_by_officials",
    "violation",
    "recalled",
    "illness_or_death",
    "permitted_leave",
    "deserted",
    "promoted_out",
    "study",
    "unaccounted",
)
CHANNEL_LABELS = {
    "removed_by_officials": "Removed by officials",
    "violation": "Removed for a violation",
    "recalled": "Recalled by the factory",
    "illness_or_death": "Illness or death",
    "permitted_leave": "Left with permission",
    "deserted": "Deserted",
    "promoted_out": "Promoted out",
    "study": "Sent to study",
    "unaccounted": "Unaccounted for",
}
# Channels are coloured by family: removals in reds, recall in ochre, illness in grey, leaving in blues,
# moving up in greens, lost records in pale grey.
CHANNEL_COLOURS = {
    "removed_by_officials": "#8e2c2c",
    "violation": "#cf7a6b",
    "recalled": "#c99a3d",
    "illness_or_death": "#6b6b6b",
    "permitted_leave": "#2f6597",
    "deserted": "#94b7d8",
    "promoted_out": "#2f7350",
    "study": "#97c8a6",
    "unaccounted": "#c9c9c4",
}


@dataclass(frozen=True, slots=True)
class Run:
    """One contract document with the label and colour it has throughout the report."""

    label: str
    colour: str
    doc: Mapping[str, Any]

    @property
    def replicates(self) -> int | None:
        number = value(self.doc, "replicates")
        return None if number is None else int(number)

    @property
    def has_intervals(self) -> bool:
        return isinstance(self.doc.get("ci90"), Mapping)


@dataclass(frozen=True, slots=True)
class DataTable:
    """The numbers behind a chart, already formatted, for the table a reader (or a screen reader) opens."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A figure of the report: heading, plotly figure (``None`` when nothing was measured), caption."""

    key: str
    title: str
    caption: str
    figure: Any = None
    table: DataTable | None = None
    notes: tuple[str, ...] = field(default=())


class Gaps:
    """What each run did not measure, gathered while a chart is built, given back as one note per run."""

    def __init__(self) -> None:
        self._items: dict[str, list[str]] = {}

    def add(self, run: Run, items: Iterable[str]) -> None:
        self._items.setdefault(run.label, []).extend(items)

    def notes(self) -> tuple[str, ...]:
        notes = []
        for label, items in self._items.items():
            if items:
                shown = "; ".join(items[:8]) + (f"; and {len(items) - 8} more" if len(items) > 8 else "")
                notes.append(f"Not measured in {label}: {shown}.")
        return tuple(notes)


def runs_from(documents: Sequence[Mapping[str, Any]]) -> list[Run]:
    """Label each document by its scenario, adding the seed (then a number) where names repeat."""
    names = [str(doc.get("scenario") or "unnamed run") for doc in documents]
    labels = [
        f"{name} (seed {doc.get('seed')})" if names.count(name) > 1 else name
        for name, doc in zip(names, documents, strict=True)
    ]
    labels = [f"{label} #{i + 1}" if labels.count(label) > 1 else label for i, label in enumerate(labels)]
    return [
        Run(label=label, colour=SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)], doc=doc)
        for i, (label, doc) in enumerate(zip(labels, documents, strict=True))
    ]


def _walk(node: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _number(item: Any) -> float | None:
    if isinstance(item, bool) or not isinstance(item, int | float):
        return None
    number = float(item)
    return number if math.isfinite(number) else None


def value(doc: Mapping[str, Any], *path: str) -> float | None:
    """The number at ``path`` in a document, or ``None`` if it is null, missing or not a number."""
    return _number(_walk(doc, path))


def mapping(doc: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    """The object at ``path``, or an empty one if it is null or missing."""
    node = _walk(doc, path)
    return node if isinstance(node, Mapping) else {}


def interval(doc: Mapping[str, Any], *path: str) -> tuple[float, float] | None:
    """The 90% interval ``(p5, p95)`` of the number at ``path``, from the document's ``ci90``."""
    node = _walk(doc.get("ci90"), path)
    if not isinstance(node, Sequence) or isinstance(node, str) or len(node) != 2:
        return None
    low, high = _number(node[0]), _number(node[1])
    return None if low is None or high is None else (low, high)


def fmt_count(number: float | None) -> str:
    """A count with thousands separators (``18,300``), or "not measured"."""
    return NOT_MEASURED if number is None else f"{number:,.0f}"


def fmt_share(number: float | None, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage (``7.7%``), or "not measured"."""
    return NOT_MEASURED if number is None else f"{100 * number:.{digits}f}%"


def cell(mean: float | None, ci: tuple[float, float] | None, share: bool = False) -> str:
    """A table cell: the mean and, where there is one, its 90% interval."""
    fmt = fmt_share if share else fmt_count
    if mean is None or ci is None:
        return fmt(mean)
    return f"{fmt(mean)} ({fmt(ci[0])}–{fmt(ci[1])})"


@cache
def _region_names() -> dict[str, str]:
    frame = record.regions()
    names = {}
    for code, name in zip(frame.get_column("code"), frame.get_column("name"), strict=True):
        names[code] = name.removesuffix(" Region").removesuffix(" Industrial")
    return names


def region_label(code: str) -> str:
    """A region's readable name (``Lower Volga``) from the record; an unknown code stays as it is."""
    return _region_names().get(code, code)


@cache
def record_value(observation_id: str) -> float | None:
    """A single figure of the record's observations, or ``None`` if it is absent or printed as a range."""
    try:
        return record.observation(observation_id)
    except (KeyError, ValueError):
        return None


def record_date(observation_id: str) -> dt.date | None:
    """The date a figure of the record refers to."""
    frame = record.observations()
    hit = frame.filter(frame.get_column("id") == observation_id)
    return None if hit.is_empty() else hit.item(0, "as_of")


def iso_dates(keys: Iterable[Any]) -> list[str]:
    """The keys that are ISO dates, in order; other keys are left out."""
    dates = []
    for key in keys:
        try:
            dt.date.fromisoformat(str(key))
        except ValueError:
            continue
        dates.append(str(key))
    return sorted(dates)


def long_date(iso: str) -> str:
    """An ISO date as a reader writes it: ``1 July 1930`` (other text is returned as it is)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def tint(colour: str, alpha: float) -> str:
    """A ``#rrggbb`` colour as ``rgba`` with the given opacity."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def base_layout(height: int, **extra: Any) -> dict[str, Any]:
    """The report's plain layout: white ground, light grid, one sans-serif, legend across the top.

    The top margin is set when the page is assembled (:func:`fit_top`), once the legend is known.
    """
    axis = {
        "gridcolor": GRID,
        "linecolor": "#9a9a94",
        "zerolinecolor": "#bdbdb6",
        "ticks": "outside",
        "tickcolor": "#9a9a94",
        "ticklen": 4,
        "automargin": True,
        "title": {"font": {"size": 13}},
    }
    layout: dict[str, Any] = {
        "template": go.layout.Template(layout={"xaxis": axis, "yaxis": axis}),
        "height": height,
        "font": {"family": FONT, "size": 13, "color": INK},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        # The right margin holds the (vertical) tool bar, so that it never covers the legend.
        "margin": {"l": 10, "r": 44, "t": 40, "b": 10},
        "modebar": {"orientation": "v", "color": "#9a9a94", "activecolor": INK},
        "separators": ".,",
        "hoverlabel": {"font": {"family": FONT, "size": 12}, "bgcolor": "white"},
        "legend": {
            "orientation": "h",
            "yref": "paper",
            "y": 1.02,
            "yanchor": "bottom",
            "xanchor": "left",
            "x": 0,
            "font": {"size": 12},
            "bgcolor": "rgba(255,255,255,0)",
        },
    }
    layout.update(extra)
    return layout


def fit_top(fig: Any, width: int = 1000) -> None:
    """Make room above the plot for the legend (as many rows as it will wrap to) and subplot titles."""
    seen: set[tuple[Any, Any]] = set()
    entries = []
    for trace in fig.data:
        name = getattr(trace, "name", None)
        if trace.type == "sankey" or not name or trace.showlegend is False:
            continue
        key = (trace.legendgroup or name, name)
        if key not in seen:
            seen.add(key)
            entries.append(40 + 6.8 * len(name))
    if len(entries) == 1 and fig.layout.showlegend is not True:
        entries = []  # plotly shows no legend for a lone trace
    # A horizontal legend that wraps lays its entries out on a grid as wide as its widest entry.
    per_row = max(int(width // max(entries)), 1) if entries else 1
    rows = math.ceil(len(entries) / per_row)
    titled = any(a.yref == "paper" and a.text for a in fig.layout.annotations)
    top = 6 + 22 * rows + (40 if titled else 10)
    # The legend sits above the plot area, and above the subplot titles where there are any.
    plot = max(fig.layout.height - top - 60, 100)
    fig.update_layout(margin_t=top, legend_y=1 + (34 if titled else 10) / plot)
