"""Checks of single cells and rows: columns present, values present and parsable, keys unique.

These run on the text of a file (:func:`check_cells`) and find what typing alone would hide: a cell that
does not parse is null once typed, so only the text and the typed frame side by side show which one it was.
The helpers below it are shared by the table checks in :mod:`cadre.record.checks`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

import polars as pl

from cadre.record.findings import Code, Declared, Finding, make_finding
from cadre.record.manifest import manifest
from cadre.record.schema import KEYS, SCHEMAS, Column, typed

__all__ = ["check_cells", "declared_for", "file_of", "out_of_range", "rows_of", "unknown_codes"]

ROW = "_row"  # the 1-based data row of the file, added to a frame while it is checked


def file_of(table: str) -> str:
    """The file a table is read from, as findings name it."""
    return manifest()[table].file


def declared_for(table: str, declared: Declared | None) -> Declared:
    """The known defects to match against: those given, or else the manifest's for the table."""
    return manifest()[table].declared if declared is None else declared


def rows_of(frame: pl.DataFrame, where: pl.Expr | None = None) -> Iterator[dict[str, Any]]:
    """The rows of a frame (those matching ``where``), each with its 1-based data row under ``_row``."""
    indexed = frame.with_row_index(ROW, offset=1)
    yield from (indexed if where is None else indexed.filter(where)).iter_rows(named=True)


def _expected(column: Column) -> str:
    if column.dtype == pl.Date:
        return "a date (YYYY-MM-DD)"
    if column.dtype == pl.Int64:
        return "a whole number"
    if isinstance(column.dtype, pl.Enum):
        return "one of " + ", ".join(column.dtype.categories.to_list())
    return "a number"


def check_cells(table: str, raw: pl.DataFrame, *, declared: Declared | None = None) -> list[Finding]:
    """Every column present, every required cell filled, every cell parsable, every key unique.

    ``raw`` is the table as its file holds it (text, in the file's order), e.g. from
    :func:`cadre.record.schema.read_raw`.
    """
    known = declared_for(table, declared)
    file = file_of(table)
    schema = SCHEMAS[table]
    found: list[Finding] = []

    def add(code: Code, text: str, rows: Collection[int] = (), column: str | None = None) -> None:
        found.append(
            make_finding(
                table=table, file=file, code=code, text=text, declared=known, rows=rows, column=column
            )
        )

    names = {column.name for column in schema}
    for extra in (c for c in raw.columns if c not in names):
        add(Code.UNEXPECTED_COLUMN, f"column '{extra}' is not part of the table", column=extra)
    frame = typed(table, raw)
    for column in schema:
        if column.name not in raw.columns:
            add(Code.MISSING_COLUMN, f"column '{column.name}' is missing", column=column.name)
            continue
        text = raw.get_column(column.name).cast(pl.String).str.strip_chars()
        cells = pl.DataFrame({"text": text, "value": frame.get_column(column.name)})
        empty = pl.col("text").is_null() | (pl.col("text") == "")
        if column.required:
            for row in rows_of(cells, empty):
                add(Code.MISSING_VALUE, "the cell is empty", [row[ROW]], column.name)
        for row in rows_of(cells, ~empty & pl.col("value").is_null()):
            add(Code.UNPARSABLE_VALUE, f"'{row['text']}' is not {_expected(column)}", [row[ROW]], column.name)
    keys = list(KEYS[table])
    if keys:
        indexed = frame.with_row_index(ROW, offset=1)
        groups = (
            indexed.group_by(keys, maintain_order=True).agg(pl.col(ROW)).filter(pl.col(ROW).list.len() > 1)
        )
        for group in groups.iter_rows(named=True):
            value = ", ".join(str(group[k]) for k in keys)
            add(Code.DUPLICATE_KEY, f"{value} appears more than once", group[ROW], ", ".join(keys))
    return found


def unknown_codes(
    table: str,
    frame: pl.DataFrame,
    columns: Collection[str],
    codes: Collection[str],
    *,
    declared: Declared,
    where: pl.Expr | None = None,
    aggregates: Collection[str] = (),
) -> list[Finding]:
    """A finding for each cell of ``columns`` (in rows matching ``where``) that is not one of ``codes``.

    ``aggregates`` are codes that stand for a total rather than a region (ALL, RSFSR): they are allowed.
    """
    allowed = set(codes) | set(aggregates)
    return [
        make_finding(
            table=table,
            file=file_of(table),
            code=Code.UNKNOWN_REGION,
            text=f"unknown region code '{row[column]}' (not in regions.csv)",
            declared=declared,
            rows=[row[ROW]],
            column=column,
            key=str(row[column]),
        )
        for column in columns
        for row in rows_of(frame, where)
        if row[column] is not None and row[column] not in allowed
    ]


def out_of_range(
    table: str,
    frame: pl.DataFrame,
    column: str,
    low: float,
    high: float | None,
    *,
    declared: Declared,
    where: pl.Expr | None = None,
) -> list[Finding]:
    """A finding for each value of ``column`` outside ``[low, high]`` (no upper bound when ``high`` is None)."""
    value = pl.col(column)
    outside = (value < low) if high is None else ((value < low) | (value > high))
    bounds = f"at least {low:g}" if high is None else f"between {low:g} and {high:g}"
    condition = outside if where is None else (where & outside)
    return [
        make_finding(
            table=table,
            file=file_of(table),
            code=Code.OUT_OF_RANGE,
            text=f"{row[column]:g} is not {bounds}",
            declared=declared,
            rows=[row[ROW]],
            column=column,
        )
        for row in rows_of(frame, condition)
    ]
