"""The group stage: factory groups whole into districts, optimal against brute force, then arcs restricted."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest

from cadre.engine.certificate import Status
from cadre.engine.placement import (
    assign_groups,
    compile_instance,
    example_placement,
    group_costs,
    restrict_arcs,
    solve_assignment,
)


def brute_force(groups: pl.DataFrame, districts: pl.DataFrame, costs: pl.DataFrame) -> float | None:
    size = dict(groups.rows())
    capacity = dict(districts.rows())
    options: dict[object, dict[object, float]] = {}
    for g, d, c in costs.iter_rows():
        options.setdefault(g, {})[d] = c
    names = list(size)
    if any(g not in options for g in names):
        return None
    best = None
    for choice in itertools.product(*(list(options[g]) for g in names)):
        used: dict[object, int] = {}
        for g, d in zip(names, choice, strict=True):
            used[d] = used.get(d, 0) + size[g]
        if all(used[d] <= capacity[d] for d in used):
            total = sum(options[g][d] for g, d in zip(names, choice, strict=True))
            best = total if best is None else min(best, total)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_group_stage_is_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_groups, n_districts = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    groups = pl.DataFrame({"group": [f"g{i}" for i in range(n_groups)],
                           "size": rng.integers(1, 6, n_groups).tolist()})
    districts = pl.DataFrame({"district": [f"d{i}" for i in range(n_districts)],
                              "capacity": rng.integers(2, 12, n_districts).tolist()})
    rows = [(f"g{g}", f"d{d}", float(rng.integers(0, 40))) for g in range(n_groups) for d in range(n_districts)
            if rng.random() < 0.8]
    costs = pl.DataFrame(rows, schema=["group", "district", "cost"], orient="row")
    plan = assign_groups(groups, districts, costs)
    expected = brute_force(groups, districts, costs)
    if expected is None:
        assert plan.certificate.status is Status.INFEASIBLE
        assert plan.plan.height == 0
        assert plan.certificate.binding
    else:
        assert plan.certificate.status is Status.OPTIMAL
        assert plan.certificate.objective == pytest.approx(expected)
        assert plan.certificate.bound == pytest.approx(expected)
        assert plan.plan.get_column("group").sort().to_list() == groups.get_column("group").sort().to_list()
        used = plan.plan.group_by("district").agg(pl.col("size").sum()).join(districts, on="district")
        assert (used.get_column("size") <= used.get_column("capacity")).all()


def test_obvious_infeasibility_is_named() -> None:
    groups = pl.DataFrame({"group": ["a", "b"], "size": [3, 4]})
    districts = pl.DataFrame({"district": ["x"], "capacity": [5]})
    plan = assign_groups(groups, districts, pl.DataFrame({"group": ["a"], "district": ["x"], "cost": [1.0]}))
    text = " ".join(b.explanation for b in plan.certificate.binding)
    assert plan.certificate.status is Status.INFEASIBLE
    assert "(b) have no district" in text
    assert "7 people in groups but only 5 places" in text


def test_two_stages_on_a_generated_instance() -> None:
    ex = example_placement(people=800, posts=3_000, candidates=60, regions=2, rng=np.random.default_rng(3))
    groups, districts, costs = group_costs(ex.arcs, ex.people, ex.posts)
    assert groups.get_column("size").sum() == 800
    plan = assign_groups(groups, districts, costs)
    assert plan.certificate.proven_optimal
    arcs = restrict_arcs(ex.arcs, ex.people, ex.posts, plan)
    where = (arcs.join(ex.posts.select("post_id", "district"), on="post_id")
             .join(ex.people.select("person_id", "group"), on="person_id")
             .join(plan.plan.select("group", pl.col("district").alias("chosen")), on="group"))
    assert (where.get_column("district") == where.get_column("chosen")).all()
    result = solve_assignment(compile_instance(arcs, ex.posts, ex.people))
    assert result.certificate.proven_optimal
    placed = (result.assignment.join(ex.people.select("person_id", "group"), on="person_id")
              .join(ex.posts.select("post_id", "district"), on="post_id"))
    assert (placed.group_by("group").agg(pl.col("district").n_unique()).get_column("district") == 1).all()
    unconstrained = solve_assignment(compile_instance(ex.arcs, ex.posts, ex.people))
    assert result.certificate.objective >= unconstrained.certificate.objective
