"""Exits from field service, by channel: the outcomes frame, its checks and the counts of exits.

An outcomes frame has one row per person placed: ``person_id``, ``start`` (first day of service), ``end``
(the day of exit; null while still serving) and ``channel`` (how the person left; null while still
serving), plus any grouping column such as ``source_region``. The same frame feeds the retention curves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

import polars as pl

from cadre.engine.analytics._checks import as_date, describe_ids, require_columns
from cadre.engine.analytics.timeline import step_values

__all__ = ["OUTCOME_COLUMNS", "ExitChannel", "check_outcomes", "exits_by_channel", "exits_by_channel_until"]


class ExitChannel(StrEnum):
    """How a worker left field service: the twin's channels (SYSTEM.md §6), in its order."""

    REMOVED_BY_OFFICIALS = "removed_by_officials"  # sent away by a district, okrug or regional organ
    VIOLATION = "violation"  # removed for misconduct or abuse of office
    RECALLED = "recalled"  # called back by the worker's own factory or union
    ILLNESS_OR_DEATH = "illness_or_death"
    PERMITTED_LEAVE = "permitted_leave"  # left with permission, including under the end-of-term decree
    DESERTED = "deserted"  # left without permission
    PROMOTED_OUT = "promoted_out"  # moved to a post outside rural work
    STUDY = "study"
    UNACCOUNTED = "unaccounted"  # lost from the records


CHANNELS: tuple[str, ...] = tuple(c.value for c in ExitChannel)
OUTCOME_COLUMNS: tuple[str, ...] = ("person_id", "start", "end", "channel")


def check_outcomes(outcomes: pl.DataFrame, *, extra: Sequence[str | None] = ()) -> pl.DataFrame:
    """Check an outcomes frame and return it with ``start`` and ``end`` as dates and ``channel`` as text.

    Raises ``ValueError`` listing every fault at once, each with its column and the person_id values at
    fault: a missing column (``extra`` names grouping columns that must also be there), a duplicate
    person_id, a null start, an end before the start, an end without a channel, a channel without an end,
    and a channel that is not an :class:`ExitChannel`.
    """
    require_columns(outcomes, [*OUTCOME_COLUMNS, *extra], what="outcomes")
    frame = outcomes.with_columns(
        as_date(outcomes, "start", what="outcomes"),
        as_date(outcomes, "end", what="outcomes"),
        pl.col("channel").cast(pl.String),
    )
    start, end, channel = pl.col("start"), pl.col("end"), pl.col("channel")
    faults = (
        ("person_id", "appears more than once", pl.col("person_id").is_duplicated()),
        ("start", "is null", start.is_null()),
        ("end", "is before 'start'", end < start),
        ("channel", "is null although 'end' is set", end.is_not_null() & channel.is_null()),
        ("end", "is null although 'channel' is set", end.is_null() & channel.is_not_null()),
        ("channel", f"is not one of {', '.join(CHANNELS)}", channel.is_not_null() & ~channel.is_in(CHANNELS)),
    )
    flags = frame.select(pl.col("person_id"), *(test.alias(str(i)) for i, (_, _, test) in enumerate(faults)))
    problems = [
        f"column {column!r} {message} for person_id(s) {describe_ids(ids)}"
        for i, (column, message, _) in enumerate(faults)
        if (
            ids := flags.filter(pl.col(str(i)).fill_null(False))["person_id"].unique(maintain_order=True)
        ).len()
    ]
    if problems:
        raise ValueError("outcomes: " + "; ".join(problems))
    return frame


def _channel_grid(frame: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """Every channel for every group of ``frame``, so that a channel nobody took still has its zero."""
    channels = pl.DataFrame({"channel": list(CHANNELS)})
    if by is None:
        return channels
    return frame.select(by).unique().sort(by, nulls_last=True).join(channels, how="cross")


def exits_by_channel(
    outcomes: pl.DataFrame, *, until: date | None = None, by: str | None = None
) -> pl.DataFrame:
    """Count the exits by channel, those on or before ``until`` (all of them when it is None).

    Returns the columns ``by`` (when given), ``channel`` and ``n``: every channel of :class:`ExitChannel`
    in its order for every group seen in ``outcomes`` (people still serving make a group seen), with 0 for
    none. The exits of a group are the sum of its ``n``.
    """
    frame = check_outcomes(outcomes, extra=[by])
    exits = frame.filter(pl.col("end").is_not_null())
    if until is not None:
        exits = exits.filter(pl.col("end") <= until)
    keys = [by, "channel"] if by else ["channel"]
    counts = exits.group_by(keys).agg(pl.len().cast(pl.Int64).alias("n"))
    return (
        _channel_grid(frame, by)
        .join(counts, on=keys, how="left", nulls_equal=True, maintain_order="left")
        .with_columns(pl.col("n").fill_null(0))
    )


def exits_by_channel_until(
    outcomes: pl.DataFrame, *, at: Sequence[date], by: str | None = None
) -> pl.DataFrame:
    """Count the exits by channel from the start up to and including each date of ``at``.

    Returns the columns ``date``, ``by`` (when given), ``channel`` and ``n``: for every date (sorted, each
    once), every group seen and every channel in the order of :class:`ExitChannel`, with 0 for none, so
    that the counts never decrease from one date to the next.
    """
    frame = check_outcomes(outcomes, extra=[by])
    keys = [by, "channel"] if by else ["channel"]
    changes = frame.filter(pl.col("end").is_not_null()).select(
        *keys, pl.col("end").alias("date"), delta=pl.lit(1, pl.Int64)
    )
    grid = _channel_grid(frame, by)
    counts = step_values(changes, at=at, groups=grid)
    # step_values sorts groups by value; the channels are wanted in the order of the enum.
    rank = pl.col("channel").replace_strict(list(CHANNELS), list(range(len(CHANNELS))), return_dtype=pl.Int64)
    sort_keys = ["date", by, rank] if by else ["date", rank]
    return counts.sort(sort_keys, nulls_last=True)
