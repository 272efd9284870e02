"""Counts over time: cumulative counts of dated events and headcounts from spells."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.engine.analytics import cumulative_counts, headcount

D = date(1930, 2, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


ARRIVALS = pl.DataFrame(
    {
        "person_id": ["a", "b", "c", "d", "e", "f"],
        "arrived_on": [day(0), day(1), day(1), day(8), None, day(30)],
        "to_region": ["LVO", "LVO", "CBE", None, "CBE", "CBE"],
    }
)
SPELLS = pl.DataFrame(
    {
        "person_id": ["a", "a", "a", "b", "c"],
        "state": ["office", "farm", "study", "farm", "mts"],
        "start": [day(0), day(10), day(40), day(5), day(5)],
        "end": [day(10), day(40), None, None, day(5)],  # c's spell is empty: it ends on the day it starts
    }
)


def check(result: pl.DataFrame, columns: list[str], expected: list[tuple[Any, ...]]) -> None:
    """Compare a frame of counts, columns and rows in order, with ``expected``."""
    assert result.columns == columns
    assert result.rows() == expected


def test_cumulative_counts_count_up_to_and_including_each_date() -> None:
    # Dates out of order and repeated come back sorted, once each; a null date has not happened.
    check(
        cumulative_counts(ARRIVALS, date_col="arrived_on", at=[day(8), day(1), day(-1), day(1)]),
        ["date", "n"],
        [(day(-1), 0), (day(1), 3), (day(8), 4)],
    )


def test_cumulative_counts_by_group_give_every_group_its_zeros() -> None:
    check(
        cumulative_counts(ARRIVALS, date_col="arrived_on", at=[day(0), day(8), day(31)], by="to_region"),
        ["date", "to_region", "n"],
        [
            (day(0), "CBE", 0),
            (day(0), "LVO", 1),
            (day(0), None, 0),
            (day(8), "CBE", 1),
            (day(8), "LVO", 2),
            (day(8), None, 1),
            (day(31), "CBE", 2),
            (day(31), "LVO", 2),
            (day(31), None, 1),
        ],
    )


def test_headcount_counts_a_move_once_in_the_new_state() -> None:
    result = headcount(
        SPELLS, at=[day(4), day(5), day(10), day(40)], state_col="state", start_col="start", end_col="end"
    )
    assert result.columns == ["date", "state", "n"]
    # One row per date, one column per state (sorted) for reading: a moves office -> farm on day 10 and
    # farm -> study on day 40; b joins the farms on day 5; c's empty spell never counts.
    check(
        result.pivot(on="state", index="date", values="n"),
        ["date", "farm", "mts", "office", "study"],
        [(day(4), 0, 0, 1, 0), (day(5), 1, 0, 1, 0), (day(10), 2, 0, 0, 0), (day(40), 1, 0, 0, 1)],
    )


def test_headcount_of_chosen_states_in_their_order() -> None:
    check(
        headcount(
            SPELLS,
            at=[day(20)],
            state_col="state",
            start_col="start",
            end_col="end",
            states=["office", "farm", "state_farm"],
        ),
        ["date", "state", "n"],
        [(day(20), "office", 0), (day(20), "farm", 2), (day(20), "state_farm", 0)],
    )


def test_a_spell_ending_before_it_starts_is_a_programmer_error() -> None:
    bad = SPELLS.with_columns(end=pl.when(pl.col("person_id") == "b").then(day(1)).otherwise(pl.col("end")))
    with pytest.raises(ValueError, match=r"'start'.*person_id.*b"):
        headcount(bad, at=[day(1)], state_col="state", start_col="start", end_col="end")
    with pytest.raises(ValueError, match="dates"):
        cumulative_counts(
            ARRIVALS.with_columns(pl.col("arrived_on").cast(pl.String)), date_col="arrived_on", at=[D]
        )


spell = st.tuples(
    st.integers(0, 60), st.integers(0, 60) | st.none(), st.sampled_from(["farm", "mts", "office"])
)


@given(spells=st.lists(spell, max_size=30), at=st.lists(st.integers(-5, 130), min_size=1, max_size=8))
def test_headcount_agrees_with_counting_row_by_row(
    spells: list[tuple[int, int | None, str]], at: list[int]
) -> None:
    frame = pl.DataFrame(
        {
            "person_id": [str(i) for i in range(len(spells))],
            "state": [s for _, _, s in spells],
            "start": [day(a) for a, _, _ in spells],
            "end": [None if n is None else day(a + n) for a, n, _ in spells],
        },
        schema={"person_id": pl.String, "state": pl.String, "start": pl.Date, "end": pl.Date},
    )
    result = headcount(frame, at=[day(t) for t in at], state_col="state", start_col="start", end_col="end")
    for when, state, n in result.iter_rows():
        t = (when - D).days
        assert n == sum(1 for a, d, s in spells if s == state and a <= t and (d is None or t < a + d))
