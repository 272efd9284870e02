"""Rulebooks as data: the bundled ones parse; every problem of a bad one is named, contradictions included."""

from __future__ import annotations

import pytest

from cadre.engine.rulebook import RulebookError, parse_rulebook
from cadre.io import bundled_rulebooks, load_rulebook
from support import SCHEMA

HEAD = 'format = 1\nid = "t"\nversion = "1"\ntitle = "test"\n'


def check(body: str, *expected: str) -> None:
    """Parse HEAD + body; with no ``expected`` it must parse, else every fragment must be in some problem."""
    if not expected:
        parse_rulebook(HEAD + body, SCHEMA, source="t.toml")
        return
    with pytest.raises(RulebookError) as info:
        parse_rulebook(HEAD + body, SCHEMA, source="t.toml")
    problems = info.value.problems
    assert len(problems) == len(expected), problems
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)
    assert str(info.value).startswith("t.toml: ")


@pytest.mark.parametrize("name", bundled_rulebooks())
def test_bundled_rulebooks_parse(name: str) -> None:
    book = load_rulebook(name, SCHEMA)
    assert book.criteria
    assert book.ref.startswith(f"{name}@")


def test_the_1929_political_criterion_is_labeled_historical_and_can_be_left_out() -> None:
    book = load_rulebook("ussr-1929", SCHEMA)
    historical = [c.code for c in book.criteria if c.historical]
    assert historical == ["political_opposition"]
    assert "HISTORICAL" in book.criterion("political_opposition").label
    assert all(not c.historical for c in book.without_historical().criteria)
    assert not any(c.historical for c in load_rulebook("rural-teachers", SCHEMA).criteria)


def test_the_fingerprint_follows_the_content() -> None:
    a = parse_rulebook(HEAD + '[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = 20\n', SCHEMA)
    b = parse_rulebook(HEAD + '[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = 21\n', SCHEMA)
    same = parse_rulebook(HEAD + '[[criteria]]\ncolumn = "age"\ncode = "a"\nat_least = 20\n', SCHEMA)
    assert a.fingerprint != b.fingerprint
    assert a.fingerprint == same.fingerprint


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = 20\n', ()),
        ('[[criteria]]\ncode = "a"\ncolumn = "agee"\nat_least = 20\n', ("criteria[0] ('a'): unknown column 'agee'",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "age"\nroughly = 20\n', ("unknown operator 'roughly'",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "sex"\nat_least = 20\n', ("operator 'at_least' does not apply to 'sex'",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = "20"\n', ("value '20' does not fit a int column",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "sex"\nequals = "m"\n', ("'m' is not a value of the column",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "sex"\nin = []\n', ("'in' takes a non-empty list",)),
        ('[[criteria]]\ncode = "A b"\ncolumn = "age"\nat_least = 1\n', ("lower_snake_case",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = 1\n[[criteria]]\ncode = "a"\ncolumn = "age"\nat_most = 70\n',
         ("duplicate code 'a'",)),
        ('[[criteria]]\ncode = "a"\nany = [{ column = "age", at_least = 1 }, { column = "nope", is = true }]\n',
         ("criteria[0] ('a').any[1]: unknown column 'nope'",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = 1\nmissing = "maybe"\n', ("'missing' must be",)),
        ('colour = "red"\n', ("unknown key 'colour'",)),
        ('[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = \n', ("not valid TOML", )),
        ('[[targets]]\ncode = "w"\ncolumn = "sex"\nequals = "female"\n', ("needs 'min_share' or 'max_share'",)),
        ('[[targets]]\ncode = "w"\ncolumn = "sex"\nequals = "female"\nmin_share = 1.5\n', ("between 0 and 1",)),
        ('[[targets]]\ncode = "w"\ncolumn = "sex"\nequals = "female"\nmin_share = 0.5\nmax_share = 0.2\n',
         ("min_share 0.5 is above max_share 0.2",)),
    ],
)
def test_problems_are_named(body: str, expected: tuple[str, ...]) -> None:
    check(body, *expected)


def test_every_problem_is_reported_at_once() -> None:
    check(
        '[[criteria]]\ncode = "a"\ncolumn = "agee"\nat_least = 1\n'
        '[[criteria]]\ncode = "b"\ncolumn = "sex"\nequals = "x"\n'
        '[[targets]]\ncode = "c"\ncolumn = "sex"\nequals = "female"\nmin_share = 2\n',
        "unknown column 'agee'", "'x' is not a value", "between 0 and 1",
    )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[[criteria]]\ncode = "old"\ncolumn = "age"\nat_least = 30\n'
         '[[criteria]]\ncode = "young"\ncolumn = "age"\nbelow = 25\n', "'old', 'young' contradict"),
        ('[[criteria]]\ncode = "m"\ncolumn = "sex"\nequals = "male"\n'
         '[[criteria]]\ncode = "f"\ncolumn = "sex"\nequals = "female"\n', "no value of 'sex'"),
        ('[[criteria]]\ncode = "x"\ncolumn = "age"\nabove = 40\nat_most = 40\n', "'x' contradict"),
        ('[[criteria]]\ncode = "men"\ncolumn = "sex"\nequals = "male"\n'
         '[[targets]]\ncode = "women"\ncolumn = "sex"\nequals = "female"\nmin_share = 0.15\n',
         "exclude everyone who has it"),
        ('[[targets]]\ncode = "p"\ncolumn = "party_status"\nequals = "party"\nmin_share = 0.7\n'
         '[[targets]]\ncode = "n"\ncolumn = "party_status"\nequals = "nonparty"\nmin_share = 0.4\n',
         "ask for 110% of the cohort together"),
    ],
)
def test_contradictions_are_errors(body: str, fragment: str) -> None:
    check(body, fragment)


def test_overlapping_rules_are_not_contradictions() -> None:
    check('[[criteria]]\ncode = "a"\ncolumn = "age"\nat_least = 23\n[[criteria]]\ncode = "b"\ncolumn = "age"\nat_most = 23\n')
    check('[[targets]]\ncode = "p"\ncolumn = "party_status"\nin = ["party", "komsomol"]\nmin_share = 0.7\n'
          '[[targets]]\ncode = "k"\ncolumn = "party_status"\nequals = "komsomol"\nmin_share = 0.4\n')
