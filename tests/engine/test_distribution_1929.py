"""The 1929 plan: the record's own plan checked, and a feasible plan rebuilt from the control figures."""

from __future__ import annotations

import polars as pl
import pytest

from cadre import record
from cadre.engine.certificate import Status
from cadre.engine.distribution import (
    MIN_GROUP_1929,
    PlanProblem,
    Reproduction,
    check_plan,
    inputs_1929,
    region_distances,
    reproduce_1929,
)


@pytest.fixture(scope="module")
def reproduction() -> Reproduction:
    return reproduce_1929(
        quotas=record.quotas("region"), plan=record.control_plan(), regions=record.regions(),
        printed_total=record.quota_total(),
        wholesale_target=int(record.observation("wholesale_districts_target")),
    )


def test_the_rebuilt_plan_is_proven_optimal_and_sends_every_quota(reproduction: Reproduction) -> None:
    result = reproduction.distribution
    assert result.certificate.status is Status.OPTIMAL
    assert result.certificate.gap == 0.0
    origins = result.by_origin
    assert (origins["sent"] == origins["supply"]).all()
    quotas = dict(record.quotas("region").select("key", "quota").iter_rows())
    assert dict(origins.select("region", "sent").iter_rows()) == quotas
    assert int(result.plan["n"].sum()) == record.quota_total() == 26_380


def test_the_rebuilt_plan_keeps_the_rules(reproduction: Reproduction) -> None:
    result = reproduction.distribution
    assert (result.plan["n"] >= MIN_GROUP_1929).all()
    planned = record.control_plan().group_by("to_region").agg(pl.col("planned").sum())
    maxima = dict(planned.iter_rows())
    for region, received in result.by_destination.select("region", "received").iter_rows():
        assert received <= maxima[region]
    grain = result.by_destination.filter(pl.col("priority") <= 2)["received"].sum()
    assert grain >= 10_000
    # The 300 places more than workers are left where priority is lowest: tempo group 3 only.
    short = result.by_destination.filter(pl.col("room") > 0)
    assert short["room"].sum() == 300
    assert (short["priority"] == 3).all()
    # ZSF keeps 650 at most, and the 30 for Dagestan cannot travel as a group of 50: DAG gets nobody.
    assert dict(result.pairs.select(pl.format("{}>{}", "from_region", "to_region"), "n").iter_rows()).get("ZSF>DAG") is None


def test_about_half_stay_in_their_own_region_as_in_the_record(reproduction: Reproduction) -> None:
    assert reproduction.record_stay_share == pytest.approx(13_560 / 26_680)
    assert reproduction.model_stay_share == pytest.approx(13_540 / 26_380)
    assert reproduction.overlap is not None
    assert 0.7 < reproduction.overlap <= 1.0


def test_the_comparison_tables_add_up(reproduction: Reproduction) -> None:
    total = reproduction.pairs.filter(pl.col("from_region") == "total").row(0, named=True)
    assert (total["record"], total["model"], total["difference"]) == (26_680, 26_380, -300)
    iva = reproduction.by_origin.filter(pl.col("region") == "IVA").row(0, named=True)
    assert (iva["record"], iva["model"], iva["quota"]) == (1_600, 1_300, 1_300)
    assert any("26,680" in line and "26,380" in line for line in reproduction.inputs.adjustments)


def test_the_record_plan_check_flags_ivanovo_the_total_and_the_small_group(reproduction: Reproduction) -> None:
    check = reproduction.record_check
    assert not check.ok
    iva = check.of(PlanProblem.ORIGIN_OVER_SUPPLY).row(0, named=True)
    assert (iva["from_region"], iva["required"], iva["found"], iva["difference"]) == ("IVA", 1_300, 1_600, 300)
    assert "sends 1,200" in iva["message"]
    assert "can send only 900" in iva["message"]
    total = check.of(PlanProblem.TOTAL_MISMATCH).row(0, named=True)
    assert (total["required"], total["found"]) == (26_380, 26_680)
    group = check.of(PlanProblem.PAIR_BELOW_GROUP).row(0, named=True)
    assert group["message"] == "group size 50: the 30 workers from ZSF to DAG cannot travel as a group"
    assert set(check.problems["code"]) == {"origin_over_supply", "total_mismatch", "pair_below_group"}


def test_the_printed_reading_of_the_plan_shows_its_misprints() -> None:
    inputs = inputs_1929(quotas=record.quotas("region"), plan=record.control_plan(), regions=record.regions())
    check = check_plan(record.control_plan("printed"), inputs.supply, inputs.demand, printed_total=26_380)
    assert check.of(PlanProblem.DUPLICATE_PAIR)["message"].to_list() == ["LEN->LEN appears more than once (650 and 140)"]
    over = check.of(PlanProblem.DESTINATION_OVER_MAXIMUM)
    assert set(over["to_region"]) == {"LEN", "URA"}


def test_check_plan_reports_bad_cells_and_unknown_places_as_data() -> None:
    plan = pl.DataFrame({"from_region": ["A", "A", "B", "A"], "to_region": ["X", "Y", "X", "Z"],
                         "planned": ["60", "-3", "10", "40"]})
    supply = pl.DataFrame({"region": ["A", "C"], "supply": [120, 5]})
    demand = pl.DataFrame({"region": ["X", "Y"], "minimum": [80, 0], "maximum": [200, 10]})
    check = check_plan(plan, supply, demand, min_group=20)
    assert set(check.problems["code"]) == {
        "bad_cell", "origin_without_supply", "origin_under_supply", "destination_without_demand",
        "destination_under_minimum", "pair_below_group",
    }
    assert check.total == 110


def test_distances_are_symmetric_and_zero_at_home() -> None:
    km = region_distances()
    assert km.height == 22 * 22
    table = {(a, b): d for a, b, d in km.iter_rows()}
    assert table[("MOS", "MOS")] == 0.0
    assert table[("MOS", "LEN")] == table[("LEN", "MOS")] == pytest.approx(634, abs=5)
