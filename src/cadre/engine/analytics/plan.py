"""Plan versus actual: control figures against what happened, along any keys, and origin-destination tables.

The same function serves every cut of the campaign's control: by source region, by union, by region and
union, and along the pairs of the distribution plan (``from_region``, ``to_region``). A key present on one
side only is a row like any other, with 0 on the other side, because a region that was planned for and
sent nobody (or sent people it was not planned for) is exactly what the control is looking for.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cadre.engine.analytics._checks import require_columns

__all__ = ["TOTAL", "count_by", "od_matrix", "plan_vs_actual"]

# The label of the total row and column.
TOTAL = "total"


def count_by(frame: pl.DataFrame, keys: Sequence[str], name: str) -> pl.DataFrame:
    """Count the rows of ``frame`` (e.g. people sent) for each combination of ``keys``.

    Returns the key columns and ``name`` (Int64), one row per combination seen, sorted by the keys; ready
    to be the ``actual`` (or ``planned``) side of :func:`plan_vs_actual`.
    """
    require_columns(frame, keys, what="frame")
    return (
        frame.group_by(list(keys))
        .agg(pl.len().cast(pl.Int64).alias(name))
        .sort(list(keys), nulls_last=True, maintain_order=True)
    )


def _check_side(frame: pl.DataFrame, keys: list[str], value: str, what: str) -> None:
    require_columns(frame, [*keys, value], what=what)
    duplicated = frame.select(keys).is_duplicated()
    if duplicated.any():
        first = frame.filter(duplicated).row(0, named=True)
        raise ValueError(
            f"{what}: keys {keys} are not unique; {[first[k] for k in keys]} appears more than once"
        )


def plan_vs_actual(
    plan: pl.DataFrame, actual: pl.DataFrame, *, keys: Sequence[str], total: bool = False
) -> pl.DataFrame:
    """Set the plan beside the actual figures along ``keys``.

    ``plan`` has the key columns and ``planned``; ``actual`` the key columns and ``actual`` (use
    :func:`count_by` to make it from a frame of people). Each combination of keys must appear at most once
    on each side. Returns the key columns, ``planned``, ``actual`` (0 where a side lacks the key),
    ``difference`` (actual minus planned) and ``fulfilment`` (actual / planned; null where nothing was
    planned), sorted by the keys. With ``total``, a last row sums the columns; its key columns hold
    ``"total"`` where they are text and null otherwise.
    """
    keys = list(keys)
    _check_side(plan, keys, "planned", "plan")
    _check_side(actual, keys, "actual", "actual")
    joined = (
        plan.select(*keys, "planned")
        .join(actual.select(*keys, "actual"), on=keys, how="full", coalesce=True, nulls_equal=True)
        .with_columns(pl.col("planned", "actual").fill_null(0))
        .sort(keys, nulls_last=True, maintain_order=True)
    )
    if total:
        sums = joined.select(
            *(
                (pl.lit(TOTAL) if joined.schema[k] == pl.String else pl.lit(None))
                .cast(joined.schema[k])
                .alias(k)
                for k in keys
            ),
            pl.col("planned", "actual").sum(),
        )
        joined = pl.concat([joined, sums])
    planned = pl.col("planned")
    return joined.with_columns(
        (pl.col("actual") - planned).alias("difference"),
        pl.when(planned != 0)
        .then(pl.col("actual") / planned)
        .otherwise(None)
        .cast(pl.Float64)
        .alias("fulfilment"),
    )


def od_matrix(frame: pl.DataFrame, *, origin: str, destination: str, value: str) -> pl.DataFrame:
    """Pivot a long origin-destination frame into a matrix with row and column totals.

    ``frame`` has one row per pair (rows of the same pair are added up). Returns the ``origin`` column (as
    text), one column per destination (sorted), and ``total`` (the row sums); a last row, ``"total"``,
    holds the column sums. A pair absent from ``frame`` is 0.
    """
    require_columns(frame, [origin, destination, value], what="frame")
    if frame[origin].null_count() or frame[destination].null_count():
        raise ValueError(f"frame: {origin!r} and {destination!r} must not be null")
    pairs = frame.select(pl.col(origin).cast(pl.String), pl.col(destination).cast(pl.String), pl.col(value))
    destinations = pairs[destination].unique().sort().to_list()
    clashes = sorted({origin, TOTAL} & set(destinations))
    if clashes:
        raise ValueError(f"frame: destination(s) {clashes} clash with the matrix's own columns")
    wide = (
        pairs.pivot(
            on=destination, on_columns=destinations, index=origin, values=value, aggregate_function="sum"
        )
        .with_columns(pl.col(destinations).fill_null(0))
        .sort(origin)
    )
    # With no pairs at all there is no destination column to add up, and the row total is plainly 0.
    row_total = pl.sum_horizontal(destinations) if destinations else pl.lit(0, dtype=pairs.schema[value])
    wide = wide.with_columns(row_total.alias(TOTAL))
    sums = wide.select(pl.lit(TOTAL).alias(origin), pl.exclude(origin).sum())
    return pl.concat([wide, sums], how="vertical_relaxed")
