"""The record's targets and the comparison of a document with them."""

from __future__ import annotations

import copy
import math
from functools import cache
from typing import Any

import polars as pl
import pytest
from test_contract import tiny_tables

from cadre import record
from cadre.twin.contract import aggregate, build_document
from cadre.twin.contract_shape import format_path, leaves
from cadre.twin.diagnostics import DIAGNOSTICS
from cadre.twin.targets import COMPARISON_SCHEMA, TARGET_SCHEMA, Comparison, compare, targets

Doc = dict[str, Any]


@cache
def _document() -> Doc:
    return build_document(tiny_tables(), scenario="tiny", seed=5)


def document() -> Doc:
    return copy.deepcopy(_document())


def check(doc: Doc, target_id: str) -> dict[str, Any]:
    """The comparison row of one target, which must have the comparison's columns."""
    result = compare(doc)
    assert dict(result.schema) == dict(COMPARISON_SCHEMA)
    rows = result.filter(pl.col("target_id") == target_id).to_dicts()
    assert len(rows) == 1, target_id
    return rows[0]


def test_every_target_comes_from_the_record() -> None:
    table = targets()
    assert dict(table.schema) == dict(TARGET_SCHEMA)
    assert table.get_column("target_id").is_unique().all()
    by_id = {row["target_id"]: row for row in table.iter_rows(named=True)}
    assert by_id["volunteers_total"]["record_low"] == record.observation("volunteers_total")
    assert by_id["volunteers_total"]["comparison"] == Comparison.AT_LEAST
    assert by_id["volunteers_total"]["record_high"] is None
    assert by_id["arrived_0202"]["path"] == "$.arrivals.1930-02-02"
    assert by_id["arrived_0209"]["record_low"] == record.observation("arrived_0209")
    assert by_id["on_farms_summer_1930"]["path"] == "$.headcount.1930-07-01.on_farms"
    assert by_id["in_mts_summer_1930"]["record_low"] == record.observation("in_mts_summer_1930")
    assert by_id["coverage_1930"]["path"] == "$.coverage.1930-07-01.total"
    assert by_id["exits_summer_1930"]["path"] == "$.exits.by_channel_until.1930-07-01.*"
    assert by_id["exits_summer_1930"]["record_low"] == 5000  # "about 5000 had left", in the record's note
    assert (by_id["mobilized_share"]["record_low"], by_id["mobilized_share"]["record_high"]) == (
        record.observation("mobilized_share_len"),
        record.observation("mobilized_share_mos_sample"),
    )
    assert by_id["arrived_mid_february"]["record_low"] == record.observation("selected_total")
    # Percents become shares; the record's male share has no place in SHARES.
    composition = table.filter(pl.col("path").str.starts_with("$.composition.total."))
    assert composition.height == record.composition().height - 1
    assert by_id["composition_female"]["record_low"] == pytest.approx(0.077)
    # Every pair of the 1929 plan (corrected reading) is an input target.
    plan = table.filter(pl.col("role") == "input")
    assert plan.height == record.control_plan().height
    assert plan.get_column("record_low").sum() == record.control_plan().get_column("planned").sum()


def test_every_target_path_exists_in_a_built_document() -> None:
    doc = document()
    paths = {format_path(path) for path, _ in leaves(doc)}
    for path in targets().get_column("path"):
        if path.endswith(".*"):
            assert any(p.startswith(path[:-1]) for p in paths), path
        elif path.startswith("$.diagnostics."):  # beside the contract: cadre.twin.diagnostics names them
            assert path.removeprefix("$.diagnostics.") in DIAGNOSTICS, path
        elif not path.startswith("$.flows."):  # the tiny run's flows hold only its own pairs
            assert path in paths, path


def test_figures_outside_the_contract_are_targets_read_from_the_diagnostics() -> None:
    by_id = {row["target_id"]: row for row in targets().iter_rows(named=True)}
    assert by_id["cut_tier_factory_len"]["path"] == "$.diagnostics.len_cut_tier2"
    assert by_id["cut_tier_factory_len"]["record_low"] == record.observation("cut_tier_factory_len")
    assert by_id["unaccounted_spring_1930"]["comparison"] == Comparison.AT_LEAST
    doc = document()
    assert check(doc, "cut_tier_union_len")["model"] is None  # a contract document has no diagnostics
    doc["diagnostics"] = {"len_cut_tier2": 0.4, "len_cut_tier3": 0.3, "len_cut_tier4": 0.1,
                          "unaccounted_spring_1930": 12000}
    assert check(doc, "cut_tier_factory_len")["error"] == pytest.approx(0.0)
    assert check(doc, "cut_tier_union_len")["error"] == pytest.approx(0.3 - 0.175)
    assert check(doc, "unaccounted_spring_1930")["error"] == 0.0  # "over 10000": above the bound is no error


def test_counts_of_people_scale_with_the_run_and_shares_do_not() -> None:
    full, tenth = targets(), targets(scale=0.1)
    joined = full.join(tenth, on="target_id", suffix="_tenth")
    for row in joined.iter_rows(named=True):
        factor = 0.1 if row["unit"] == "people" else 1.0
        assert row["record_low_tenth"] == pytest.approx(row["record_low"] * factor), row["target_id"]


def test_errors_of_a_single_document() -> None:
    doc = document()
    row = check(doc, "arrived_0202")
    assert (row["model"], row["record_value"]) == (1.0, 18300.0)
    assert row["error"] == 1 - 18300
    assert row["abs_error"] == 18299
    assert row["rel_error"] == pytest.approx(18299 / 18300)
    assert row["model_p5"] is None
    assert row["record_in_ci90"] is None
    # The sum of every channel's exits by 1 July 1930: P2's removal.
    assert check(doc, "exits_summer_1930")["model"] == 1.0
    # Inside a range or above a lower bound, the error is 0.
    doc["selected"]["mobilized_share"] = 0.2
    assert check(doc, "mobilized_share")["error"] == 0.0
    doc["selected"]["mobilized_share"] = 0.3
    assert check(doc, "mobilized_share")["error"] == pytest.approx(0.05)
    assert check(doc, "mobilized_share")["record_value"] == pytest.approx(0.175)
    doc["volunteers"]["total"] = 75_000
    assert check(doc, "volunteers_total")["error"] == 0.0
    doc["volunteers"]["total"] = 60_000
    assert check(doc, "volunteers_total")["error"] == -10_000.0


def test_missing_and_null_values() -> None:
    doc = document()
    # A plan pair the run's (non-empty) plan lacks had nobody on it; with no plan at all, nothing is known.
    assert check(doc, "plan_LEN_NOR")["model"] == 0.0
    assert check(doc, "plan_LEN_NOR")["error"] == -140.0
    doc["flows"]["planned"] = {}
    assert check(doc, "plan_LEN_NOR")["model"] is None
    doc["coverage"]["1930-07-01"]["total"] = None
    row = check(doc, "coverage_1930")
    assert row["model"] is None
    assert row["error"] is None
    assert row["abs_error"] is None
    doc["exits"]["by_channel_until"]["1930-07-01"]["study"] = None
    assert check(doc, "exits_summer_1930")["model"] is None


def test_the_record_in_the_ensembles_interval() -> None:
    docs = [document() for _ in range(3)]
    for doc, arrived, share, volunteers in zip(
        docs, (18_000, 18_400, 19_000), (0.05, 0.08, 0.3), (60_000, 65_000, 71_000), strict=True
    ):
        doc["arrivals"]["1930-02-02"] = arrived
        doc["selected"]["mobilized_share"] = share
        doc["volunteers"]["total"] = volunteers
    ensemble = aggregate(docs)
    row = check(ensemble, "arrived_0202")
    assert row["model"] == pytest.approx(18_466.67, abs=0.01)
    assert (row["model_p5"], row["model_p95"]) == pytest.approx((18_040, 18_940))
    assert row["record_in_ci90"] is True
    # A range overlapping the interval counts as inside; a lower bound below p95 does too.
    assert check(ensemble, "mobilized_share")["record_in_ci90"] is True
    assert check(ensemble, "volunteers_total")["record_in_ci90"] is True
    row = check(ensemble, "on_farms_summer_1930")
    assert (row["model_p5"], row["model_p95"], row["record_in_ci90"]) == (1.0, 1.0, False)
    # A sum has a mean but no interval: the percentiles of a sum are not the sums of percentiles.
    row = check(ensemble, "exits_summer_1930")
    assert row["model"] == 1.0
    assert row["model_p5"] is None
    assert row["record_in_ci90"] is None
    assert check(ensemble, "plan_LEN_NOR")["model_p5"] == 0.0


def test_compare_takes_a_chosen_set_of_targets() -> None:
    chosen = targets().filter(pl.col("unit") == "share")
    result = compare(document(), chosen)
    assert result.height == chosen.height
    assert all(math.isfinite(v) for v in result.get_column("abs_error").drop_nulls())
