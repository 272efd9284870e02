"""The twin's replay: reproducible from its seed, every scenario runs, the output honours the contract."""

from __future__ import annotations

import pytest

from cadre.twin.contract import validate_document
from cadre.twin.replay import run_ensemble
from cadre.twin.scenario import bundled_scenarios, load_scenario

SCALE = 0.05


def check(name: str, *, seed: int = 7, replicates: int = 1) -> dict:
    """Run a scenario at small scale; its document must satisfy the output contract."""
    document, each = run_ensemble(load_scenario(name), seed=seed, replicates=replicates, scale=SCALE)
    assert validate_document(document) == []
    assert len(each) == replicates
    assert document["scenario"] == name
    return document


def test_same_seed_same_document_and_another_seed_another() -> None:
    assert check("ussr-1929", seed=3) == check("ussr-1929", seed=3)
    assert check("ussr-1929", seed=3) != check("ussr-1929", seed=4)


@pytest.mark.slow
def test_replicates_are_the_same_whatever_the_number_of_workers() -> None:
    scn = load_scenario("ussr-1929")
    one, _ = run_ensemble(scn, seed=11, replicates=2, scale=SCALE, workers=1)
    two, _ = run_ensemble(scn, seed=11, replicates=2, scale=SCALE, workers=2)
    assert one == two
    assert "ci90" in one


@pytest.mark.parametrize("name", bundled_scenarios())
def test_every_scenario_runs(name: str) -> None:
    document = check(name)
    assert document["selected"]["total"] > 0
    assert document["headcount"]["1930-07-01"]["rural_work"] > 0


@pytest.mark.slow
def test_counterfactuals_move_the_outcomes_the_right_way() -> None:
    base = check("ussr-1929", seed=5)
    women = check("women-hard", seed=5)
    assert women["composition"]["total"]["female"] >= 0.15 - 1e-9
    assert women["selected"]["total"] < base["selected"]["total"]  # the hard target leaves places empty
    informed = check("terms-at-launch", seed=5)
    assert informed["volunteers"]["total"] > base["volunteers"]["total"]
    ready = check("plans-ready", seed=5)
    assert ready["arrivals"]["1930-02-09"] == pytest.approx(base["arrivals"]["1930-02-09"], rel=0.2)
    assert ready["headcount"]["1930-07-01"]["on_farms"] >= base["headcount"]["1930-07-01"]["on_farms"] * 0.95
    contact = check("factory-contact", seed=5)
    assert sum(contact["exits"]["by_channel"].values()) <= sum(base["exits"]["by_channel"].values())


@pytest.mark.slow
def test_a_local_ray_cluster_gives_the_same_ensemble() -> None:
    pytest.importorskip("ray")
    scn = load_scenario("ussr-1929")
    local, _ = run_ensemble(scn, seed=13, replicates=3, scale=SCALE)
    seen: list[int] = []
    on_ray, _ = run_ensemble(scn, seed=13, replicates=3, scale=SCALE, address="local",
                             on_result=lambda index, _doc: seen.append(index))
    assert on_ray == local
    assert sorted(seen) == [0, 1, 2]
