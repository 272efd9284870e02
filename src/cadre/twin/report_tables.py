"""HTML tables of the report: the figures at a glance, the model-versus-record table, a chart's numbers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import polars as pl

from cadre.twin.report_base import (
    NOT_MEASURED,
    DataTable,
    Run,
    fmt_count,
    fmt_share,
    interval,
    long_date,
    record_value,
    value,
)
from cadre.twin.report_exits import exits_total
from cadre.twin.report_recruitment import record_composition

__all__ = [
    "ALIASES",
    "COMPARISON_COLUMNS",
    "comparison_frame",
    "comparison_html",
    "data_table_html",
    "glance_html",
]

NUM = ' class="num"'
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
COMPARISON_COLUMNS = ("target", "description", "record", "model", "p5", "p95", "in_interval")

Reading = tuple[float | None, tuple[float, float] | None]


def _at(*path: str) -> Callable[[Run], Reading]:
    return lambda run: (value(run.doc, *path), interval(run.doc, *path))


def _record(observation_id: str, share: bool = False, prefix: str = "") -> str:
    number = record_value(observation_id)
    if number is None:
        return "—"
    return prefix + (fmt_share(number, 0) if share else fmt_count(number))


def _mobilized() -> str:
    low, high = record_value("mobilized_share_len"), record_value("mobilized_share_mos_sample")
    if low is None or high is None:
        return "—"
    return f"{fmt_share(low, 0)} (Leningrad) to {fmt_share(high, 0)} (a Moscow sample)"


def _composition(category: str) -> str:
    number = record_composition().get(category)
    return "—" if number is None else fmt_share(number)


def _left_by(date: str) -> Callable[[Run], Reading]:
    return lambda run: (exits_total(run, date), None)


# (what, record as printed, reader of the model, whether a share). A dash in the record column means the
# record has no figure: the model's number is a prediction only.
GLANCE: tuple[tuple[str, Callable[[], str], Callable[[Run], Reading], bool], ...] = (
    (
        "Volunteers",
        lambda: _record("volunteers_total", prefix="more than "),
        _at("volunteers", "total"),
        False,
    ),
    ("Selected and sent", lambda: _record("selected_total"), _at("selected", "total"), False),
    ("Share mobilized rather than volunteered", _mobilized, _at("selected", "mobilized_share"), True),
    ("Women among the selected", lambda: _composition("female"), _at("composition", "total", "female"), True),
    (
        "Party members among the selected",
        lambda: _composition("party"),
        _at("composition", "total", "party"),
        True,
    ),
    ("Arrived by 2 February 1930", lambda: _record("arrived_0202"), _at("arrivals", "1930-02-02"), False),
    ("Arrived by 9 February 1930", lambda: _record("arrived_0209"), _at("arrivals", "1930-02-09"), False),
    ("Arrived by 15 February 1930", lambda: "the rest by mid-February", _at("arrivals", "1930-02-15"), False),
    (
        "In any rural post, 1 July 1930",
        lambda: _record("remaining_summer_1930", prefix="about "),
        _at("headcount", "1930-07-01", "rural_work"),
        False,
    ),
    (
        "On collective farms, 1 July 1930",
        lambda: _record("on_farms_summer_1930"),
        _at("headcount", "1930-07-01", "on_farms"),
        False,
    ),
    (
        "In machine-tractor stations, 1 July 1930",
        lambda: _record("in_mts_summer_1930"),
        _at("headcount", "1930-07-01", "in_mts"),
        False,
    ),
    (
        "Farms with a worker, 1 July 1930",
        lambda: _record("coverage_1930", share=True, prefix="about "),
        _at("coverage", "1930-07-01", "total"),
        True,
    ),
    ("Left their posts by 1 July 1930", lambda: "about 5,000", _left_by("1930-07-01"), False),
    ("In any rural post, 1 January 1933", lambda: "—", _at("headcount", "1933-01-01", "rural_work"), False),
    ("Left their posts by 1 January 1933", lambda: "—", _left_by("1933-01-01"), False),
)


def _model_cell(reading: Reading, share: bool) -> str:
    mean, ci = reading
    if mean is None:
        return f'<td class="num missing">{NOT_MEASURED}</td>'
    fmt = fmt_share if share else fmt_count
    band = f'<span class="ci">{escape(fmt(ci[0]))}–{escape(fmt(ci[1]))}</span>' if ci else ""
    return f'<td class="num">{escape(fmt(mean))}{band}</td>'


def glance_html(runs: Sequence[Run]) -> str:
    """The headline figures of every run beside the record's, one row per figure."""
    head = "".join(
        f'<th scope="col" class="num"><span class="swatch" style="background:{r.colour}"></span>'
        f"{escape(r.label)}</th>"
        for r in runs
    )
    body = []
    for what, recorded, read, share in GLANCE:
        printed = recorded()
        record_cell = (
            f'<td class="num record">{escape(printed)}</td>'
            if printed != "—"
            else '<td class="num none">not in the record</td>'
        )
        cells = "".join(_model_cell(read(run), share) for run in runs)
        body.append(f'<tr><th scope="row">{escape(what)}</th>{record_cell}{cells}</tr>')
    return (
        '<table class="glance"><caption>The campaign at a glance: the record against the model. Model '
        "figures are means over the replicates, with the 90% interval beneath where there is one.</caption>"
        f'<thead><tr><th scope="col">Figure</th><th scope="col" class="num">Record</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _auto(number: float | None, share: bool) -> str:
    if number is None:
        return NOT_MEASURED
    if share:
        return fmt_share(number)
    if float(number).is_integer() or abs(number) >= 100:
        return fmt_count(number)
    return f"{number:,.2f}"


# The columns of cadre.twin.targets.compare() under the names this table uses, so either shape can be passed.
ALIASES = {
    "target_id": "target",
    "record_value": "record",
    "model_p5": "p5",
    "model_p95": "p95",
    "record_in_ci90": "in_interval",
}


def comparison_frame(comparison: pl.DataFrame) -> pl.DataFrame:
    """The comparison under this table's column names; rows whose ``role`` is "input" are left out.

    Raises ``ValueError`` naming the columns that are missing.
    """
    renames = {
        old: new
        for old, new in ALIASES.items()
        if old in comparison.columns and new not in comparison.columns
    }
    frame = comparison.rename(renames)
    missing = [c for c in COMPARISON_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"comparison needs columns {', '.join(COMPARISON_COLUMNS)}; missing {', '.join(missing)}"
        )
    if "role" in frame.columns:
        # Inputs (the 1929 plan a historical scenario carries) are given, not predicted: nothing to compare.
        frame = frame.filter(pl.col("role").fill_null("") != "input")
    return frame


def _record_text(row: dict[str, Any], share: bool) -> str:
    kind = str(row.get("comparison") or "point")
    low, high = row.get("record_low"), row.get("record_high")
    if kind == "at_least" and low is not None:
        return f"more than {_auto(low, share)}"
    if kind == "range" and low is not None and high is not None:
        return f"{_auto(low, share)}–{_auto(high, share)}"
    return _auto(row["record"], share)


def comparison_html(comparison: pl.DataFrame) -> str:
    """The model-versus-record table; a record figure outside the model's 90% interval is highlighted.

    ``comparison`` has the columns of :data:`COMPARISON_COLUMNS` (or those of
    ``cadre.twin.targets.compare``, see :data:`ALIASES`); optional ``unit`` ("share" for fractions),
    ``scenario``, ``source`` and, for bounds and ranges, ``comparison``, ``record_low`` and
    ``record_high`` are used when present.
    """
    frame = comparison_frame(comparison)
    has_scenario = "scenario" in frame.columns
    body = []
    inside = outside = 0
    for row in frame.iter_rows(named=True):
        numbers = [row[k] for k in ("record", "model", "p5", "p95")]
        unit = str(row.get("unit") or "")
        share = unit == "share" or (
            not unit
            and all(n is None or 0 <= n <= 1 for n in numbers)
            and any(n is not None and not float(n).is_integer() for n in numbers)
        )
        model, p5, p95 = (_auto(n, share) for n in numbers[1:])
        flag = row["in_interval"]
        if flag is True:
            inside += 1
            verdict, css = "inside", "inside"
        elif flag is False:
            outside += 1
            verdict, css = "outside", "outside"
        else:
            verdict, css = "no interval", "nointerval"
        span = "—" if row["p5"] is None or row["p95"] is None else f"{p5}–{p95}"
        scenario = f"<td>{escape(str(row['scenario']))}</td>" if has_scenario else ""
        source = f'<span class="ci">{escape(str(row["source"]))}</span>' if row.get("source") else ""
        body.append(
            f'<tr class="{css}">{scenario}<th scope="row"><code>{escape(str(row["target"]))}</code></th>'
            f"<td>{escape(str(row['description'] or ''))}{source}</td>"
            f'<td class="num record">{escape(_record_text(row, share))}</td>'
            f'<td class="num">{escape(model)}</td><td class="num">{escape(span)}</td>'
            f'<td class="verdict"><span class="badge {css}">{verdict}</span></td></tr>'
        )

    total = inside + outside
    falls = "falls" if outside == 1 else "fall"
    summary = (
        f"{inside} of {total} record figures fall inside the model's 90% interval; {outside} {falls} "
        "outside it (highlighted)."
        if total
        else "No target has an interval (a single replicate)."
    )
    if total and len(body) > total:
        summary += f" {len(body) - total} without an interval."
    head_scenario = '<th scope="col">Scenario</th>' if has_scenario else ""
    return (
        f'<p class="summary">{escape(summary)}</p><table class="comparison"><thead><tr>{head_scenario}'
        '<th scope="col">Target</th><th scope="col">What the record says</th>'
        '<th scope="col" class="num">Record</th><th scope="col" class="num">Model (mean)</th>'
        '<th scope="col" class="num">90% interval</th><th scope="col">Record in interval?</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _numeric(cells: Sequence[str]) -> bool:
    return all(c in (NOT_MEASURED, "—") or re.match(r"^-?[0-9]", c) for c in cells) and not all(
        ISO_DATE.match(c) for c in cells
    )


def data_table_html(table: DataTable) -> str:
    """A chart's numbers as a plain table: the first column as row headers, numbers aligned right."""
    columns = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(table.headers)
    numeric = [i > 0 and _numeric(col) for i, col in enumerate(columns)]
    head = "".join(
        f'<th scope="col"{NUM if num else ""}>{escape(h)}</th>'
        for h, num in zip(table.headers, numeric, strict=True)
    )
    rows = []
    for row in table.rows:
        cells = []
        for i, (text, num) in enumerate(zip(row, numeric, strict=True)):
            shown = escape(long_date(text) if ISO_DATE.match(text) else text)
            css = " ".join(c for c in ("num" if num else "", "missing" if text == NOT_MEASURED else "") if c)
            attr = f' class="{css}"' if css else ""
            cells.append(f'<th scope="row"{attr}>{shown}</th>' if i == 0 else f"<td{attr}>{shown}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
