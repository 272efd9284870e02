"""Distribution on small instances: exact against brute force, the rules always kept, infeasibility explained."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.engine.certificate import Status
from cadre.engine.distribution import (
    Distribution,
    DistributionInputError,
    DistributionParams,
    PriorityFloor,
    distribute,
    validate_inputs,
)
from cadre.engine.distribution.model import build_model, solve_model


def supply_of(**amounts: int) -> pl.DataFrame:
    return pl.DataFrame({"region": list(amounts), "supply": list(amounts.values())})


def demand_of(rows: list[tuple[str, int, int | None, int]]) -> pl.DataFrame:
    """(region, minimum, maximum, priority) rows."""
    return pl.DataFrame(rows, schema={"region": pl.String, "minimum": pl.Int64, "maximum": pl.Int64,
                                      "priority": pl.Int64}, orient="row")


def plan_of(result: Distribution) -> dict[tuple[str, str], int]:
    return {(a, b): n for a, b, n in result.pairs.iter_rows()}


def check(result: Distribution, status: Status, plan: dict[tuple[str, str], int] | None = None,
          *, says: tuple[str, ...] = ()) -> None:
    """The status, the plan pair by pair (when given), and fragments of the binding explanations."""
    assert result.certificate.status is status, result.certificate
    if plan is not None:
        assert plan_of(result) == plan
    text = " | ".join(b.explanation for b in result.certificate.binding)
    for fragment in says:
        assert fragment in text, (fragment, text)


# ---------------------------------------------------------------- use cases


def test_workers_stay_home_first_then_go_where_priority_is_highest() -> None:
    result = distribute(supply_of(LEN=300), demand_of([("LEN", 0, 100, 3), ("LVO", 0, 150, 1), ("NOR", 0, 150, 3)]))
    check(result, Status.OPTIMAL, {("LEN", "LEN"): 100, ("LEN", "LVO"): 150, ("LEN", "NOR"): 50})
    assert result.stay_share == pytest.approx(1 / 3)
    cert = result.certificate
    assert cert.objective == cert.bound
    assert cert.gap == 0.0


def test_a_pair_carries_zero_or_a_whole_group() -> None:
    # Without groups ZSF would send 30 to DAG; with groups of 50 it must send 50 elsewhere or none.
    demand = demand_of([("ZSF", 0, 650, 3), ("DAG", 0, 30, 1), ("CAS", 0, 100, 3)])
    free = distribute(supply_of(ZSF=680), demand)
    check(free, Status.OPTIMAL, {("ZSF", "ZSF"): 650, ("ZSF", "DAG"): 30})
    grouped = distribute(supply_of(ZSF=680), demand, params=DistributionParams(min_group=50))
    check(grouped, Status.OPTIMAL, {("ZSF", "ZSF"): 630, ("ZSF", "CAS"): 50})


def test_patronage_ties_and_travel_decide_who_goes_where() -> None:
    supply, demand = supply_of(A=100, B=100), demand_of([("X", 0, 100, 1), ("Y", 0, 100, 1)])
    routes = pl.DataFrame({"from_region": ["A", "A", "B", "B"], "to_region": ["X", "Y", "X", "Y"],
                           "distance": [1000.0, 3000.0, 3000.0, 1000.0]})
    check(distribute(supply, demand, distances=routes), Status.OPTIMAL, {("A", "X"): 100, ("B", "Y"): 100})
    ties = pl.DataFrame({"from_region": ["A", "B"], "to_region": ["Y", "X"]})  # 2.5 points outweigh 2,000 km more
    params = DistributionParams(tie_bonus=2.5)
    check(distribute(supply, demand, distances=routes, ties=ties, params=params), Status.OPTIMAL,
          {("A", "Y"): 100, ("B", "X"): 100})


def test_an_unlisted_route_is_closed_but_staying_home_is_always_open() -> None:
    routes = pl.DataFrame({"from_region": ["A"], "to_region": ["Y"], "distance": [500.0]})
    result = distribute(supply_of(A=100), demand_of([("A", 0, 60, 3), ("X", 0, 100, 1), ("Y", 0, 100, 3)]),
                        distances=routes)
    check(result, Status.OPTIMAL, {("A", "A"): 60, ("A", "Y"): 40})


def test_supply_split_by_union_travels_in_joint_groups_and_follows_union_ties() -> None:
    supply = pl.DataFrame({"region": ["IVA", "IVA"], "union": ["textile", "metalworkers"], "supply": [30, 30]})
    demand = demand_of([("WES", 0, 100, 2), ("MVO", 0, 100, 1)])
    union_ties = pl.DataFrame({"union": ["textile"], "to_region": ["WES"], "bonus": [25.0]})
    # Textile workers earn 25 points in WES and lose 10 of priority: they go there. A group of 50 needs both
    # unions together, so with groups of 50 all go to one region, the one where the tie is worth more.
    result = distribute(supply, demand, union_ties=union_ties)
    assert result.plan.rows() == [("IVA", "metalworkers", "MVO", 30), ("IVA", "textile", "WES", 30)]
    grouped = distribute(supply, demand, union_ties=union_ties, params=DistributionParams(min_group=50))
    assert grouped.plan.rows() == [("IVA", "metalworkers", "WES", 30), ("IVA", "textile", "WES", 30)]
    assert grouped.certificate.objective == pytest.approx(60 * 20 + 30 * 25)


def test_a_priority_floor_moves_workers_to_the_grain_regions() -> None:
    supply, demand = supply_of(A=100), demand_of([("A", 0, 100, 3), ("G", 0, 100, 1)])
    check(distribute(supply, demand, params=DistributionParams(stay_bonus=50.0)), Status.OPTIMAL, {("A", "A"): 100})
    floor = PriorityFloor(priority=1, minimum=40, label="grain")
    check(distribute(supply, demand, params=DistributionParams(stay_bonus=50.0, floors=(floor,))), Status.OPTIMAL,
          {("A", "A"): 60, ("A", "G"): 40})


def test_a_pair_cost_gathers_workers_into_fewer_groups() -> None:
    supply, demand = supply_of(A=100), demand_of([("X", 0, 100, 1), ("Y", 0, 100, 1)])
    result = distribute(supply, demand, params=DistributionParams(pair_cost=5.0))
    assert len(plan_of(result)) == 1
    assert result.certificate.objective == pytest.approx(100 * 30 - 5)


# ---------------------------------------------------------------- infeasible: reported, never relaxed


@pytest.mark.parametrize(
    ("supply", "demand", "params", "says"),
    [
        (supply_of(A=100), [("X", 0, 80, 1)], {}, ("at most 80 workers", "20 too many")),
        (supply_of(A=50), [("X", 60, None, 1)], {}, ("minimums add up to 60", "10 short")),
        (supply_of(ZSF=30), [("DAG", 0, 30, 1)], {"min_group": 50},
         ("group size 50: the 30 workers of ZSF cannot travel as a group",)),
        (supply_of(A=100), [("DAG", 20, 30, 1), ("X", 0, 100, 1)], {"min_group": 50},
         ("DAG must receive at least 20 but can take at most 30",)),
        (supply_of(A=100), [("A", 0, 100, 3), ("G", 0, 30, 1)],
         {"floors": (PriorityFloor(priority=1, minimum=50, label="grain floor"),)}, ("grain floor",)),
    ],
)
def test_infeasibility_proven_from_the_totals(supply: pl.DataFrame, demand: list[Any], params: dict[str, Any],
                                              says: tuple[str, ...]) -> None:
    result = distribute(supply, demand_of(demand), params=DistributionParams(**params))
    check(result, Status.INFEASIBLE, says=says)
    assert result.plan.is_empty()
    assert not result.ok
    assert result.certificate.objective is None


def test_infeasibility_found_by_the_solver_is_located_by_the_elastic_plan() -> None:
    # A (100) can only split 50/50 and then B (50) has no room for its one group: 25 workers cannot go.
    result = distribute(supply_of(A=100, B=50), demand_of([("X", 0, 75, 1), ("Y", 0, 75, 1)]),
                        params=DistributionParams(min_group=50))
    check(result, Status.INFEASIBLE, says=("25 of the", "in groups of at least 50"))
    assert sum(b.shortfall for b in result.certificate.binding) == 25


# ---------------------------------------------------------------- bad input


def test_bad_input_lists_every_problem_at_once() -> None:
    supply = pl.DataFrame({"region": ["LEN", "LEN", "XXX", "MOS", None],
                           "supply": ["100", "50", "10", "-5", "3.5"]})
    demand = pl.DataFrame({"region": ["LVO", "NCA"], "minimum": ["60", "x"], "maximum": ["50", "9"],
                           "priority": ["1", "7"]})
    with pytest.raises(DistributionInputError) as caught:
        distribute(supply, demand, regions=["LEN", "MOS", "LVO", "NCA"])
    issues = caught.value.issues
    assert set(zip(issues["table"], issues["row"], issues["code"], strict=True)) == {
        ("supply", 2, "duplicate"), ("supply", 3, "unknown_region"), ("supply", 4, "negative"),
        ("supply", 5, "missing_value"), ("supply", 5, "not_an_integer"),
        ("demand", 1, "minimum_above_maximum"), ("demand", 2, "not_a_number"), ("demand", 2, "unknown_priority"),
    }
    assert "supply, row 3, column region ('XXX')" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_missing_column_is_named() -> None:
    with pytest.raises(DistributionInputError, match="needs a column 'supply'"):
        distribute(pl.DataFrame({"region": ["A"], "workers": [3]}), demand_of([("A", 0, 3, 1)]))


def test_parameters_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="min_group"):
        DistributionParams(min_group=0)
    with pytest.raises(ValueError, match="finite"):
        DistributionParams(stay_bonus=float("nan"))


# ---------------------------------------------------------------- brute force and properties


def _compositions(total: int, parts: int, open_: np.ndarray, g: int) -> np.ndarray:
    """Every split of ``total`` over ``parts`` with each part 0 or at least ``g``, and 0 where closed."""
    if total == 0:
        return np.zeros((1, parts), dtype=np.int64)
    rows = [c for c in itertools.product(range(total + 1), repeat=parts - 1) if sum(c) <= total]
    full = np.array([(*c, total - sum(c)) for c in rows], dtype=np.int64).reshape(-1, parts)
    ok = ((full == 0) | (full >= g)).all(axis=1) & ((full == 0) | open_[None, :]).all(axis=1)
    kept: np.ndarray = full[ok]
    return kept


def brute_force(instance: dict[str, Any]) -> float | None:
    """The best score over every plan that keeps the rules, or None if there is none."""
    origins, dests = instance["origins"], instance["dests"]
    params: DistributionParams = instance["params"]
    supply, low, high, prio = instance["supply"], instance["low"], instance["high"], instance["prio"]
    weight = np.array([params.priority_weights[p] for p in prio])
    splits, scores = [], []
    for o, origin in enumerate(origins):
        score = np.array([weight[j] + params.stay_bonus * (origin == d) + instance["tie"][o][j]
                          - params.travel_cost * instance["km"][o][j] / 1000 for j, d in enumerate(dests)])
        split = _compositions(supply[o], len(dests), instance["route"][o], params.min_group)
        splits.append(split)
        scores.append(split @ score - params.pair_cost * (split > 0).sum(axis=1))
    best: float | None = None
    grids = np.meshgrid(*[np.arange(len(s)) for s in splits], indexing="ij")
    index = [grid.reshape(-1) for grid in grids]
    received = np.sum([split[i] for split, i in zip(splits, index, strict=True)], axis=0)
    total = np.sum([score[i] for score, i in zip(scores, index, strict=True)], axis=0)
    ok = ((received >= np.array(low)) & (received <= np.array(high))).all(axis=1)
    for floor in params.floors:
        ok &= received[:, np.array(prio) <= floor.priority].sum(axis=1) >= floor.minimum
    if ok.any():
        best = float(np.asarray(total)[ok].max())
    return best


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    origins = draw(st.sampled_from([["A"], ["A", "B"], ["A", "B", "C"]]))
    dests = draw(st.sampled_from([["A"], ["A", "D"], ["B", "D"], ["A", "B", "D"]]))
    if len(origins) * len(dests) > 6:
        dests = dests[:2]
    cap = 12 if len(origins) * len(dests) <= 4 else 9
    supply = [draw(st.sampled_from([0, *range(4, cap + 1)])) for _ in origins]
    low = [draw(st.sampled_from([0, 0, 0, 2, 5])) for _ in dests]
    high = [lo + draw(st.integers(2, cap + 3)) for lo in low]
    prio = [draw(st.integers(1, 3)) for _ in dests]
    route = np.array([[o == d or draw(st.booleans()) or draw(st.booleans()) for d in dests] for o in origins])
    km = [[0.0 if o == d else float(draw(st.integers(0, 3000))) for d in dests] for o in origins]
    tie = [[draw(st.sampled_from([0.0, 0.0, 1.5])) for _ in dests] for _ in origins]
    floors: tuple[PriorityFloor, ...] = ()
    if draw(st.integers(0, 2)) == 0:
        floors = (PriorityFloor(priority=draw(st.integers(1, 2)), minimum=draw(st.integers(0, 10))),)
    params = DistributionParams(min_group=draw(st.sampled_from([1, 2, 3, 5])), floors=floors,
                                pair_cost=draw(st.sampled_from([0.0, 0.5])), stay_bonus=draw(st.sampled_from([0.0, 1.0])))
    return {"origins": origins, "dests": dests, "supply": supply, "low": low, "high": high, "prio": prio,
            "route": route, "km": km, "tie": tie, "params": params}


def solve(instance: dict[str, Any]) -> Distribution:
    origins, dests = instance["origins"], instance["dests"]
    routes = [(o, d, instance["km"][i][j]) for i, o in enumerate(origins) for j, d in enumerate(dests)
              if instance["route"][i][j] and o != d]
    ties = [(o, d, instance["tie"][i][j]) for i, o in enumerate(origins) for j, d in enumerate(dests)
            if instance["tie"][i][j]]
    return distribute(
        pl.DataFrame({"region": origins, "supply": instance["supply"]}),
        pl.DataFrame({"region": dests, "minimum": instance["low"], "maximum": instance["high"],
                      "priority": instance["prio"]}),
        params=instance["params"],
        distances=pl.DataFrame(routes, schema=["from_region", "to_region", "distance"], orient="row"),
        ties=pl.DataFrame(ties, schema=["from_region", "to_region", "bonus"], orient="row"),
    )


@given(instances())
def test_exact_against_brute_force_and_the_rules_always_hold(instance: dict[str, Any]) -> None:
    result = solve(instance)
    best = brute_force(instance)
    cert = result.certificate
    if best is None:
        assert cert.status is Status.INFEASIBLE
        assert cert.binding
        assert result.plan.is_empty()
        return
    assert cert.status is Status.OPTIMAL, cert
    assert cert.objective == pytest.approx(best, abs=1e-6)
    assert cert.bound is not None
    assert cert.bound >= best - 1e-6
    g = instance["params"].min_group
    assert ((result.plan["n"] >= g) & (result.plan["n"] > 0)).all()
    by_origin = dict(zip(result.by_origin["region"], result.by_origin["sent"], strict=True))
    assert [by_origin.get(o, 0) for o in instance["origins"]] == instance["supply"]
    got = dict(zip(result.by_destination["region"], result.by_destination["received"], strict=True))
    for d, lo, hi in zip(instance["dests"], instance["low"], instance["high"], strict=True):
        assert lo <= got[d] <= hi


@given(instances(), st.randoms(use_true_random=False))
def test_same_input_same_plan_whatever_the_row_order(instance: dict[str, Any], rnd: Any) -> None:
    first, again = solve(instance), solve(instance)
    assert first.plan.equals(again.plan)
    assert first.certificate.objective == again.certificate.objective
    order = list(range(len(instance["origins"])))
    rnd.shuffle(order)
    shuffled = dict(instance, origins=[instance["origins"][i] for i in order],
                    supply=[instance["supply"][i] for i in order], route=instance["route"][order],
                    km=[instance["km"][i] for i in order], tie=[instance["tie"][i] for i in order])
    assert solve(shuffled).plan.equals(first.plan)


@given(instances())
def test_integer_flows_give_the_same_optimum(instance: dict[str, Any]) -> None:
    # The fallback for a fractional answer (integer flows) and the usual path (continuous flows over chosen
    # pairs) must prove the same optimum: the network argument in model.py, checked.
    result = solve(instance)
    if not result.ok:
        return
    params: DistributionParams = instance["params"]
    origins, dests = instance["origins"], instance["dests"]
    routes = [(o, d, instance["km"][i][j]) for i, o in enumerate(origins) for j, d in enumerate(dests)
              if instance["route"][i][j] and o != d]
    ties = [(o, d, instance["tie"][i][j]) for i, o in enumerate(origins) for j, d in enumerate(dests)
            if instance["tie"][i][j]]
    inputs, issues = validate_inputs(
        pl.DataFrame({"region": origins, "supply": instance["supply"]}),
        pl.DataFrame({"region": dests, "minimum": instance["low"], "maximum": instance["high"],
                      "priority": instance["prio"]}),
        distances=pl.DataFrame(routes, schema=["from_region", "to_region", "distance"], orient="row"),
        ties=pl.DataFrame(ties, schema=["from_region", "to_region", "bonus"], orient="row"))
    assert issues.is_empty()
    solved = solve_model(build_model(inputs, params), params, integer_flows=True)
    assert solved.status is Status.OPTIMAL
    assert not solved.fractional
    assert solved.objective == pytest.approx(result.certificate.objective, abs=1e-6)
