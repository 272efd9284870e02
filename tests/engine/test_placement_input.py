"""Bad placement input: one error that lists every problem, each with its table, column and rows."""

from __future__ import annotations

import math

import polars as pl
import pytest

from cadre.engine.placement import InputCode, PlacementInputError, compile_instance

GOOD_ARCS = pl.DataFrame({"person_id": [1, 1, 2], "post_id": [10, 11, 10], "cost": [3, 4, 5]})
GOOD_POSTS = pl.DataFrame({"post_id": [10, 11], "capacity": [1, 2]})


Found = dict[tuple[InputCode, str, str | None], tuple[int, ...]]


def problems(arcs: pl.DataFrame, posts: pl.DataFrame, people: pl.DataFrame | None = None) -> Found:
    """Compile and expect failure; returns {(code, table, column): rows} of every problem."""
    with pytest.raises(PlacementInputError) as caught:
        compile_instance(arcs, posts, people)
    found = {(p.code, p.table, p.column): p.rows for p in caught.value.problems}
    assert len(found) == len(caught.value.problems)
    return found


def test_good_input_compiles() -> None:
    instance = compile_instance(GOOD_ARCS, GOOD_POSTS)
    assert instance.n_components == 1
    assert instance.integral


def test_every_row_problem_at_once() -> None:
    arcs = pl.DataFrame({
        "person_id": [1, 1, 2, 3, None, 2],
        "post_id": [10, 10, 99, 11, 10, 11],
        "cost": [1.0, 2.0, 3.0, math.nan, 1.0, math.inf],
    })
    posts = pl.DataFrame({"post_id": [10, 11, 11], "capacity": [1, -2, 1]})
    found = problems(arcs, posts, pl.DataFrame({"person_id": [1, 2]}))
    assert found == {
        (InputCode.NULL, "arcs", "person_id"): (4,),
        (InputCode.NOT_FINITE, "arcs", "cost"): (3, 5),
        (InputCode.NEGATIVE_CAPACITY, "posts", "capacity"): (1,),
        (InputCode.DUPLICATE_ID, "posts", "post_id"): (1, 2),
        (InputCode.UNKNOWN_POST, "arcs", "post_id"): (2,),
        (InputCode.UNKNOWN_PERSON, "arcs", "person_id"): (3,),
        (InputCode.DUPLICATE_ARC, "arcs", "post_id"): (1,),
    }


def test_the_message_names_table_column_rows_and_values() -> None:
    arcs = GOOD_ARCS.with_columns(post_id=pl.Series([10, 77, 78]))
    with pytest.raises(PlacementInputError) as caught:
        compile_instance(arcs, GOOD_POSTS)
    assert "arcs, column post_id, rows 2, 3: post id not in posts (values: 77, 78)" in str(caught.value)


def test_structure_problems_stop_before_the_rows() -> None:
    found = problems(GOOD_ARCS.drop("cost"), GOOD_POSTS.rename({"capacity": "places"}))
    assert set(found) == {(InputCode.MISSING_COLUMN, "arcs", "cost"), (InputCode.MISSING_COLUMN, "posts", "capacity")}
    found = problems(GOOD_ARCS.with_columns(pl.col("cost").cast(pl.String)), GOOD_POSTS)
    assert found == {(InputCode.BAD_TYPE, "arcs", "cost"): ()}


def test_empty_tables() -> None:
    found = problems(GOOD_ARCS.clear(), GOOD_POSTS.clear())
    assert set(found) == {(InputCode.EMPTY, "arcs", None), (InputCode.EMPTY, "posts", None)}


def test_fractional_capacity() -> None:
    found = problems(GOOD_ARCS, GOOD_POSTS.with_columns(capacity=pl.Series([1.0, 1.5])))
    assert found == {(InputCode.BAD_TYPE, "posts", "capacity"): (1,)}


def test_duplicate_people() -> None:
    found = problems(GOOD_ARCS, GOOD_POSTS, pl.DataFrame({"person_id": [1, 2, 2]}))
    assert found == {(InputCode.DUPLICATE_ID, "people", "person_id"): (1, 2)}


def test_text_and_integer_ids_are_compared_as_text() -> None:
    arcs = GOOD_ARCS.with_columns(pl.col("post_id").cast(pl.String))
    instance = compile_instance(arcs, GOOD_POSTS)
    assert instance.post_ids.to_list() == [10, 11]


def test_capacity_changes_are_checked_too() -> None:
    instance = compile_instance(GOOD_ARCS, GOOD_POSTS)
    with pytest.raises(PlacementInputError, match="post id not in the instance"):
        instance.with_capacities(pl.DataFrame({"post_id": [12], "capacity": [1]}))
    with pytest.raises(PlacementInputError, match="capacity is negative"):
        instance.with_capacities(pl.DataFrame({"post_id": [10], "capacity": [-1]}))
