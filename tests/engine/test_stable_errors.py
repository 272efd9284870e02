"""Stable placement on bad tables: one error listing every problem, each naming its table, row and column."""

from __future__ import annotations

import polars as pl
import pytest

from cadre.engine.stable import PreferencesError, StableInstance, check_stability, place_stable

GOOD_VOLUNTEERS: dict[str, list[object]] = {"person_id": ["v1", "v1", "v2"], "post_id": ["A", "B", "A"], "rank": [1, 2, 1]}
GOOD_POSTS: dict[str, list[object]] = {"post_id": ["A", "A", "B"], "person_id": ["v2", "v1", "v1"], "rank": [1, 2, 1]}
GOOD_CAPACITIES: dict[str, list[object]] = {"post_id": ["A", "B"], "capacity": [1, 1]}


def check(*, volunteers: dict[str, list[object]] = GOOD_VOLUNTEERS, posts: dict[str, list[object]] = GOOD_POSTS,
          capacities: dict[str, list[object]] = GOOD_CAPACITIES) -> list[tuple[str, int | None, str, str]]:
    """Solve tables that must be refused; return the problems as (table, row, column, code), in order."""
    inst = StableInstance(volunteer_prefs=pl.DataFrame(volunteers), post_prefs=pl.DataFrame(posts),
                          capacities=pl.DataFrame(capacities))
    with pytest.raises(PreferencesError) as caught:
        place_stable(inst)
    problems = caught.value.problems
    assert isinstance(caught.value, ValueError)
    assert problems.filter(pl.col("message").is_null() | (pl.col("message") == "")).is_empty()
    for table, row, column, _ in problems.select("table", "row", "column", "code").iter_rows():
        assert f"{table} row {row if row is not None else '-'}, column {column}" in str(caught.value)
    return problems.select("table", "row", "column", "code").rows()


def test_the_good_tables_are_accepted() -> None:
    inst = StableInstance(volunteer_prefs=pl.DataFrame(GOOD_VOLUNTEERS), post_prefs=pl.DataFrame(GOOD_POSTS),
                          capacities=pl.DataFrame(GOOD_CAPACITIES))
    assert place_stable(inst).matching.get_column("post_id").to_list() == ["B", "A"]


def test_every_problem_at_once() -> None:
    problems = check(
        volunteers={"person_id": ["v1", "v1", "v1", "v2", "v2", "v3", None, "v4", "v4"],
                    "post_id": ["A", "A", "Z", "A", "B", "A", "A", "A", "B"],
                    "rank": ["1", "2", "3", "1", "1", "x", "1", "1", "3"]},
        posts={"post_id": ["A", "A", "Q", "B", "B"], "person_id": ["v1", "ghost", "v1", "v2", "v1"],
               "rank": [1, 2, 1, 0, 1]},
        capacities={"post_id": ["A", "B", "B", "C"], "capacity": [1, 0, 2, -3]},
    )
    assert problems == [
        ("capacities", 2, "capacity", "not_positive"),
        ("capacities", 2, "post_id", "duplicate_post"),
        ("capacities", 3, "post_id", "duplicate_post"),
        ("capacities", 4, "capacity", "not_positive"),
        ("post_prefs", 2, "person_id", "unknown_person"),
        ("post_prefs", 3, "post_id", "unknown_post"),
        ("post_prefs", 4, "rank", "not_positive"),
        ("volunteer_prefs", 2, "post_id", "duplicate_pair"),
        ("volunteer_prefs", 3, "post_id", "unknown_post"),
        ("volunteer_prefs", 5, "rank", "duplicate_rank"),
        ("volunteer_prefs", 6, "rank", "not_an_integer"),
        ("volunteer_prefs", 7, "person_id", "missing_value"),
        ("volunteer_prefs", 9, "rank", "rank_out_of_range"),
    ]


def test_messages_name_the_clashing_rows() -> None:
    inst = StableInstance(
        volunteer_prefs=pl.DataFrame({"person_id": ["v1", "v1", "v1"], "post_id": ["A", "B", "A"], "rank": [1, 1, 5]}),
        post_prefs=pl.DataFrame({"post_id": ["A"], "person_id": ["v1"], "rank": [1]}),
        capacities=pl.DataFrame({"post_id": ["A", "B"], "capacity": [1, 1]}),
    )
    with pytest.raises(PreferencesError) as caught:
        place_stable(inst)
    messages = caught.value.problems.get_column("message").to_list()
    assert messages == [
        "person v1 gives rank 1 twice (also at row 1)",
        "person v1 ranks post A more than once (also at row 1)",
        "person v1 ranks 3 post(s), so ranks must be 1..3; got 5",
    ]


def test_non_integer_float_ranks_and_capacities() -> None:
    assert check(volunteers={"person_id": ["v1"], "post_id": ["A"], "rank": [1.5]},
                 posts={"post_id": ["A"], "person_id": ["v1"], "rank": [1.0]},
                 capacities={"post_id": ["A"], "capacity": [float("nan")]}) == [
        ("capacities", 1, "capacity", "not_an_integer"),
        ("volunteer_prefs", 1, "rank", "not_an_integer"),
    ]


def test_missing_columns_are_named_with_what_the_table_has() -> None:
    inst = StableInstance(volunteer_prefs=pl.DataFrame({"person": ["v1"], "post_id": ["A"], "rank": [1]}),
                          post_prefs=pl.DataFrame(GOOD_POSTS), capacities=pl.DataFrame({"post_id": ["A"]}))
    with pytest.raises(PreferencesError, match="no column 'person_id' \\(the table has: person, post_id, rank\\)"):
        place_stable(inst)


def test_the_check_refuses_a_matching_without_its_columns() -> None:
    inst = StableInstance(volunteer_prefs=pl.DataFrame(GOOD_VOLUNTEERS), post_prefs=pl.DataFrame(GOOD_POSTS),
                          capacities=pl.DataFrame(GOOD_CAPACITIES))
    with pytest.raises(ValueError, match="no column"):
        check_stability(inst, pl.DataFrame({"person_id": ["v1"]}))


def test_many_problems_are_all_kept_but_the_message_quotes_the_first() -> None:
    n = 100
    with pytest.raises(PreferencesError) as caught:
        place_stable(StableInstance(
            volunteer_prefs=pl.DataFrame({"person_id": [f"v{i}" for i in range(n)], "post_id": ["Z"] * n, "rank": [1] * n}),
            post_prefs=pl.DataFrame(GOOD_POSTS).head(0), capacities=pl.DataFrame(GOOD_CAPACITIES)))
    assert caught.value.problems.height == n
    assert "... and 80 more" in str(caught.value)


def test_post_lists_are_checked_like_volunteer_lists() -> None:
    inst = StableInstance(
        volunteer_prefs=pl.DataFrame(GOOD_VOLUNTEERS),
        post_prefs=pl.DataFrame({"post_id": ["A", "A", "B", "B"], "person_id": ["v1", "v1", "v1", "v2"],
                                 "rank": [1, 2, 2, 2]}),
        capacities=pl.DataFrame(GOOD_CAPACITIES),
    )
    with pytest.raises(PreferencesError) as caught:
        place_stable(inst)
    assert caught.value.problems.select("row", "message").rows() == [
        (2, "post A ranks person v1 more than once (also at row 1)"),
        (4, "post B gives rank 2 twice (also at row 3)"),
    ]
