"""The inputs of a distribution plan, read from frames of any dtype, with every problem reported at once.

A planner's supply and demand come from spreadsheets: numbers may arrive as text, as floats ("900.0") or
as integers, and a file may repeat a region, misspell a code or hold a negative figure. Each ``read_*``
function here parses one table into a typed frame and lists its problems as rows of an issue frame
(table, row, column, value, code, message), the row being the 1-based data row (the header not counted).
:func:`validate_inputs` reads them all; :func:`cadre.engine.distribution.distribute` raises
:class:`DistributionInputError` with the whole list when any is found.

These are tables of regions, not of people: tens of rows. They are read row by row in Python because each
bad cell must be named with its own sentence.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

__all__ = [
    "ISSUE_SCHEMA",
    "DistributionInputError",
    "InputCode",
    "Inputs",
    "read_demand",
    "read_distances",
    "read_supply",
    "read_ties",
    "read_union_ties",
    "validate_inputs",
]


class InputCode(StrEnum):
    """Why a cell, a row or a column of a supply, demand, tie or distance table is not accepted."""

    MISSING_COLUMN = "missing_column"
    MISSING_VALUE = "missing_value"
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    NEGATIVE = "negative"
    UNKNOWN_REGION = "unknown_region"
    DUPLICATE = "duplicate"
    MINIMUM_ABOVE_MAXIMUM = "minimum_above_maximum"
    UNKNOWN_PRIORITY = "unknown_priority"


ISSUE_SCHEMA: dict[str, pl.DataType] = {
    "table": pl.String(),  # supply, demand, ties, union_ties or distances
    "row": pl.Int64(),  # 1-based data row; null for a problem of a whole column
    "column": pl.String(),
    "value": pl.String(),
    "code": pl.String(),
    "message": pl.String(),
}


class DistributionInputError(ValueError):
    """The inputs of a distribution have problems; ``issues`` lists every one (schema :data:`ISSUE_SCHEMA`)."""

    def __init__(self, issues: pl.DataFrame) -> None:
        self.issues = issues
        lines = []
        for table, row, column, value, _code, message in issues.iter_rows():
            where = f"{table}" + (f", row {row}" if row is not None else "") + f", column {column}"
            shown = f" ({value!r})" if value is not None else ""
            lines.append(f"  {where}{shown}: {message}")
        super().__init__(f"{issues.height} problem(s) in the distribution's inputs:\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    """Typed inputs of a distribution (only the rows without problems).

    - ``supply``: region, union (null when supply is not split by union), supply (Int64).
    - ``demand``: region, minimum, maximum (Int64; maximum null = no upper limit), priority (Int64, 1 first).
    - ``ties``: from_region, to_region, bonus (Float64; null = the parameters' default bonus).
    - ``union_ties``: union, to_region, bonus (Float64; null = default).
    - ``distances``: from_region, to_region, distance (Float64), or None when no routes were given.
    """

    supply: pl.DataFrame
    demand: pl.DataFrame
    ties: pl.DataFrame
    union_ties: pl.DataFrame
    distances: pl.DataFrame | None

    @property
    def split_by_union(self) -> bool:
        return bool(self.supply.get_column("union").is_not_null().any())


class _Reader:
    """Parses the columns of one table, collecting an issue for every bad cell."""

    def __init__(self, table: str, frame: pl.DataFrame, regions: Collection[str] | None) -> None:
        self.table = table
        self.frame = frame
        self.regions = None if regions is None else set(regions)
        self.issues: list[dict[str, object]] = []
        self.bad_rows: set[int] = set()

    def issue(self, row: int | None, column: str, value: object, code: InputCode, message: str) -> None:
        self.issues.append({"table": self.table, "row": row, "column": column,
                            "value": None if value is None else str(value), "code": code.value,
                            "message": message})
        if row is not None:
            self.bad_rows.add(row)

    def has(self, column: str, *, required: bool) -> bool:
        if column in self.frame.columns:
            return True
        if required:
            shown = ", ".join(self.frame.columns) or "none"
            self.issue(None, column, None, InputCode.MISSING_COLUMN,
                       f"the {self.table} table needs a column {column!r} (its columns: {shown})")
        return False

    def _cells(self, column: str) -> list[str | None]:
        out: list[str | None] = []
        for value in self.frame.get_column(column).cast(pl.String).to_list():
            text = None if value is None else str(value).strip()
            out.append(text or None)
        return out

    def text(self, column: str, *, required: bool = True) -> list[str | None]:
        """A text column (stripped; blank is missing); a required column's blank cell is an issue."""
        if not self.has(column, required=required):
            return [None] * self.frame.height
        cells = self._cells(column)
        if required:
            for row, cell in enumerate(cells, start=1):
                if cell is None:
                    self.issue(row, column, None, InputCode.MISSING_VALUE, f"{column} is required")
        return cells

    def region(self, column: str) -> list[str | None]:
        """A region code column: required, and one of the known codes when they are given."""
        cells = self.text(column)
        if self.regions is not None:
            for row, cell in enumerate(cells, start=1):
                if cell is not None and cell not in self.regions:
                    close = difflib.get_close_matches(cell, sorted(self.regions), n=3)
                    hint = f"; did you mean {', '.join(close)}?" if close else ""
                    self.issue(row, column, cell, InputCode.UNKNOWN_REGION,
                               f"{cell!r} is not a known region code{hint}")
        return cells

    def number(self, column: str, *, integer: bool, required: bool = True,
               present: bool = True) -> list[float | None]:
        """A non-negative number column; with ``present=False`` the column may be absent (all null)."""
        if not self.has(column, required=present):
            return [None] * self.frame.height
        out: list[float | None] = []
        for row, cell in enumerate(self._cells(column), start=1):
            if cell is None:
                if required:
                    self.issue(row, column, None, InputCode.MISSING_VALUE, f"{column} is required")
                out.append(None)
                continue
            try:
                value = float(cell.replace("_", "").replace(",", ""))
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                self.issue(row, column, cell, InputCode.NOT_A_NUMBER, f"{column} must be a number")
            elif integer and value != round(value):
                self.issue(row, column, cell, InputCode.NOT_AN_INTEGER, f"{column} must be a whole number")
            elif value < 0:
                self.issue(row, column, cell, InputCode.NEGATIVE, f"{column} must not be negative")
            else:
                out.append(value)
                continue
            out.append(None)
        return out

    def unique(self, keys: dict[str, list[str | None]]) -> None:
        """Each combination of the key columns appears once; every repeat is an issue naming the first."""
        seen: dict[tuple[str | None, ...], int] = {}
        names = list(keys)
        for row, key in enumerate(zip(*keys.values(), strict=True), start=1):
            if any(part is None for part in key[:1]):
                continue
            if key in seen:
                shown = "/".join(str(part) for part in key if part is not None)
                self.issue(row, names[0], shown, InputCode.DUPLICATE,
                           f"{shown} appears more than once (first in row {seen[key]})")
            else:
                seen[key] = row

    def clean(self, columns: dict[str, tuple[list[object], pl.DataType]]) -> pl.DataFrame:
        keep = [row not in self.bad_rows for row in range(1, self.frame.height + 1)]
        return pl.DataFrame(
            {name: [v for v, k in zip(values, keep, strict=True) if k] for name, (values, _) in columns.items()},
            schema={name: dtype for name, (_, dtype) in columns.items()},
        )

    def issue_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.issues, schema=ISSUE_SCHEMA)


def _ints(values: Sequence[float | None]) -> list[object]:
    return [None if v is None else round(v) for v in values]


def read_supply(frame: pl.DataFrame, *, regions: Collection[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Supply by source region (columns ``region``, ``supply``; optional ``union`` to split it by union).

    Returns (clean, issues). A region appears once, or once per union when the table is split by union.
    """
    r = _Reader("supply", frame, regions)
    region = r.region("region")
    union: list[str | None] = r.text("union", required=False) if "union" in frame.columns else [None] * frame.height
    if "union" in frame.columns:
        for row, cell in enumerate(union, start=1):
            if cell is None:
                r.issue(row, "union", None, InputCode.MISSING_VALUE,
                        "union is required in every row when the table has a union column")
    amount = r.number("supply", integer=True)
    r.unique({"region": region, "union": union})
    clean = r.clean({"region": (list(region), pl.String()), "union": (list(union), pl.String()),
                     "supply": (_ints(amount), pl.Int64())})
    return clean, r.issue_frame()


def read_demand(
    frame: pl.DataFrame, *, regions: Collection[str] | None = None, priorities: Collection[int] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Demand by destination region: ``region``; optional ``minimum`` (absent or blank: 0), ``maximum``
    (absent or blank: no upper limit) and ``priority`` (1 first; absent: 1). Returns (clean, issues).

    ``priorities`` are the priorities the parameters weigh; a row with another one is an issue.
    """
    r = _Reader("demand", frame, regions)
    region = r.region("region")
    has_max = "maximum" in frame.columns
    first: list[float | None] = [1.0] * frame.height
    # A blank minimum is none (0) and a blank maximum no upper limit: what an empty cell says to a planner.
    minimum = [0.0 if v is None else v for v in r.number("minimum", integer=True, required=False, present=False)]
    maximum = r.number("maximum", integer=True, required=False, present=False)
    priority = r.number("priority", integer=True) if "priority" in frame.columns else first
    for row, (low, high) in enumerate(zip(minimum, maximum, strict=True), start=1):
        if has_max and low is not None and high is not None and low > high:
            r.issue(row, "minimum", f"{low:g}", InputCode.MINIMUM_ABOVE_MAXIMUM,
                    f"minimum {low:,.0f} is above the maximum {high:,.0f}")
    if priorities is not None:
        known = sorted(priorities)
        for row, p in enumerate(priority, start=1):
            if p is not None and round(p) not in known:
                r.issue(row, "priority", f"{p:g}", InputCode.UNKNOWN_PRIORITY,
                        f"priority {p:g} has no weight in the parameters (they weigh {', '.join(map(str, known))})")
    r.unique({"region": region})
    clean = r.clean({"region": (list(region), pl.String()), "minimum": (_ints(minimum), pl.Int64()),
                     "maximum": (_ints(maximum), pl.Int64()), "priority": (_ints(priority), pl.Int64())})
    return clean, r.issue_frame()


def _read_pairs(table: str, frame: pl.DataFrame, first: str, value: str, *, required: bool,
                regions: Collection[str] | None, first_is_region: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    r = _Reader(table, frame, regions)
    one = r.region(first) if first_is_region else r.text(first)
    two = r.region("to_region")
    amount = r.number(value, integer=False, required=required, present=required)
    r.unique({first: one, "to_region": two})
    clean = r.clean({first: (list(one), pl.String()), "to_region": (list(two), pl.String()),
                     value: (list(amount), pl.Float64())})
    return clean, r.issue_frame()


def read_ties(frame: pl.DataFrame, *, regions: Collection[str] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Patronage ties: ``from_region``, ``to_region``, optional ``bonus`` (blank: the default). (clean, issues)."""
    return _read_pairs("ties", frame, "from_region", "bonus", required=False, regions=regions)


def read_union_ties(
    frame: pl.DataFrame, *, regions: Collection[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Production ties of a union to a destination (textile to flax regions): ``union``, ``to_region``,
    optional ``bonus``. Returns (clean, issues)."""
    return _read_pairs("union_ties", frame, "union", "bonus", required=False, regions=regions,
                       first_is_region=False)


def read_distances(
    frame: pl.DataFrame, *, regions: Collection[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Routes and their lengths: ``from_region``, ``to_region``, ``distance`` (km). (clean, issues).

    A pair the table does not list is not a route; staying in one's own region is always one (distance 0).
    """
    return _read_pairs("distances", frame, "from_region", "distance", required=True, regions=regions)


_EMPTY_TIES = pl.DataFrame(schema={"from_region": pl.String, "to_region": pl.String, "bonus": pl.Float64})
_EMPTY_UNION_TIES = pl.DataFrame(schema={"union": pl.String, "to_region": pl.String, "bonus": pl.Float64})


def validate_inputs(
    supply: pl.DataFrame,
    demand: pl.DataFrame,
    *,
    ties: pl.DataFrame | None = None,
    union_ties: pl.DataFrame | None = None,
    distances: pl.DataFrame | None = None,
    regions: Collection[str] | None = None,
    priority_weights: Mapping[int, float] | None = None,
) -> tuple[Inputs, pl.DataFrame]:
    """Read every input table; return the clean inputs and every problem found (an empty frame if none)."""
    read: list[tuple[pl.DataFrame, pl.DataFrame]] = [
        read_supply(supply, regions=regions),
        read_demand(demand, regions=regions, priorities=None if priority_weights is None else list(priority_weights)),
        read_ties(ties, regions=regions) if ties is not None else (_EMPTY_TIES, pl.DataFrame(schema=ISSUE_SCHEMA)),
        read_union_ties(union_ties, regions=regions) if union_ties is not None
        else (_EMPTY_UNION_TIES, pl.DataFrame(schema=ISSUE_SCHEMA)),
    ]
    routes = None
    if distances is not None:
        routes, route_issues = read_distances(distances, regions=regions)
        read.append((routes, route_issues))
    issues = pl.concat([found for _, found in read])
    inputs = Inputs(supply=read[0][0], demand=read[1][0], ties=read[2][0], union_ties=read[3][0],
                    distances=routes)
    return inputs, issues
