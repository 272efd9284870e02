"""Checks of the three input frames, and the id lookup that numbers people and posts.

Structural problems (a missing column, a column of the wrong type) stop the checks at once, since no row
can be read without the column; row problems are all collected, so that one error lists them all.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cadre.engine.placement.kernels import lookup
from cadre.engine.placement.problems import InputCode, InputProblem, PlacementInputError, problem_at

__all__ = ["frame_problems", "positions", "unknown_ids"]

_COLUMNS = {"arcs": ("person_id", "post_id", "cost"), "posts": ("post_id", "capacity"), "people": ("person_id",)}


def _structure(name: str, frame: pl.DataFrame) -> list[InputProblem]:
    problems = [
        InputProblem(code=InputCode.MISSING_COLUMN, table=name, column=c, count=1, rows=(), values=(),
                     message=f"required column missing (columns present: {', '.join(frame.columns) or 'none'})")
        for c in _COLUMNS[name] if c not in frame.columns
    ]
    for column, dtype in frame.schema.items():
        if column not in _COLUMNS[name]:
            continue
        wrong = (
            (column.endswith("_id") and not (dtype.is_integer() or dtype in (pl.String, pl.Categorical)))
            or (column == "cost" and not dtype.is_numeric())
            or (column == "capacity" and not dtype.is_numeric())
        )
        if wrong:
            problems.append(InputProblem(
                code=InputCode.BAD_TYPE, table=name, column=column, count=1, rows=(), values=(),
                message=f"has type {dtype}; ids must be integers or text, costs and capacities numbers"))
    return problems


def _rows(name: str, frame: pl.DataFrame) -> list[InputProblem]:
    found: list[InputProblem | None] = []
    if frame.height == 0:
        found.append(problem_at(InputCode.EMPTY, name, None, None, "the table has no rows"))
    for column in _COLUMNS[name]:
        series = frame.get_column(column)
        if series.null_count():
            found.append(problem_at(InputCode.NULL, name, column, series.is_null().to_numpy(), "missing value"))
    if name == "arcs" and frame.schema["cost"].is_float():
        cost = frame.get_column("cost")
        bad = ~cost.is_finite().fill_null(True).to_numpy()
        found.append(problem_at(InputCode.NOT_FINITE, name, "cost", bad, "cost is NaN or infinite", cost))
    if name == "posts":
        cap = frame.get_column("capacity")
        found.append(problem_at(InputCode.NEGATIVE_CAPACITY, name, "capacity", (cap < 0).fill_null(False).to_numpy(),
                                "capacity is negative", cap))
        if cap.dtype.is_float():
            fractional = (cap.is_finite() & (cap.floor() == cap)).not_().fill_null(False).to_numpy()
            found.append(problem_at(InputCode.BAD_TYPE, name, "capacity", fractional,
                                    "capacity is not a whole number", cap))
    key = "post_id" if name == "posts" else "person_id"
    if name != "arcs":
        ids = frame.get_column(key)
        found.append(problem_at(InputCode.DUPLICATE_ID, name, key, (ids.is_duplicated() & ids.is_not_null()).to_numpy(),
                                f"{key} listed more than once", ids))
    return [p for p in found if p is not None]


def frame_problems(frames: dict[str, pl.DataFrame]) -> list[InputProblem]:
    """Every problem of the given frames (names: arcs, posts, people) that needs no other frame.

    Raises ``PlacementInputError`` at once on structural problems; returns the row problems.
    """
    structural = [p for name, frame in frames.items() for p in _structure(name, frame)]
    if structural:
        raise PlacementInputError(structural)
    return [p for name, frame in frames.items() for p in _rows(name, frame)]


def _as_key(series: pl.Series) -> pl.Series:
    return series.cast(pl.String) if series.dtype == pl.Categorical else series


def positions(reference: pl.Series, ids: pl.Series) -> NDArray[np.int64]:
    """Position of each id in ``reference`` (first occurrence), -1 where absent or null.

    Integer ids in a compact range use a lookup table (one gather); others go through a hash join.
    Integer ids compared with text ids are compared as text.
    """
    reference, ids = _as_key(reference), _as_key(ids)
    if reference.dtype.is_integer() != ids.dtype.is_integer():
        reference, ids = reference.cast(pl.String), ids.cast(pl.String)
    if reference.dtype.is_integer() and len(reference) and not reference.null_count() and not ids.null_count():
        ref = reference.cast(pl.Int64).to_numpy()
        lo, hi = int(ref.min()), int(ref.max())
        if hi - lo <= 4 * len(ref) + 1024:
            table = np.full(hi - lo + 1, -1, np.int64)
            table[ref[::-1] - lo] = np.arange(len(ref) - 1, -1, -1)  # reversed: the first occurrence wins
            return lookup(table, lo, ids.cast(pl.Int64).to_numpy())
    ref_frame = (pl.DataFrame({"id": reference}).with_row_index("at").drop_nulls("id")
                 .unique("id", keep="first", maintain_order=True))
    joined = pl.DataFrame({"id": ids.cast(reference.dtype)}).join(ref_frame, on="id", how="left",
                                                                  maintain_order="left")
    return joined.get_column("at").cast(pl.Int64).fill_null(-1).to_numpy()


def unknown_ids(
    idx: NDArray[np.int64], ids: pl.Series, table: str, code: InputCode, message: str
) -> InputProblem | None:
    """The rows whose id was not found (nulls are reported as missing values instead)."""
    mask = (idx < 0) & ids.is_not_null().to_numpy()
    return problem_at(code, table, ids.name, mask, message, ids)
