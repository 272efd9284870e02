"""Plotly figures (as plain JSON-ready dicts) for the analytics pages, drawn by static/analytics/charts.js.

A figure goes into the page as a ``<script type="application/json">`` data block (``json_script``), so
the page carries no inline script; the static script draws every ``[data-chart]`` element from it.
"""

from __future__ import annotations

from typing import Any

import polars as pl

__all__ = ["bars", "lines", "stacked"]

_LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 100}, "font": {"family": "system-ui, sans-serif", "size": 13},
           "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "legend": {"orientation": "h", "y": -0.3, "yanchor": "top"},
           "colorway": ["#8c1c13", "#2f5d8a", "#1f6f43", "#8a5a00", "#6b4c9a", "#3a7d7c", "#a0522d", "#5f6b73",
                        "#c0392b"]}


def _layout(title: str, x: str = "", y: str = "", **more: Any) -> dict[str, Any]:
    return {**_LAYOUT, "title": {"text": title, "x": 0, "font": {"size": 15}},
            "xaxis": {"title": {"text": x}, "gridcolor": "#eceff1"},
            "yaxis": {"title": {"text": y}, "gridcolor": "#eceff1", "rangemode": "tozero"}, **more}


def bars(frame: pl.DataFrame, *, x: str, ys: dict[str, str], title: str, y_title: str = "") -> dict[str, Any]:
    """Grouped bars: one trace per column of ``ys`` (column -> legend label)."""
    cats = [str(v) for v in frame.get_column(x).to_list()]
    data = [{"type": "bar", "name": label, "x": cats, "y": frame.get_column(col).to_list()}
            for col, label in ys.items()]
    return {"data": data, "layout": _layout(title, y=y_title, barmode="group")}


def lines(series: dict[str, tuple[list[Any], list[Any]]], *, title: str, x_title: str = "", y_title: str = "",
          percent: bool = False, step: bool = False, faint: tuple[str, ...] = ()) -> dict[str, Any]:
    """Lines, one per named series of (x values, y values); ``faint`` ones (intervals) dashed and grey."""
    shape = {"shape": "hv"} if step else {}
    data = [{"type": "scatter", "mode": "lines", "name": name, "x": [str(v) for v in xs], "y": ys,
             "line": {**shape, **({"dash": "dot", "color": "#9aa5ad", "width": 1} if name in faint else {})}}
            for name, (xs, ys) in series.items()]
    layout = _layout(title, x_title, y_title)
    if percent:
        layout["yaxis"]["tickformat"] = ".0%"
    return {"data": data, "layout": layout}


def stacked(matrix: pl.DataFrame, *, origin: str, title: str) -> dict[str, Any]:
    """Bars per destination, stacked by origin, from a matrix of ``od_matrix`` (totals left out).

    Stacked bars rather than a heat map: plotly draws a heat map's colour scale with style attributes,
    which the content security policy forbids.
    """
    body = matrix.filter(pl.col(origin) != "total")
    cols = [c for c in body.columns if c not in (origin, "total")]
    data = [{"type": "bar", "name": str(row[origin]), "x": cols, "y": [row[c] for c in cols],
             "hovertemplate": f"{row[origin]} → %{{x}}: %{{y}}<extra></extra>"} for row in body.iter_rows(named=True)]
    return {"data": data, "layout": _layout(title, "to", "workers", barmode="stack")}
