"""What can be wrong with a placement instance, as data: every problem at once, with where it is.

A planner who fixes a file wants the whole list, not the first problem: ``PlacementInputError`` carries
one ``InputProblem`` per kind of problem and column, with its count and the first rows where it occurs.
Rows are 0-based positions in the frame; the file reader turns them into line numbers of its files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import polars as pl
from numpy.typing import NDArray

__all__ = ["InputCode", "InputProblem", "PlacementInputError", "problem_at"]

EXAMPLES = 10  # rows named per problem; the count says how many there are in all


class InputCode(StrEnum):
    """Stable codes of input problems."""

    EMPTY = "empty"  # a table without rows
    MISSING_COLUMN = "missing_column"
    BAD_TYPE = "bad_type"  # a column whose type cannot hold its values (text costs, fractional capacities)
    NULL = "null"  # a missing id, cost or capacity
    NOT_FINITE = "not_finite"  # a cost that is NaN or infinite
    NEGATIVE_CAPACITY = "negative_capacity"
    DUPLICATE_ID = "duplicate_id"  # a post or person listed twice
    UNKNOWN_POST = "unknown_post"  # an arc to a post that posts does not list
    UNKNOWN_PERSON = "unknown_person"  # an arc of a person that people does not list
    DUPLICATE_ARC = "duplicate_arc"  # the same (person, post) pair twice


@dataclass(frozen=True, slots=True, kw_only=True)
class InputProblem:
    """One kind of problem in one column of one table: ``count`` rows, the first of them in ``rows``."""

    code: InputCode
    table: str  # "arcs", "posts" or "people"
    column: str | None
    count: int
    rows: tuple[int, ...]
    values: tuple[str, ...]
    message: str

    def describe(self, name: str | None = None, *, line_offset: int | None = None) -> str:
        """One line: where (file or table, column, rows) and what; ``line_offset`` turns rows into lines."""
        where = name or self.table
        if self.column is not None:
            where += f", column {self.column}"
        if self.rows:
            unit = "row" if line_offset is None else "line"
            shown = ", ".join(str(r + (1 if line_offset is None else line_offset)) for r in self.rows)
            more = f" ({self.count:,} in all)" if self.count > len(self.rows) else ""
            where += f", {unit}{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        values = f" (values: {', '.join(self.values)})" if self.values else ""
        return f"{where}: {self.message}{values}"


class PlacementInputError(ValueError):
    """A placement instance that cannot be solved as given; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p.describe()}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the placement instance:\n{lines}")


def problem_at(
    code: InputCode, table: str, column: str | None, mask: NDArray[np.bool_] | None, message: str,
    values: pl.Series | None = None,
) -> InputProblem | None:
    """A problem at the rows where ``mask`` holds (None when it holds nowhere); no mask: the whole table."""
    if mask is None:
        return InputProblem(code=code, table=table, column=column, count=1, rows=(), values=(), message=message)
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return None
    shown = tuple(int(r) for r in rows[:EXAMPLES])
    return InputProblem(code=code, table=table, column=column, count=len(rows), rows=shown,
                        values=() if values is None else tuple(str(values[r]) for r in shown), message=message)
