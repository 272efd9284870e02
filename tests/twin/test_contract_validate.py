"""Validation of documents: each corruption of a good document is reported with its JSON path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from test_contract import tiny_tables

from cadre.twin.contract import aggregate, build_document, validate_document
from cadre.twin.contract_validate import contract_schema

Doc = dict[str, Any]


@cache
def _good() -> Doc:
    return build_document(tiny_tables(), scenario="tiny", seed=7)


def good() -> Doc:
    """A valid document of the tiny run, a fresh copy each time."""
    return copy.deepcopy(_good())


def check(corrupt: Callable[[Doc], object], *expected: str, doc: Doc | None = None) -> list[str]:
    """Corrupt a copy of a good document; every expected ``"$.path: fragment"`` must be among the problems."""
    bad = copy.deepcopy(doc if doc is not None else good())
    corrupt(bad)
    problems = validate_document(bad)
    for want in expected:
        path, fragment = want.split(": ", 1)
        hits = [p for p in problems if p.startswith(path + ": ") and fragment in p]
        assert hits, f"no problem {want!r} among {problems}"
    return problems


def test_the_bundled_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(contract_schema())
    assert validate_document(good()) == []


def test_a_document_that_is_not_an_object() -> None:
    assert validate_document([1, 2]) == ["$: [1, 2] is not of type 'object'"]


@pytest.mark.parametrize(
    ("corrupt", "expected"),
    [
        (lambda d: d.pop("farm_types"), "$: 'farm_types' is a required property"),
        (lambda d: d["volunteers"].pop("by_union"), "$.volunteers: 'by_union' is a required property"),
        (lambda d: d["arrivals"].pop("1930-02-09"), "$.arrivals: '1930-02-09' is a required property"),
        (
            lambda d: d["headcount"]["1930-07-01"].update(in_mts=-1),
            "$.headcount.1930-07-01.in_mts: -1 is less than",
        ),
        (
            lambda d: d["composition"]["total"].update(female=1.5),
            "$.composition.total.female: 1.5 is greater than",
        ),
        (
            lambda d: d["coverage"]["1930-07-01"]["by_destination_region"].update(LVO="a lot"),
            "$.coverage.1930-07-01.by_destination_region.LVO: 'a lot' is not of type",
        ),
        (lambda d: d["exits"]["by_channel"].update(fled=3), "$.exits.by_channel: Additional properties"),
        (lambda d: d.update(replicates=0), "$.replicates: 0 is less than the minimum of 1"),
    ],
)
def test_schema_problems_name_their_path(corrupt: Callable[[Doc], object], expected: str) -> None:
    check(corrupt, expected)


def _swap_dates(d: Doc) -> None:
    until = d["exits"]["by_channel_until"]
    until["1933-01-01"], until["1930-07-01"] = until["1930-07-01"], until["1933-01-01"]


@pytest.mark.parametrize(
    ("corrupt", "expected"),
    [
        (lambda d: d["arrivals"].update({"1930-2-20": 3}), "$.arrivals.1930-2-20: is not an ISO date"),
        (
            lambda d: d["volunteers"]["by_source_region"].update(ATL=0),
            "$.volunteers.by_source_region: region code(s) ['ATL']",
        ),
        (lambda d: d["flows"]["actual"]["LEN"].update(XYZ=1), "$.flows.actual.LEN: region code(s) ['XYZ']"),
        (
            lambda d: d["selected"]["by_union"].pop("chemical"),
            "$.selected.by_union: must have exactly the unions",
        ),
        (
            lambda d: d["volunteers"]["by_union"].update(textile=2.5),
            "$.volunteers.by_union.textile: a count of one",
        ),
        (
            lambda d: d["arrivals"].update({"1930-02-15": 1}),
            "$.arrivals.1930-02-15: cumulative arrivals fall from 2",
        ),
        (
            _swap_dates,
            "$.exits.by_channel_until.1933-01-01.permitted_leave: cumulative exits fall from 1 to 0",
        ),
        (
            lambda d: d["exits"]["by_channel_until"]["1933-01-01"].update(study=4),
            "$.exits.by_channel_until.1933-01-01.study: 4 exceeds by_channel's 1",
        ),
        (
            lambda d: d["selected"].update(total=5),
            "$.selected.total: 5 is not the sum of by_source_region (4)",
        ),
        (lambda d: d["exits"]["by_source_region"].update(LEN=0), "$.exits: exits by channel (3"),
        (
            lambda d: d["composition"]["total"].update(party=0.6),
            "$.composition.total: the shares ['party', 'komsomol', 'nonparty'] add up to 1.1",
        ),
        (lambda d: d["headcount"]["1931-04-01"].update(on_farms=2), "$.headcount.1931-04-01: on_farms (2"),
        (lambda d: d.update(ci90={}), "$.ci90: is present although replicates is 1"),
        (lambda d: d.update(replicates=3), "$.ci90: is required when replicates is 3"),
    ],
)
def test_rules_beyond_the_schema_name_their_path(corrupt: Callable[[Doc], object], expected: str) -> None:
    check(corrupt, expected)


def test_a_corrupted_document_reports_every_problem_at_once() -> None:
    def corrupt(d: Doc) -> None:
        d.pop("scenario")
        d["selected"]["mobilized_share"] = -0.1
        d["arrivals"]["1930-02-15"] = 0

    problems = check(
        corrupt,
        "$: 'scenario' is a required property",
        "$.selected.mobilized_share: -0.1 is less",
        "$.arrivals.1930-02-15: cumulative arrivals fall",
    )
    assert len(problems) == 3


def test_ci90_must_mirror_the_document() -> None:
    ensemble = aggregate([good(), good()])
    assert validate_document(ensemble) == []

    def corrupt(d: Doc) -> None:
        ci = d["ci90"]
        ci["volunteers"]["total"] = [6.0, 4.0]
        ci["selected"]["mobilized_share"] = [0.1, 1.2]
        ci["arrivals"]["1930-02-02"] = 1.0
        ci["composition"]["by_source_region"]["NOR"]["female"] = [0.0, 0.0]
        del ci["headcount"]["1930-07-01"]["in_mts"]
        ci["exits"]["by_channel"]["extra"] = [0, 1]

    check(
        corrupt,
        "$.ci90.volunteers.total: p5 (6.0) exceeds p95 (4.0)",
        "$.ci90.selected.mobilized_share: 1.2 is outside [0, 1]",
        "$.ci90.arrivals.1930-02-02: must be [p5, p95], not 1.0",
        "$.ci90.composition.by_source_region.NOR.female: must be null",
        "$.ci90.headcount.1930-07-01.in_mts: is missing",
        "$.ci90.exits.by_channel.extra: is not a number of the document",
        doc=ensemble,
    )


def test_an_ensemble_may_hold_fractional_counts_but_one_replicate_may_not() -> None:
    ensemble = aggregate([good(), good(), good()])
    ensemble["volunteers"]["total"] = 5.5
    ensemble["volunteers"]["by_source_region"]["LEN"] = 3.5
    ensemble["volunteers"]["by_union"]["metalworkers"] = 2.5
    assert validate_document(ensemble) == []
