"""Eligibility: the rulebook over a frame, one reason code per failed rule, checked against a plain interpreter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.engine.conditions import Clause, Condition, Group
from cadre.engine.eligibility import check_targets, evaluate
from cadre.engine.rulebook import Criterion, parse_rulebook
from cadre.engine.validation import validate
from cadre.io import load_rulebook
from support import SCHEMA, files, person

BOOK_1929 = load_rulebook("ussr-1929", SCHEMA)


def clean(*rows: dict[str, Any]) -> pl.DataFrame:
    result = validate(files(*rows), SCHEMA)
    assert result.ok, result.issues
    return result.clean


def check(changes: dict[str, Any], reasons: list[str]) -> None:
    """A person with ``changes`` to the good file fails exactly ``reasons``, in rulebook order."""
    result = evaluate(clean(person(**changes)), BOOK_1929)
    row = result.frame.row(0, named=True)
    assert row["reasons"] == reasons
    assert row["eligible"] is (not reasons)
    assert row["rulebook"] == BOOK_1929.ref


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({}, []),
        ({"years_at_factory": 4.9}, ["factory_experience"]),
        ({"skill_grade": 3}, ["skilled"]),
        ({"village_ties": "commuter"}, ["tied_to_land"]),
        ({"party_status": "nonparty", "party_joined": None, "activist_roles": "shock_worker",
          "reference_from": "factory_committee"}, ["not_active"]),
        ({"party_status": "nonparty", "party_joined": None, "activist_roles": "union_work",
          "reference_from": "factory_committee"}, []),
        ({"heavy_drinking": "yes", "labor_violations": "yes"}, ["heavy_drinking", "labor_violations"]),
        ({"health": "limited"}, ["health"]),
        ({"education": "illiterate"}, ["illiterate"]),
        ({"reference_from": "none"}, ["no_reference", "party_reference"]),
        ({"reference_from": "factory_committee"}, ["party_reference"]),
        ({"party_status": "nonparty", "party_joined": None, "recruitment": "mobilized",
          "reference_from": "factory_committee", "activist_roles": "union_work"}, ["nonparty_mobilized"]),
        ({"recruitment": "mobilized"}, []),
        ({"opposition_past": "yes"}, ["political_opposition"]),
        ({"opposition_past": "no"}, []),
        ({"skill_grade": 2, "village_ties": "farm", "health": "unfit"}, ["skilled", "tied_to_land", "health"]),
    ],
)
def test_reasons_of_the_1929_rulebook(changes: dict[str, Any], reasons: list[str]) -> None:
    check(changes, reasons)


def test_a_missing_value_fails_unless_the_rule_says_otherwise() -> None:
    book = parse_rulebook('format = 1\nid = "t"\nversion = "1"\ntitle = "t"\n'
                          '[[criteria]]\ncode = "q"\ncolumn = "quality"\nat_least = 0.5\n'
                          '[[criteria]]\ncode = "d"\ncolumn = "declared_on"\nbelow = 1930-01-01\nmissing = "pass"\n',
                          SCHEMA)
    frame = evaluate(clean(person(quality=None, declared_on=None), person(declared_on="1930-02-01")), book).frame
    assert frame.get_column("reasons").to_list() == [["q"], ["d"]]


def test_reason_counts_list_every_rule() -> None:
    result = evaluate(clean(person(), person(skill_grade=1), person(skill_grade=1, health="unfit")), BOOK_1929)
    counts = {r["code"]: (r["failed"], r["failed_alone"]) for r in result.reason_counts().iter_rows(named=True)}
    assert counts["skilled"] == (2, 1)
    assert counts["health"] == (1, 0)
    assert counts["illiterate"] == (0, 0)
    assert len(counts) == len(BOOK_1929.criteria)
    assert result.eligible_count == 1


def test_targets_report_the_shortfall_in_people() -> None:
    cohort = clean(*[person(sex="female" if i < 1 else "male", age=20 if i < 3 else 30, years_at_factory=5,
                            party_status="komsomol" if i < 2 else "party") for i in range(10)])
    report = {r["code"]: r for r in check_targets(cohort, BOOK_1929).frame.iter_rows(named=True)}
    assert report["women"]["count"] == 1
    assert report["women"]["shortfall"] == 1  # 15% of 10 is 1.5, so 2 women are needed
    assert report["youths"]["shortfall"] == 2  # 3 under 23 where at most 1 (10%) is allowed
    assert report["party_or_komsomol"]["met"]


# --- A plain interpreter of conditions, written independently of the polars compiler. ---

_COMPARE: dict[str, Any] = {
    "at_least": lambda v, a: v >= a, "at_most": lambda v, a: v <= a, "above": lambda v, a: v > a,
    "below": lambda v, a: v < a, "equals": lambda v, a: v == a, "is": lambda v, a: v == a,
    "not_equals": lambda v, a: v != a, "in": lambda v, a: v in a, "not_in": lambda v, a: v not in a,
}


def _holds(cond: Condition, row: dict[str, Any]) -> bool | None:
    if isinstance(cond, Group):
        values = [_holds(m, row) for m in cond.members]
        if cond.mode == "any":
            return True if any(v is True for v in values) else (None if any(v is None for v in values) else False)
        return False if any(v is False for v in values) else (None if any(v is None for v in values) else True)
    assert isinstance(cond, Clause)
    value = row[cond.column]
    results: list[bool | None] = []
    for op, arg in cond.operators:
        if op == "present":
            results.append((value is not None) == arg)
        elif value is None:
            results.append(None)
        elif op in ("contains_any", "contains_all", "contains_none"):
            common = set(value) & set(arg)
            results.append({"contains_any": bool(common), "contains_all": common == set(arg),
                            "contains_none": not common}[op])
        else:
            results.append(_COMPARE[op](value, arg))
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def _passes(crit: Criterion, row: dict[str, Any]) -> bool:
    if crit.when is not None and _holds(crit.when, row) is not True:
        return True
    held = _holds(crit.condition, row)
    return crit.missing_passes if held is None else held


people = st.fixed_dictionaries({
    "years_at_factory": st.sampled_from(["0", "4.9", "5", "12"]),
    "skill_grade": st.integers(1, 8).map(str),
    "village_ties": st.sampled_from(["none", "family", "farm", "commuter", "recent_arrival"]),
    "party_status": st.sampled_from(["party", "komsomol", "nonparty"]),
    "party_joined": st.just(""),
    "activist_roles": st.sampled_from(["", "shock_worker", "union_work", "shop_bureau;party_work"]),
    "heavy_drinking": st.sampled_from(["yes", "no"]),
    "labor_violations": st.sampled_from(["yes", "no"]),
    "health": st.sampled_from(["fit", "limited", "unfit"]),
    "education": st.sampled_from(["illiterate", "literate", "secondary"]),
    "reference_from": st.sampled_from(["party_cell", "factory_committee", "none"]),
    "recruitment": st.sampled_from(["volunteered", "mobilized"]),
    "opposition_past": st.sampled_from(["", "yes", "no"]),
    "quality": st.sampled_from(["", "0.2", "0.9"]),
})


@given(st.lists(people, min_size=1, max_size=30))
def test_a_file_failing_a_rule_never_passes(changes: list[dict[str, str]]) -> None:
    frame = clean(*[person(**c) for c in changes])
    result = evaluate(frame, BOOK_1929).frame
    for row, got in zip(frame.iter_rows(named=True), result.iter_rows(named=True), strict=True):
        expected = [c.code for c in BOOK_1929.criteria if not _passes(c, row)]
        assert got["reasons"] == expected
        assert got["eligible"] is (not expected)


@given(st.lists(people, min_size=2, max_size=20), st.randoms(use_true_random=False))
def test_reasons_are_stable_whatever_the_order_of_rows(changes: list[dict[str, str]], rnd: Any) -> None:
    frame = clean(*[person(**c) for c in changes])
    order = list(range(frame.height))
    rnd.shuffle(order)
    first = evaluate(frame, BOOK_1929).frame.sort("person_id")
    again = evaluate(frame[order], BOOK_1929).frame.sort("person_id")
    assert first.equals(again)


def test_dates_in_rules_compare_as_dates() -> None:
    book = parse_rulebook('format = 1\nid = "t"\nversion = "1"\ntitle = "t"\n'
                          '[[criteria]]\ncode = "late"\ncolumn = "declared_on"\nat_most = 1929-12-31\n', SCHEMA)
    got = evaluate(clean(person(declared_on="1929-12-31"), person(declared_on="1930-01-01")), book).frame
    assert got.get_column("eligible").to_list() == [True, False]
    assert dt.date(1929, 12, 31) == book.criteria[0].condition.operators[0][1]  # type: ignore[union-attr]
