"""Exits by channel: the outcomes frame's checks, counts of exits, and counts up to each date."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from cadre.engine.analytics import ExitChannel, check_outcomes, exits_by_channel, exits_by_channel_until

START = date(1930, 2, 1)

OUTCOMES = pl.DataFrame(
    {
        "person_id": ["a", "b", "c", "d", "e", "f"],
        "start": [START] * 6,
        "end": [
            date(1930, 5, 1),
            date(1930, 7, 1),
            date(1931, 3, 1),
            None,
            date(1932, 1, 5),
            date(1930, 6, 1),
        ],
        "channel": [
            "removed_by_officials",
            "recalled",
            "deserted",
            None,
            "permitted_leave",
            "removed_by_officials",
        ],
        "source_region": ["LEN", "LEN", "MOS", "MOS", "LEN", "UKR"],
    },
    schema_overrides={"end": pl.Date},
)
TWIN_CHANNELS = [
    "removed_by_officials",
    "violation",
    "recalled",
    "illness_or_death",
    "permitted_leave",
    "deserted",
    "promoted_out",
    "study",
    "unaccounted",
]


def check(result: pl.DataFrame, expected: dict[tuple[object, ...], int]) -> None:
    """The counts of ``result`` (keyed by every column but ``n``): as ``expected``, every other one 0."""
    keys = [c for c in result.columns if c != "n"]
    found = {tuple(row[:-1]): row[-1] for row in result.select(*keys, "n").iter_rows()}
    assert len(found) == result.height, "one row per key"
    assert {k: v for k, v in found.items() if v} == expected


def test_the_channels_are_the_twins() -> None:
    assert [c.value for c in ExitChannel] == TWIN_CHANNELS
    assert exits_by_channel(OUTCOMES)["channel"].to_list() == TWIN_CHANNELS


def test_exits_by_channel_all_and_until_a_date() -> None:
    check(
        exits_by_channel(OUTCOMES),
        {("removed_by_officials",): 2, ("recalled",): 1, ("deserted",): 1, ("permitted_leave",): 1},
    )
    check(
        exits_by_channel(OUTCOMES, until=date(1930, 7, 1)), {("removed_by_officials",): 2, ("recalled",): 1}
    )


def test_exits_by_channel_and_region_list_every_region_seen() -> None:
    result = exits_by_channel(OUTCOMES, until=date(1931, 12, 31), by="source_region")
    assert result.height == 3 * 9
    check(
        result,
        {
            ("LEN", "removed_by_officials"): 1,
            ("LEN", "recalled"): 1,
            ("MOS", "deserted"): 1,
            ("UKR", "removed_by_officials"): 1,
        },
    )
    totals = result.group_by("source_region").agg(pl.col("n").sum()).sort("source_region")
    assert totals.rows() == [("LEN", 2), ("MOS", 1), ("UKR", 1)]


def test_exits_until_each_date_are_cumulative() -> None:
    at = [date(1930, 7, 1), date(1930, 4, 1), date(1933, 1, 1)]
    result = exits_by_channel_until(OUTCOMES, at=at)
    assert result.columns == ["date", "channel", "n"]
    assert result.height == 3 * 9
    check(
        result,
        {
            (date(1930, 7, 1), "removed_by_officials"): 2,
            (date(1930, 7, 1), "recalled"): 1,
            (date(1933, 1, 1), "removed_by_officials"): 2,
            (date(1933, 1, 1), "recalled"): 1,
            (date(1933, 1, 1), "deserted"): 1,
            (date(1933, 1, 1), "permitted_leave"): 1,
        },
    )
    assert result.filter(pl.col("date") == date(1933, 1, 1))["channel"].to_list() == TWIN_CHANNELS
    by_region = exits_by_channel_until(OUTCOMES, at=at, by="source_region")
    assert by_region.columns == ["date", "source_region", "channel", "n"]
    assert by_region.group_by("date").agg(pl.col("n").sum()).sort("date")["n"].to_list() == [0, 3, 5]


def person(**changes: object) -> pl.DataFrame:
    """OUTCOMES with the row of person "b" changed."""
    return OUTCOMES.with_columns(
        pl.when(pl.col("person_id") == "b")
        .then(pl.lit(v, dtype=OUTCOMES.schema[k]))
        .otherwise(pl.col(k))
        .alias(k)
        for k, v in changes.items()
    )


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (person(end=date(1930, 1, 1)), r"column 'end' is before 'start' for person_id\(s\) b"),
        (person(channel=None), r"column 'channel' is null although 'end' is set for person_id\(s\) b"),
        (person(end=None), r"column 'end' is null although 'channel' is set for person_id\(s\) b"),
        (person(channel="fled"), r"column 'channel' is not one of .* for person_id\(s\) b"),
        (person(start=None), r"column 'start' is null for person_id\(s\) b"),
        (person(person_id="a"), r"column 'person_id' appears more than once for person_id\(s\) a"),
        (OUTCOMES.drop("channel"), "missing column"),
        (OUTCOMES.with_columns(pl.col("end").cast(pl.String)), "'end' must hold dates"),
    ],
)
def test_a_malformed_outcomes_frame_is_a_programmer_error(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_outcomes(frame)
    with pytest.raises(ValueError, match=message):
        exits_by_channel(frame)


def test_every_fault_is_reported_at_once() -> None:
    frame = person(end=date(1930, 1, 1)).with_columns(
        channel=pl.when(pl.col("person_id") == "c").then(pl.lit("fled")).otherwise(pl.col("channel"))
    )
    with pytest.raises(ValueError, match=r"'end' is before 'start' for person_id\(s\) b; .*not one of .* c"):
        check_outcomes(frame)
