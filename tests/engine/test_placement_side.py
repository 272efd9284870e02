"""Side constraints (groups kept in one district, posts that need a skill) against a MILP reference."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from cadre.engine.certificate import Status
from cadre.engine.placement import SideConstraints, compile_instance, solve_with_side_constraints


def tiny(rng: np.random.Generator, n: int = 7, m: int = 8) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    people = pl.DataFrame({"person_id": list(range(n)), "group": rng.integers(0, 3, n).tolist(),
                           "skills": ["mechanic" if rng.random() < 0.5 else "" for _ in range(n)]})
    posts = pl.DataFrame({"post_id": list(range(100, 100 + m)), "capacity": rng.integers(1, 3, m).tolist(),
                          "district": rng.integers(0, 3, m).tolist(),
                          "needs_skill": ["mechanic" if rng.random() < 0.3 else None for _ in range(m)]})
    rows = [(p, 100 + q, int(rng.integers(1, 30))) for p in range(n) for q in range(m) if rng.random() < 0.6]
    return pl.DataFrame(rows, schema=["person_id", "post_id", "cost"], orient="row"), posts, people


def reference(arcs: pl.DataFrame, posts: pl.DataFrame, people: pl.DataFrame, together: set[int]) -> float | None:
    """The constrained problem as one MILP: x per arc, y per (group, district)."""
    info = (arcs.join(people, on="person_id").join(posts.select("post_id", "district", "needs_skill"), on="post_id")
            .filter(pl.col("needs_skill").is_null() | (pl.col("skills") == pl.col("needs_skill"))))
    pairs = sorted({(g, d) for g, d in info.select("group", "district").unique().rows() if g in together})
    nx, ny = info.height, len(pairs)
    rows: list[tuple[dict[int, float], float, float]] = []
    for p in people.get_column("person_id"):
        rows.append((dict.fromkeys(np.flatnonzero(info.get_column("person_id") == p), 1.0), 1, 1))
    for q, cap in posts.select("post_id", "capacity").iter_rows():
        rows.append((dict.fromkeys(np.flatnonzero(info.get_column("post_id") == q), 1.0), -np.inf, cap))
    for g in {g for g, _ in pairs}:
        rows.append(({nx + k: 1.0 for k, (gg, _) in enumerate(pairs) if gg == g}, 1, 1))
    for i, (g, d) in enumerate(info.select("group", "district").rows()):
        if g in together:
            rows.append(({i: 1.0, nx + pairs.index((g, d)): -1.0}, -np.inf, 0))
    matrix = lil_array((len(rows), nx + ny))
    for r, (coef, _, _) in enumerate(rows):
        for k, v in coef.items():
            matrix[r, k] = v
    res = milp(np.concatenate([info.get_column("cost").to_numpy(), np.zeros(ny)]), integrality=np.ones(nx + ny),
               bounds=Bounds(0, 1), constraints=LinearConstraint(matrix.tocsr(), [r[1] for r in rows],
                                                                 [r[2] for r in rows]))
    return float(res.fun) if res.status == 0 else None


def holds(result_assignment: pl.DataFrame, posts: pl.DataFrame, people: pl.DataFrame, together: set[int]) -> None:
    placed = result_assignment.join(people, on="person_id").join(posts, on="post_id")
    assert placed.height == people.height
    assert (placed.get_column("needs_skill").is_null() | (placed.get_column("skills") == placed.get_column("needs_skill"))).all()
    split = placed.filter(pl.col("group").is_in(list(together))).group_by("group").agg(pl.col("district").n_unique())
    assert (split.get_column("district") == 1).all()
    load = placed.group_by("post_id").agg(pl.len(), pl.col("capacity").first())
    assert (load.get_column("len") <= load.get_column("capacity")).all()


@pytest.mark.parametrize("seed", range(15))
def test_exact_when_the_residual_covers_the_components(seed: int) -> None:
    rng = np.random.default_rng(seed)
    arcs, posts, people = tiny(rng)
    together = {0, 1}
    expected = reference(arcs, posts, people, together)
    side = SideConstraints(posts=posts, together=tuple(together))
    result = solve_with_side_constraints(compile_instance(arcs, posts, people), side, expand=10)
    cert = result.certificate
    if expected is None:
        assert cert.status is Status.INFEASIBLE
        assert result.assignment.height == 0
        assert cert.binding
        return
    assert cert.status is Status.OPTIMAL, cert
    assert cert.objective == pytest.approx(expected)
    assert cert.bound is not None
    assert cert.bound <= cert.objective + 1e-9
    holds(result.assignment, posts, people, together)


@pytest.mark.parametrize("seed", range(15))
def test_the_cheap_residual_is_feasible_and_bounded(seed: int) -> None:
    rng = np.random.default_rng(seed)
    arcs, posts, people = tiny(rng, n=8, m=12)
    together = {0}
    expected = reference(arcs, posts, people, together)
    side = SideConstraints(posts=posts, together=tuple(together))
    result = solve_with_side_constraints(compile_instance(arcs, posts, people), side, expand=0)
    cert = result.certificate
    if expected is None:
        assert cert.status is Status.INFEASIBLE
        return
    assert cert.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert cert.bound is not None
    assert cert.bound - 1e-9 <= expected <= cert.objective + 1e-9
    holds(result.assignment, posts, people, together)


def test_no_violation_means_the_flow_is_the_answer() -> None:
    arcs = pl.DataFrame({"person_id": [1, 2], "post_id": [10, 11], "cost": [1, 2]})
    posts = pl.DataFrame({"post_id": [10, 11], "capacity": [1, 1], "district": ["a", "a"]})
    people = pl.DataFrame({"person_id": [1, 2], "group": ["g", "g"]})
    result = solve_with_side_constraints(compile_instance(arcs, posts, people),
                                         SideConstraints(posts=posts, together=("g",)))
    assert result.certificate.status is Status.OPTIMAL
    assert result.residual_people == 0
    assert result.certificate.objective == 3


def test_a_group_moves_together_at_the_least_extra_cost() -> None:
    # The flow puts 1 in district a and 2 in b; together, the cheaper joint district is b (1+1 < 1+5+... ).
    arcs = pl.DataFrame({"person_id": [1, 1, 2, 2], "post_id": [10, 11, 11, 12], "cost": [1, 3, 1, 9]})
    posts = pl.DataFrame({"post_id": [10, 11, 12], "capacity": [1, 2, 1], "district": ["a", "b", "a"]})
    people = pl.DataFrame({"person_id": [1, 2], "group": ["g", "g"]})
    result = solve_with_side_constraints(compile_instance(arcs, posts, people),
                                         SideConstraints(posts=posts, together=("g",)), expand=5)
    assert result.certificate.status is Status.OPTIMAL
    assert result.certificate.objective == 4
    assert result.flow.certificate.objective == 2
    assert sorted(result.assignment.get_column("post_id").to_list()) == [11, 11]


def test_a_group_that_cannot_share_a_district_is_named() -> None:
    arcs = pl.DataFrame({"person_id": [1, 2, 3], "post_id": [10, 11, 11], "cost": [1, 1, 1]})
    posts = pl.DataFrame({"post_id": [10, 11], "capacity": [1, 2], "district": ["a", "b"]})
    people = pl.DataFrame({"person_id": [1, 2, 3], "group": ["steel", "steel", "mill"]})
    result = solve_with_side_constraints(compile_instance(arcs, posts, people),
                                         SideConstraints(posts=posts, together=("steel",)))
    assert result.certificate.status is Status.INFEASIBLE
    assert "groups steel each share one district" in result.certificate.binding[0].explanation
    assert result.assignment.height == 0


def test_a_skill_nobody_has_is_reported() -> None:
    arcs = pl.DataFrame({"person_id": [1, 2], "post_id": [10, 10], "cost": [1, 2]})
    posts = pl.DataFrame({"post_id": [10], "capacity": [2], "needs_skill": ["mechanic"]})
    people = pl.DataFrame({"person_id": [1, 2], "skills": ["mechanic", "driver;tractor"]})
    result = solve_with_side_constraints(compile_instance(arcs, posts, people), SideConstraints(posts=posts))
    assert result.certificate.status is Status.INFEASIBLE
    assert "2" in result.certificate.binding[0].explanation
    assert result.certificate.stats.get("arcs_dropped_for_skills", 1.0) >= 0


def test_fractional_costs_are_refused() -> None:
    arcs = pl.DataFrame({"person_id": [1], "post_id": [10], "cost": [1.5]})
    posts = pl.DataFrame({"post_id": [10], "capacity": [1]})
    with pytest.raises(ValueError, match="integer costs"):
        solve_with_side_constraints(compile_instance(arcs, posts), SideConstraints(posts=posts))
