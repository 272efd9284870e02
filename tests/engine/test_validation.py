"""Validation of personal files: every problem at once, as data, with its row, column and code."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.engine.validation import ISSUE_SCHEMA, IssueCode, validate
from support import GOOD, SCHEMA, files, person


def check(frame: pl.DataFrame, expected: set[tuple[int | None, str, IssueCode]]) -> pl.DataFrame:
    """Validate ``frame`` and compare the issues, as (row, column, code), with ``expected``."""
    result = validate(frame, SCHEMA)
    found = {(r, c, IssueCode(k)) for r, c, k in result.issues.select("row", "column", "code").iter_rows()}
    assert found == expected
    bad_rows = {r for r, _, _ in expected if r is not None}
    assert result.clean.height == (0 if any(k is IssueCode.MISSING_COLUMN for _, _, k in expected)
                                   else frame.height - len(bad_rows))
    return result.clean


def test_a_good_file_is_clean_and_typed() -> None:
    clean = check(files(person()), set())
    assert clean.schema == pl.Schema(SCHEMA.polars_schema)
    row = clean.row(0, named=True)
    assert row["age"] == 32
    assert row["activist_roles"] == ["shock_worker", "union_work"]
    assert row["civil_war_service"] is True
    assert str(row["declared_on"]) == "1929-12-10"


@pytest.mark.parametrize(
    ("changes", "column", "code"),
    [
        ({"age": "thirty"}, "age", IssueCode.NOT_AN_INTEGER),
        ({"age": "30.5"}, "age", IssueCode.NOT_AN_INTEGER),
        ({"age": "9"}, "age", IssueCode.BELOW_MINIMUM),
        ({"skill_grade": "9"}, "skill_grade", IssueCode.ABOVE_MAXIMUM),
        ({"wage": "a lot"}, "wage", IssueCode.NOT_A_NUMBER),
        ({"wage": "inf"}, "wage", IssueCode.NOT_A_NUMBER),
        ({"sex": "m"}, "sex", IssueCode.NOT_ALLOWED),
        ({"source_region": "XXX"}, "source_region", IssueCode.NOT_ALLOWED),
        ({"union": "bakers"}, "union", IssueCode.NOT_ALLOWED),
        ({"activist_roles": "shock_worker;poet"}, "activist_roles", IssueCode.NOT_ALLOWED),
        ({"civil_war_service": "maybe"}, "civil_war_service", IssueCode.NOT_A_BOOLEAN),
        ({"declared_on": "10.12.1929"}, "declared_on", IssueCode.NOT_A_DATE),
        ({"declared_on": "1929-02-30"}, "declared_on", IssueCode.NOT_A_DATE),
        ({"health": None}, "health", IssueCode.MISSING_VALUE),
        ({"party_status": "nonparty", "reference_from": "factory_committee"}, "party_joined", IssueCode.INCONSISTENT),
        ({"age": "20", "years_at_factory": "12"}, "years_at_factory", IssueCode.INCONSISTENT),
        ({"party_joined": "1931"}, "party_joined", IssueCode.INCONSISTENT),
    ],
)
def test_each_bad_cell_is_named(changes: dict[str, str], column: str, code: IssueCode) -> None:
    check(files(person(), person(**changes)), {(2, column, code)})


def test_values_are_read_leniently_where_it_is_safe() -> None:
    clean = check(files(person(sex=" Female ", source_region="len", age="32.0", civil_war_service="1",
                               declared_on="1929-12-10 00:00:00", activist_roles=" ; union_work ;")), set())
    row = clean.row(0, named=True)
    assert (row["sex"], row["source_region"], row["age"]) == ("female", "LEN", 32)
    assert row["activist_roles"] == ["union_work"]


def test_every_problem_of_a_table_is_reported_at_once() -> None:
    frame = files(person(age="x"), person(), person(sex="?", wage="-5"), person(person_id="P2"))
    check(frame, {
        (1, "age", IssueCode.NOT_AN_INTEGER),
        (3, "sex", IssueCode.NOT_ALLOWED),
        (3, "wage", IssueCode.BELOW_MINIMUM),
        (2, "person_id", IssueCode.DUPLICATE_ID),
        (4, "person_id", IssueCode.DUPLICATE_ID),
    })


def test_unknown_and_missing_columns() -> None:
    frame = files(person()).with_columns(pl.lit("x").alias("favourite_colour"))
    check(frame, {(None, "favourite_colour", IssueCode.UNKNOWN_COLUMN)})
    check(files(person()).drop("sex", "trade"), {(None, "sex", IssueCode.MISSING_COLUMN)})


def test_typed_sources_are_accepted() -> None:
    typed = validate(files(person()), SCHEMA).clean
    again = validate(typed, SCHEMA)
    assert again.ok
    assert again.clean.equals(typed)


@given(st.lists(st.dictionaries(st.sampled_from([*GOOD, "extra"]), st.text(max_size=12), min_size=1), max_size=8))
def test_validate_never_raises_on_any_table_of_strings(rows: list[dict[str, str]]) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    frame = pl.DataFrame({c: [r.get(c) for r in rows] for c in columns}, schema=dict.fromkeys(columns, pl.String))
    result = validate(frame, SCHEMA)
    assert result.issues.schema == pl.Schema(ISSUE_SCHEMA)
    assert result.clean.height + result.rejected_rows == frame.height
    assert result.clean.schema == pl.Schema(SCHEMA.polars_schema)


@given(st.dictionaries(st.sampled_from(list(GOOD)), st.text(max_size=10), max_size=5))
def test_a_row_is_clean_or_has_an_issue(changes: dict[str, str]) -> None:
    result = validate(files(person(**changes)), SCHEMA)
    assert (result.clean.height == 1) != (result.issues.filter(pl.col("row") == 1).height > 0)
