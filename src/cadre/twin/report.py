"""The twin's report: one self-contained HTML page of charts and tables from contract documents.

:func:`render_report` takes one or several documents of the output contract (SYSTEM.md §6), one per
scenario, and returns the page as a string: plotly.js is embedded once, so the page opens without a
network, prints, and can be mailed as one file. Every chart says what it shows and where its record
figure comes from; everything else is labeled a model prediction. Nulls (what a run could not measure)
are shown as "not measured", never as zero. The caller writes the string to disk.

The page's parts live beside this module: ``report_base`` (reading documents, formats, style),
``report_recruitment``, ``report_weekly``, ``report_flows``, ``report_time`` and ``report_coverage`` (one
builder per chart), ``report_tables`` (HTML tables) and ``report_page`` (style sheet and skeleton).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from typing import Any

import plotly.io as pio
import polars as pl
from plotly.offline import get_plotlyjs

from cadre.twin.report_base import Chart, Run, fit_top, runs_from
from cadre.twin.report_coverage import coverage_chart, farm_types_chart
from cadre.twin.report_exits import exits_chart, exits_region_chart, retention_chart
from cadre.twin.report_flows import flows_sankey, plan_chart
from cadre.twin.report_page import PAGE, SCRIPT, STYLE
from cadre.twin.report_recruitment import composition_chart, selection_chart
from cadre.twin.report_tables import (
    COMPARISON_COLUMNS,
    comparison_frame,
    comparison_html,
    data_table_html,
    glance_html,
)
from cadre.twin.report_time import arrivals_chart, headcount_chart
from cadre.twin.report_weekly import weekly_chart

__all__ = ["COMPARISON_COLUMNS", "DEFAULT_TITLE", "render_report"]

DEFAULT_TITLE = "The 25,000ers, 1929–1933: the model and the record"
# Charts resize with the window; the tool bar keeps zoom and pan, and saves a chart as SVG for a paper.
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
}


def render_report(
    documents: Sequence[Mapping[str, Any]],
    *,
    comparison: pl.DataFrame | None = None,
    weekly_volunteers: pl.DataFrame | None = None,
    retention: pl.DataFrame | None = None,
    title: str = DEFAULT_TITLE,
) -> str:
    """Render contract documents (one per scenario, shown side by side) as one self-contained HTML page.

    ``documents`` are §6 documents as parsed from JSON; several are overlaid with the scenario as legend.
    Optional tables add what the contract does not hold:

    - ``comparison``: model versus record, columns ``target, description, record, model, p5, p95,
      in_interval`` (optional ``unit`` = "share" for fractions, ``scenario``, ``source``); the frame of
      ``cadre.twin.targets.compare`` is accepted as it is (its ``role == "input"`` rows are left out);
    - ``weekly_volunteers``: columns ``week`` (date, ISO text or week number), ``region``, ``n``
      (optional ``scenario``: one panel each);
    - ``retention``: cumulative incidence by exit channel, columns ``group, day, channel, cif``.

    Raises ``ValueError`` if there is no document or an optional table lacks a column.
    """
    if not documents:
        raise ValueError("render_report needs at least one contract document")
    if comparison is not None:
        comparison_frame(comparison)  # refuse a table without its columns before any chart is drawn
    for name, table, columns in (
        ("weekly_volunteers", weekly_volunteers, ("week", "region", "n")),
        ("retention", retention, ("group", "day", "channel", "cif")),
    ):
        missing = [c for c in columns if table is not None and c not in table.columns]
        if missing:
            raise ValueError(f"{name} needs columns {', '.join(columns)}; missing {', '.join(missing)}")
    runs = runs_from(documents)
    sections: list[tuple[str, str, list[Chart]]] = [
        (
            "recruitment",
            "Recruitment and selection",
            [
                selection_chart(runs, axis="region"),
                *([weekly_chart(weekly_volunteers)] if weekly_volunteers is not None else []),
                selection_chart(runs, axis="union"),
                composition_chart(runs),
            ],
        ),
        ("distribution", "Distribution to the regions", [plan_chart(runs), *(flows_sankey(r) for r in runs)]),
        (
            "arrival",
            "Arrival, placement and coverage",
            [
                arrivals_chart(runs),
                headcount_chart(runs),
                coverage_chart(runs),
                farm_types_chart(runs),
            ],
        ),
        (
            "exits",
            "Exits and retention",
            [
                exits_chart(runs),
                exits_region_chart(runs),
                *([retention_chart(retention)] if retention is not None else []),
            ],
        ),
    ]
    parts = [_masthead(runs, title), _contents(sections, comparison is not None)]
    number = 0
    for i, (key, heading, charts) in enumerate(sections, start=1):
        first = ' class="first"' if i == 1 else ""
        parts.append(f'<section id="{key}"><h2{first}><span class="secnum">{i}.</span>{escape(heading)}</h2>')
        for chart in charts:
            number += 1
            parts.append(_figure(chart, number))
        parts.append("</section>")
    if comparison is not None:
        parts.append(
            f'<section id="validation"><h2><span class="secnum">{len(sections) + 1}.</span>The model against '
            "the record</h2><p>Every calibration target: the record's figure, the model's mean over the "
            "replicates and the interval in which 90% of them fell. A record figure outside that interval is "
            f"one the model does not reproduce.</p>{comparison_html(comparison)}</section>"
        )
    parts.append(
        "<footer>Made by cadre's twin report from contract documents (SYSTEM.md §6). Record figures come "
        "from the tables bundled in cadre.record, taken from a 1987 monograph on the 25,000ers and an "
        f"encyclopedia article. The page is self-contained: plotly.js {escape(_plotly_version())} is "
        "embedded, and nothing is fetched from the network.</footer>"
    )
    return PAGE.format(
        title=escape(title), style=STYLE, plotlyjs=get_plotlyjs(), body="\n".join(parts), script=SCRIPT
    )


@cache
def _plotly_version() -> str:
    found = re.search(r"plotly\.js v([0-9][0-9.]*)", get_plotlyjs()[:400])
    return found.group(1) if found else ""


def _masthead(runs: Sequence[Run], title: str) -> str:
    rows = []
    for run in runs:
        seed = run.doc.get("seed")
        reps = run.replicates
        spread = (
            "mean of the replicates, with 90% intervals"
            if reps and reps > 1 and run.has_intervals
            else "mean of the replicates (no intervals in the document)"
            if reps and reps > 1
            else "a single run: no intervals"
        )
        rows.append(
            f'<tr><td><span class="swatch" style="background:{run.colour}"></span>{escape(run.label)}</td>'
            f'<td class="num">{escape(str(seed)) if seed is not None else "not given"}</td>'
            f'<td class="num">{f"{reps:,}" if reps is not None else "not given"}</td><td>{spread}</td></tr>'
        )
    several = "scenarios" if len(runs) > 1 else "scenario"
    return (
        '<header class="masthead"><div class="kicker">cadre · digital twin report</div>'
        f"<h1>{escape(title)}</h1>"
        f'<p class="lead">A simulated replay of the campaign that sent about 27,500 factory workers to lead the '
        f"new collective farms, shown for {len(runs)} {several} beside the historical record.</p>"
        '<table class="runs"><thead><tr><th>Scenario</th><th class="num">Seed</th>'
        '<th class="num">Replicates</th><th>Numbers shown</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<div class="readfirst" role="note"><p><strong>How to read this report.</strong> Everything here that '
        "is not marked as the record is a <em>model prediction</em>: a number the simulation produced, not a "
        "fact about 1929–1933. The record's figures come from a 1987 monograph and an encyclopedia article on "
        "the campaign, as tabulated in cadre's record; the record is silent on most of what the model "
        "predicts. Scenarios other than the historical replay ask what might have happened under other "
        'decisions.</p><p class="key"><span class="rec">◆ ▮</span> black marks: the record · coloured '
        "bars and lines: the model, one colour per scenario · shaded bands and whiskers: the range in which "
        "90% of replicates fell (5th to 95th percentile) · “not measured”: a figure the run could not "
        f"measure.</p></div>{glance_html(runs)}</header>"
    )


def _contents(sections: Sequence[tuple[str, str, list[Chart]]], comparison: bool) -> str:
    items = []
    number = 0
    for key, heading, charts in sections:
        sub = []
        for chart in charts:
            number += 1
            sub.append(f'<li><a href="#fig-{chart.key}">Figure {number}. {escape(chart.title)}</a></li>')
        items.append(f'<li><a href="#{key}">{escape(heading)}</a><ol>{"".join(sub)}</ol></li>')
    if comparison:
        items.append('<li><a href="#validation">The model against the record</a></li>')
    return f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


def _figure(chart: Chart, number: int) -> str:
    if chart.figure is None:
        plot = '<div class="nodata">Not measured: the run(s) hold no figures for this chart.</div>'
    else:
        saved = {"format": "svg", "scale": 1, "filename": f"figure-{number}-{chart.key}"}
        config = {**PLOTLY_CONFIG, "toImageButtonOptions": saved}
        fit_top(chart.figure)
        plot = pio.to_html(
            chart.figure,
            include_plotlyjs=False,
            full_html=False,
            div_id=f"plot-{chart.key}",
            config=config,
            default_width="100%",
        )
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in chart.notes)
    table = ""
    if chart.table is not None and chart.table.rows:
        table = (
            f"<details><summary>The numbers of figure {number} as a table</summary>"
            f'<div class="scroll">{data_table_html(chart.table)}</div></details>'
        )
    return (
        f'<figure class="chart" id="fig-{chart.key}" aria-labelledby="title-{chart.key}">'
        f'<h3 id="title-{chart.key}"><span class="fignum">Figure {number}.</span>{escape(chart.title)}</h3>'
        f"{plot}<figcaption>{escape(chart.caption)}{notes}</figcaption>{table}</figure>"
    )
