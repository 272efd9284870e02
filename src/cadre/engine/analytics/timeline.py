"""Counts over time: cumulative counts of dated events and headcounts from spells.

Both are step functions of the calendar. Rather than comparing every row with every date asked for, each
change (an event, a spell's start or end) is put in the bucket of the first date asked for that it precedes,
the buckets are summed and then accumulated, so a daily series over four years costs little more than a
handful of dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from cadre.engine.analytics._checks import as_date, describe_ids, require_columns, unique_dates

__all__ = ["cumulative_counts", "headcount"]

# The internal key that stands for "everyone" when a count is not broken down by a column.
_ALL = "__all"


def step_values(
    changes: pl.DataFrame, *, at: Sequence[date], groups: pl.DataFrame, value: str = "n"
) -> pl.DataFrame:
    """Read a running total at each date of ``at``, for every group of ``groups``.

    ``changes`` has the columns of ``groups``, a non-null ``date`` and a ``delta``: the change of the total
    on that date. The result has ``date``, the group columns and ``value``: the sum of the deltas on or
    before the date (0 where there are none), one row per date and group, sorted by date and then by group.
    Groups are given explicitly so that a group without changes still gets its rows of zeros; a null group
    value is a group like any other.
    """
    keys = groups.columns
    dates = unique_dates(at)
    # A change on day d counts from the first date asked for that is on or after d; a change after the
    # last date lands in a bucket that no row reads.
    bucket = dates.search_sorted(changes["date"], side="left").cast(pl.Int64)
    summed = (
        changes.with_columns(bucket.alias("__bucket"))
        .group_by([*keys, "__bucket"])
        .agg(pl.col("delta").sum())
    )
    grid = groups.join(
        pl.DataFrame({"date": dates, "__bucket": pl.int_range(dates.len(), eager=True, dtype=pl.Int64)}),
        how="cross",
    )
    return (
        grid.join(summed, on=[*keys, "__bucket"], how="left", nulls_equal=True, maintain_order="left")
        .sort([*keys, "__bucket"], nulls_last=True, maintain_order=True)
        .with_columns(pl.col("delta").fill_null(0).cum_sum().over(keys).cast(pl.Int64).alias(value))
        .sort(["__bucket", *keys], nulls_last=True, maintain_order=True)
        .select("date", *keys, value)
    )


def cumulative_counts(
    events: pl.DataFrame, *, date_col: str, at: Sequence[date], by: str | None = None
) -> pl.DataFrame:
    """Count the events dated on or before each date of ``at`` (e.g. arrivals by 2 and 9 February 1930).

    Rows whose ``date_col`` is null have not happened and are not counted. Returns the columns ``date``,
    ``by`` (when given) and ``n``: one row per date (sorted, each once) and, with ``by``, per group seen
    in ``events``, with 0 where nothing has happened yet.
    """
    require_columns(events, [date_col, by], what="events")
    key = by or _ALL
    frame = events.select(
        as_date(events, date_col, what="events").alias("date"),
        (pl.col(key) if by else pl.lit(True)).alias(key),
    )
    groups = frame.select(key).unique().sort(key, nulls_last=True) if by else pl.DataFrame({_ALL: [True]})
    changes = frame.filter(pl.col("date").is_not_null()).with_columns(delta=pl.lit(1, pl.Int64))
    return step_values(changes, at=at, groups=groups).drop(_ALL, strict=False)


def headcount(
    spells: pl.DataFrame,
    *,
    at: Sequence[date],
    state_col: str,
    start_col: str,
    end_col: str,
    states: Sequence[str] | None = None,
    person_col: str = "person_id",
) -> pl.DataFrame:
    """Count the spells in each state that cover each date of ``at`` (e.g. workers on farms on 1 July 1930).

    A spell covers the days from ``start_col`` up to but not including ``end_col`` (null: still open), so
    that a person who moves from one state to the next on a date is counted once on it, in the new state.
    A person's spells in one state should not overlap; if they do, the person is counted once per spell.
    A spell without a start, or ending before it starts, raises ``ValueError`` naming its ``person_col``.
    With ``states``, the result has exactly those states, in that order, with zeros where none is held,
    and spells in other states are left out; without it, the states seen in ``spells``, sorted. Returns
    the columns ``date``, ``state`` and ``n``.
    """
    require_columns(spells, [state_col, start_col, end_col, person_col], what="spells")
    frame = spells.select(
        pl.col(person_col),
        pl.col(state_col).cast(pl.String).alias("state"),
        as_date(spells, start_col, what="spells").alias("start"),
        as_date(spells, end_col, what="spells").alias("end"),
    )
    bad = frame.filter(pl.col("start").is_null() | (pl.col("end") < pl.col("start")))
    if bad.height:
        raise ValueError(
            f"spells: column {start_col!r} is null or after {end_col!r} for {person_col}(s) "
            f"{describe_ids(bad[person_col])}"
        )
    order = list(states) if states is not None else frame["state"].drop_nulls().unique().sort().to_list()
    frame = frame.filter(pl.col("state").is_in(order))
    # Each spell adds one on its first day and takes it away on its end date (the first day it no longer
    # covers); the headcount on a date is the sum of the changes up to it.
    changes = pl.concat(
        [
            frame.select("state", pl.col("start").alias("date"), delta=pl.lit(1, pl.Int64)),
            frame.filter(pl.col("end").is_not_null()).select(
                "state", pl.col("end").alias("date"), delta=pl.lit(-1, pl.Int64)
            ),
        ]
    )
    groups = pl.DataFrame({"state": order}, schema={"state": pl.String})
    counts = step_values(changes, at=at, groups=groups)
    # Present the states in the order asked for, not alphabetically.
    rank = pl.col("state").replace_strict(order, list(range(len(order))), return_dtype=pl.Int64)
    return counts.sort([pl.col("date"), rank]).select("date", "state", "n")
