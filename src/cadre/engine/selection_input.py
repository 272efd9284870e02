"""Selection's inputs, checked: candidates, control figures by region x union, factory sub-quotas, targets.

Selection is called by programs (the CLI, the twin, the workspace), so a bad input is a programmer's error
and raises :class:`SelectionInputError`, a ``ValueError`` that lists every problem at once, each naming the
row (1-based, header not counted) or the column at fault.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cadre.engine.conditions import Clause, Condition
from cadre.engine.rulebook import Target

__all__ = [
    "CANDIDATE_COLUMNS",
    "SelectionInputError",
    "check_candidates",
    "check_factory_quotas",
    "check_quotas",
    "target_columns",
]

# What selection reads from a personal file; the target conditions add the columns they name.
CANDIDATE_COLUMNS = ("person_id", "source_region", "union", "quality")
_ROW = "__row"
_SHOWN = 6  # rows named in one message; the rest are counted


class SelectionInputError(ValueError):
    """An input that selection cannot use. ``problems`` lists every problem, each naming its row or column."""

    def __init__(self, what: str, problems: list[str]) -> None:
        super().__init__(f"{what}: " + f"\n{what}: ".join(problems))
        self.what = what
        self.problems = problems


def row_list(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_SHOWN])
    more = f" (and {len(rows) - _SHOWN:,} more)" if len(rows) > _SHOWN else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def numbered(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(_ROW))


def missing_columns(frame: pl.DataFrame, needed: Sequence[str]) -> list[str]:
    return [f"required column {c!r} is missing (columns: {', '.join(frame.columns)})"
            for c in needed if c not in frame.columns]


def _nullrow_list(frame: pl.DataFrame, columns: Sequence[str]) -> list[str]:
    problems = []
    for c in columns:
        rows = frame.filter(pl.col(c).is_null()).get_column(_ROW).to_list()
        if rows:
            problems.append(f"{row_list(rows)}: {c!r} is missing")
    return problems


def count_column(frame: pl.DataFrame, column: str, problems: list[str]) -> pl.DataFrame:
    """``column`` as whole, non-negative numbers (Int64); the rows that are not are reported."""
    dtype = frame.schema[column]
    if not (dtype.is_numeric() or dtype == pl.Null):
        problems.append(f"column {column!r} must hold whole numbers, not {dtype}")
        return frame.with_columns(pl.lit(None, pl.Int64).alias(column))
    value = pl.col(column).cast(pl.Float64)
    bad = frame.filter(value.is_not_null() & (value.is_nan() | (value != value.round(0))))
    if bad.height:
        problems.append(f"{row_list(bad.get_column(_ROW).to_list())}: {column!r} must be a whole number, "
                        f"got {bad.get_column(column).to_list()[:_SHOWN]}")
    negative = frame.filter(value < 0)
    if negative.height:
        problems.append(f"{row_list(negative.get_column(_ROW).to_list())}: {column!r} must not be negative, "
                        f"got {negative.get_column(column).to_list()[:_SHOWN]}")
    ok = value.is_not_nan() & (value == value.round(0)) & (value >= 0)
    return frame.with_columns(pl.when(ok).then(value).cast(pl.Int64).alias(column))


def duplicates(frame: pl.DataFrame, keys: Sequence[str], label: str) -> list[str]:
    dup = (frame.filter(pl.struct(*keys).is_duplicated() & pl.all_horizontal(pl.col(k).is_not_null() for k in keys))
           .group_by(keys, maintain_order=True).agg(pl.col(_ROW)))
    return [f"{row_list(rows)}: {label.format(*key)} appears more than once"
            for *key, rows in dup.iter_rows()]


def _unknown(frame: pl.DataFrame, column: str, known: tuple[str, ...] | None, what: str) -> list[str]:
    if known is None:
        return []
    bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(known)))
    out = []
    for value, rows in bad.group_by(column, maintain_order=True).agg(pl.col(_ROW)).iter_rows():
        out.append(f"{row_list(rows)}: {value!r} is not a {what} of the campaign (known: {', '.join(known)})")
    return out


def check_quotas(quotas: pl.DataFrame, *, regions: tuple[str, ...] | None = None,
                 unions: tuple[str, ...] | None = None) -> pl.DataFrame:
    """Control figures as (source_region, union, quota Int64), one row per cell, or every problem raised.

    ``regions`` and ``unions``, when given, are the campaign's codes: a quota for any other is an error.
    """
    problems = missing_columns(quotas, ("source_region", "union", "quota"))
    if problems:
        raise SelectionInputError("quotas", problems)
    frame = numbered(quotas.select("source_region", "union", "quota"))
    frame = frame.with_columns(pl.col("source_region", "union").cast(pl.String))
    frame = count_column(frame, "quota", problems)
    problems += _nullrow_list(frame, ("source_region", "union"))
    raw_nulls = quotas.get_column("quota").is_null()
    if raw_nulls.any():
        problems.append(f"{row_list(frame.filter(raw_nulls).get_column(_ROW).to_list())}: 'quota' is missing")
    problems += _unknown(frame, "source_region", regions, "region")
    problems += _unknown(frame, "union", unions, "union")
    problems += duplicates(frame, ("source_region", "union"), "the cell {} × {}")
    if problems:
        raise SelectionInputError("quotas", problems)
    return frame.drop(_ROW)


def check_factory_quotas(factory_quotas: pl.DataFrame) -> pl.DataFrame:
    """Factory sub-quotas as (factory_id, quota Int64), one row per factory, or every problem raised."""
    problems = missing_columns(factory_quotas, ("factory_id", "quota"))
    if problems:
        raise SelectionInputError("factory quotas", problems)
    frame = numbered(factory_quotas.select(pl.col("factory_id").cast(pl.String), "quota"))
    frame = count_column(frame, "quota", problems)
    problems += _nullrow_list(frame, ("factory_id",))
    raw_nulls = factory_quotas.get_column("quota").is_null()
    if raw_nulls.any():
        problems.append(f"{row_list(frame.filter(raw_nulls).get_column(_ROW).to_list())}: 'quota' is missing")
    problems += duplicates(frame, ("factory_id",), "the factory {!r}")
    if problems:
        raise SelectionInputError("factory quotas", problems)
    return frame.drop(_ROW)


def _condition_columns(condition: Condition) -> list[str]:
    if isinstance(condition, Clause):
        return [condition.column]
    return [c for m in condition.members for c in _condition_columns(m)]


def target_columns(targets: Sequence[Target]) -> list[str]:
    """The personal-file columns that the targets' conditions read, in order of first use."""
    return list(dict.fromkeys(c for t in targets for c in _condition_columns(t.condition)))


def check_candidates(candidates: pl.DataFrame, targets: Sequence[Target], *, with_factory: bool,
                     missing_quality: float) -> tuple[pl.DataFrame, int]:
    """The candidates as selection reads them, and how many had no quality score.

    Returns person_id, source_region, union, factory_id (null unless ``with_factory``), quality (a missing
    score replaced by ``missing_quality``) and one boolean column per target, ``_t0``, ``_t1``, ...: whether
    the person meets the target's condition (a missing value does not, as in
    :func:`cadre.engine.eligibility.check_targets`).
    """
    if not 0.0 <= missing_quality <= 1.0:
        raise SelectionInputError("params", [f"missing_quality must lie between 0 and 1, got {missing_quality!r}"])
    needed = [*CANDIDATE_COLUMNS, *(("factory_id",) if with_factory else ())]
    problems = missing_columns(candidates, needed)
    for t in targets:
        for c in _condition_columns(t.condition):
            if c not in candidates.columns:
                problems.append(f"target {t.code!r} reads column {c!r}, which the candidates do not have")
    codes = [t.code for t in targets]
    dup_codes = sorted({c for c in codes if codes.count(c) > 1})
    if dup_codes:
        problems.append(f"targets {', '.join(map(repr, dup_codes))} are given more than once")
    if problems:
        raise SelectionInputError("candidates", problems)

    frame = numbered(candidates)
    if not frame.schema["quality"].is_numeric() and frame.schema["quality"] != pl.Null:
        raise SelectionInputError("candidates", [f"column 'quality' must hold numbers, not {frame.schema['quality']}"])
    problems += _nullrow_list(frame, ("person_id", "source_region", "union"))
    quality = pl.col("quality").cast(pl.Float64)
    bad = frame.filter(quality.is_not_null() & (quality.is_nan() | (quality < 0) | (quality > 1)))
    if bad.height:
        problems.append(f"{row_list(bad.get_column(_ROW).to_list())}: 'quality' must lie between 0 and 1, "
                        f"got {bad.get_column('quality').to_list()[:_SHOWN]}")
    dup = frame.filter(pl.col("person_id").is_not_null() & pl.col("person_id").is_duplicated())
    if dup.height:
        problems.append(f"{row_list(dup.get_column(_ROW).to_list())}: person_id appears more than once "
                        f"({', '.join(map(str, dup.get_column('person_id').unique(maintain_order=True).to_list()[:_SHOWN]))})")
    if problems:
        raise SelectionInputError("candidates", problems)

    unscored = int(frame.get_column("quality").is_null().sum())
    try:
        out = frame.select(
            pl.col("person_id").cast(pl.String),
            pl.col("source_region").cast(pl.String),
            pl.col("union").cast(pl.String),
            (pl.col("factory_id").cast(pl.String) if with_factory else pl.lit(None, pl.String)).alias("factory_id"),
            quality.fill_null(missing_quality).alias("quality"),
            *[t.condition.expr().fill_null(False).alias(f"_t{k}") for k, t in enumerate(targets)],
        )
    except pl.exceptions.PolarsError as e:  # a condition that does not fit the column's type
        raise SelectionInputError("candidates", [f"a target condition cannot be evaluated: {str(e).splitlines()[0]}"]) from None
    return out, unscored
