"""Checks on the frames that the analytics receive.

A frame without the expected columns, or with a date column that holds text, is a mistake of the calling
code, not of a user: the CLI and the validation layer have already reported what users typed. These
helpers therefore raise ``ValueError`` with a message that names the frame, the column and, where rows are
at fault, the person_id values, so that the mistake can be found at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

# A message that lists ten thousand identifiers helps nobody; the first few and a count are enough.
_IDS_SHOWN = 10


def require_columns(frame: pl.DataFrame, columns: Iterable[str | None], *, what: str) -> None:
    """Raise if ``frame`` lacks any of ``columns`` (``None`` entries, for options not used, are skipped)."""
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(map(repr, missing))}; it has {frame.columns}")


def as_date(frame: pl.DataFrame, column: str, *, what: str) -> pl.Expr:
    """An expression that reads ``column`` as ``pl.Date``, accepting dates, datetimes and all-null columns."""
    dtype = frame.schema[column]
    if dtype == pl.Date:
        return pl.col(column)
    if isinstance(dtype, pl.Datetime) or dtype == pl.Null:
        return pl.col(column).cast(pl.Date)
    raise ValueError(f"{what}: column {column!r} must hold dates, not {dtype}")


def describe_ids(ids: pl.Series) -> str:
    """The identifiers of the rows at fault, the first few of them, in a sentence."""
    shown = ", ".join(str(v) for v in ids.head(_IDS_SHOWN).to_list())
    more = ids.len() - _IDS_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def unique_dates(at: Iterable[object]) -> pl.Series:
    """The dates of ``at`` once each, in order, as a ``date`` series; a caller's duplicates add no row."""
    series = pl.Series("date", list(at), dtype=pl.Date)
    if series.null_count():
        raise ValueError("at: dates must not be None")
    return series.unique().sort()
