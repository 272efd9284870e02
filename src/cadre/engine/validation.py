"""Validation of personal files: every problem of a table found at once, reported as data.

A committee that loads a spreadsheet of 3,000 files should see all of its bad rows in one pass, not the
first one. :func:`validate` therefore never raises on bad data: it returns the rows that passed, typed by
the schema, and a frame of issues (row, person, column, value, code, message).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from cadre.engine.schema import Column, Kind, Schema

__all__ = ["ISSUE_SCHEMA", "IssueCode", "Validation", "validate"]


class IssueCode(StrEnum):
    """Why a cell, a row or a column of a personal-file table is not accepted."""

    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    MISSING_VALUE = "missing_value"
    NOT_AN_INTEGER = "not_an_integer"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_BOOLEAN = "not_a_boolean"
    NOT_A_DATE = "not_a_date"
    NOT_ALLOWED = "not_allowed"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    DUPLICATE_ID = "duplicate_id"
    INCONSISTENT = "inconsistent"


ISSUE_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),  # 1-based data row (the header is not counted); null for a problem of a whole column
    "person_id": pl.String(),
    "column": pl.String(),
    "value": pl.String(),
    "code": pl.String(),
    "message": pl.String(),
}

_TRUE = ("true", "yes", "y", "t", "1", "1.0")
_FALSE = ("false", "no", "n", "f", "0", "0.0")
_ROW = "__row"


@dataclass(frozen=True, slots=True, kw_only=True)
class Validation:
    """The outcome of validating a table: the clean rows, typed, and every issue found."""

    clean: pl.DataFrame
    issues: pl.DataFrame
    rows_in: int

    @property
    def ok(self) -> bool:
        return self.issues.is_empty()

    @property
    def rejected_rows(self) -> int:
        return self.rows_in - self.clean.height


def _as_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A column as stripped text, whatever its dtype in the source (CSV, Parquet or Excel)."""
    dtype = frame.schema[name]
    expr = pl.col(name)
    if isinstance(dtype, pl.List):
        expr = expr.cast(pl.List(pl.String)).list.join(";")
    elif dtype != pl.String:
        expr = expr.cast(pl.String)
    text = expr.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _parse(column: Column) -> tuple[pl.Expr, pl.Expr]:
    """Return (parsed value, error code or null) expressions over the text column ``column.name``."""
    text = pl.col(column.name)
    bad: pl.Expr
    match column.kind:
        case Kind.TEXT:
            return text, pl.lit(None, pl.String)
        case Kind.INT:
            number = text.cast(pl.Float64, strict=False)
            parsed = number.cast(pl.Int64, strict=False)
            bad = number.is_null() | ~number.is_finite() | (number != number.round(0))
            code = IssueCode.NOT_AN_INTEGER
        case Kind.FLOAT:
            parsed = text.cast(pl.Float64, strict=False)
            bad = parsed.is_null() | ~parsed.is_finite()
            code = IssueCode.NOT_A_NUMBER
        case Kind.BOOL:
            low = text.str.to_lowercase()
            parsed = pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
            bad = parsed.is_null()
            code = IssueCode.NOT_A_BOOLEAN
        case Kind.DATE:
            # Spreadsheets hand dates over as datetimes at midnight; accept those, nothing else.
            day = pl.when(text.str.contains(r"^\d{4}-\d{2}-\d{2}([ T]00:00(:00(\.0+)?)?)?$")).then(text.str.slice(0, 10))
            parsed = day.str.to_date("%Y-%m-%d", strict=False)
            bad = parsed.is_null()
            code = IssueCode.NOT_A_DATE
        case Kind.ENUM:
            canonical = {v.lower(): v for v in column.allowed}
            parsed = text.str.to_lowercase().replace_strict(canonical, default=None, return_dtype=pl.String)
            bad = parsed.is_null()
            code = IssueCode.NOT_ALLOWED
        case Kind.ENUM_LIST:
            canonical = {v.lower(): v for v in column.allowed}
            items = text.fill_null("").str.split(";").list.eval(
                pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != "")
            )
            parsed = items.list.eval(
                pl.element().str.to_lowercase().replace_strict(canonical, default=None, return_dtype=pl.String)
            )
            bad = parsed.list.eval(pl.element().is_null()).list.any()
            return parsed.list.drop_nulls(), pl.when(bad).then(pl.lit(IssueCode.NOT_ALLOWED.value))
    # The first failing test names the problem: a value that does not parse is not also "out of range".
    tests: list[tuple[pl.Expr, str]] = [(text.is_not_null() & bad, code.value)]
    if column.minimum is not None:
        tests.append((parsed < column.minimum, IssueCode.BELOW_MINIMUM.value))
    if column.maximum is not None:
        tests.append((parsed > column.maximum, IssueCode.ABOVE_MAXIMUM.value))
    error: pl.Expr = pl.lit(None, pl.String)
    for condition, name in reversed(tests):
        error = pl.when(condition).then(pl.lit(name)).otherwise(error)
    return parsed, error


def _message(column: Column, code: str) -> str:
    match code:
        case IssueCode.MISSING_VALUE:
            return f"{column.name} is required"
        case IssueCode.NOT_ALLOWED:
            shown = ", ".join(column.allowed[:12]) + (", ..." if len(column.allowed) > 12 else "")
            return f"{column.name} must be one of: {shown}"
        case IssueCode.BELOW_MINIMUM:
            return f"{column.name} must be at least {column.minimum:g}"
        case IssueCode.ABOVE_MAXIMUM:
            return f"{column.name} must be at most {column.maximum:g}"
        case IssueCode.NOT_A_BOOLEAN:
            return f"{column.name} must be true or false (also yes/no, 1/0)"
        case IssueCode.NOT_A_DATE:
            return f"{column.name} must be a date written YYYY-MM-DD"
        case IssueCode.NOT_AN_INTEGER:
            return f"{column.name} must be a whole number"
        case _:
            return f"{column.name} must be a number"


def _issue_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ISSUE_SCHEMA)


def validate(frame: pl.DataFrame, schema: Schema) -> Validation:
    """Validate a table of personal files against ``schema``.

    Returns the rows without any issue, typed and in schema order, and every issue found: unknown and
    missing columns, missing required values, values that do not parse or are out of range or vocabulary,
    duplicate ids, and contradictions between columns. Never raises on bad data.
    """
    column_issues: list[dict[str, object]] = []
    for name in frame.columns:
        if name not in schema:
            column_issues.append(
                {"column": name, "code": IssueCode.UNKNOWN_COLUMN.value,
                 "message": f"unknown column {name!r}; the personal file has: {', '.join(schema.names)}"}
            )
    missing = [c for c in schema.columns if c.name not in frame.columns]
    for c in missing:
        if c.required:
            column_issues.append(
                {"column": c.name, "code": IssueCode.MISSING_COLUMN.value, "message": f"required column {c.name!r} is missing"}
            )
    if any(i["code"] == IssueCode.MISSING_COLUMN for i in column_issues):
        empty = pl.DataFrame(schema=schema.polars_schema)
        return Validation(clean=empty, issues=_issue_frame(column_issues), rows_in=frame.height)

    present = [c for c in schema.columns if c.name in frame.columns]
    text = frame.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(_ROW),
        *[_as_text(frame, c.name).alias(c.name) for c in present],
    )
    parsed_exprs: list[pl.Expr] = []
    error_exprs: list[pl.Expr] = []
    for c in present:
        parsed, error = _parse(c)
        if c.required:
            error = pl.when(pl.col(c.name).is_null()).then(pl.lit(IssueCode.MISSING_VALUE.value)).otherwise(error)
        # A cell with a problem reads as missing from here on, so checks across columns see only good values.
        parsed_exprs.append(pl.when(error.is_null()).then(parsed).alias(c.name))
        error_exprs.append(error.alias(c.name))
    parsed_frame = text.select(pl.col(_ROW), *parsed_exprs)
    errors = text.select(*error_exprs)

    cell_issues: list[pl.DataFrame] = []
    for c in present:
        bad = errors.get_column(c.name).is_not_null()
        if not bad.any():
            continue
        found = text.filter(bad).select(
            pl.col(_ROW).alias("row"),
            pl.col("person_id") if "person_id" in text.columns else pl.lit(None, pl.String).alias("person_id"),
            pl.lit(c.name).alias("column"),
            pl.col(c.name).alias("value"),
            errors.get_column(c.name).filter(bad).alias("code"),
        )
        messages = {code: _message(c, code) for code in found.get_column("code").unique().to_list()}
        cell_issues.append(
            found.with_columns(pl.col("code").replace_strict(messages, return_dtype=pl.String).alias("message"))
        )
    cell_issues.extend(_row_issues(parsed_frame, text))

    issues = pl.concat([_issue_frame(column_issues), *cell_issues], how="vertical_relaxed")
    issues = issues.sort("row", "column", nulls_last=False)
    bad_rows = issues.get_column("row").drop_nulls().unique()
    clean = parsed_frame.filter(~pl.col(_ROW).is_in(bad_rows.implode()))
    clean = clean.with_columns(
        [pl.lit(None, c.dtype).alias(c.name) for c in missing]
    ).select([pl.col(c.name).cast(c.dtype) for c in schema.columns])
    return Validation(clean=clean, issues=issues, rows_in=frame.height)


def _row_issues(parsed: pl.DataFrame, text: pl.DataFrame) -> list[pl.DataFrame]:
    """Problems that involve a row as a whole: duplicate ids and columns that contradict each other."""
    checks: list[tuple[str, pl.Expr, str]] = [
        ("person_id", pl.col("person_id").is_not_null() & pl.col("person_id").is_duplicated(),
         "person_id appears more than once; every personal file needs its own id"),
    ]
    if {"party_joined", "party_status"} <= set(parsed.columns):
        checks.append(("party_joined", pl.col("party_joined").is_not_null() & (pl.col("party_status") == "nonparty"),
                       "a year of joining is given for a non-party worker"))
    if {"years_at_factory", "age"} <= set(parsed.columns):
        checks.append(("years_at_factory", pl.col("years_at_factory") > pl.col("age") - 10,
                       "years at the factory imply starting work before the age of 10"))
    if {"party_joined", "declared_on"} <= set(parsed.columns):
        checks.append(("party_joined", pl.col("party_joined") > pl.col("declared_on").dt.year(),
                       "the year of joining is after the date of the declaration"))
    found: list[pl.DataFrame] = []
    for column, condition, message in checks:
        code = IssueCode.DUPLICATE_ID if column == "person_id" else IssueCode.INCONSISTENT
        rows = parsed.filter(condition.fill_null(False)).get_column(_ROW)
        if rows.is_empty():
            continue
        found.append(
            text.filter(pl.col(_ROW).is_in(rows.implode())).select(
                pl.col(_ROW).alias("row"),
                pl.col("person_id"),
                pl.lit(column).alias("column"),
                pl.col(column).alias("value"),
                pl.lit(code.value).alias("code"),
                pl.lit(message).alias("message"),
            )
        )
    return found
