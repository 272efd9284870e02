"""The exact assignment stage: optimal against brute force and two independent solvers, with its proof.

Every solve goes through ``check``, which asserts what any answer must satisfy (each person on one of
their own arcs, no post over capacity, the cost column right, objective equal to the dual bound) and
returns the certificate.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from cadre.engine.certificate import Certificate, Status
from cadre.engine.placement import (
    AssignmentResult,
    Unplaced,
    compile_instance,
    example_placement,
    solve_assignment,
)


def frames(arcs: list[tuple[object, object, float]], caps: dict[object, int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    a = pl.DataFrame(arcs, schema=["person_id", "post_id", "cost"], orient="row")
    p = pl.DataFrame({"post_id": list(caps), "capacity": list(caps.values())})
    return a, p


def check(arcs: pl.DataFrame, posts: pl.DataFrame, people: pl.DataFrame | None = None) -> AssignmentResult:
    """Solve, and assert the invariants of any answer; returns the result."""
    result = solve_assignment(compile_instance(arcs, posts, people))
    cert = result.certificate
    if cert.status is Status.OPTIMAL:
        got = result.assignment.join(arcs, on=["person_id", "post_id"], how="left", suffix="_arc")
        assert got.get_column("cost_arc").null_count() == 0, "an assigned pair that is not an arc"
        assert (got.get_column("cost") == got.get_column("cost_arc")).all()
        assert got.get_column("person_id").is_unique().all()
        everyone = people.get_column("person_id") if people is not None else arcs.get_column("person_id").unique()
        assert set(got.get_column("person_id").to_list()) == set(everyone.to_list())
        load = got.group_by("post_id").len().join(posts, on="post_id")
        assert (load.get_column("len") <= load.get_column("capacity")).all(), "a post over capacity"
        assert cert.objective == pytest.approx(float(got.get_column("cost").sum()), abs=1e-6)
        assert cert.bound == pytest.approx(cert.objective, abs=1e-6)
        assert cert.gap == pytest.approx(0.0, abs=1e-12)
    else:
        assert cert.status is Status.INFEASIBLE
        assert result.assignment.height == 0, "an infeasible answer must not look like a placement"
        assert cert.binding
        assert result.unplaced.height > 0
    return result


def brute_force(arcs: pl.DataFrame, posts: pl.DataFrame) -> float | None:
    """Least total cost by trying every way to give people distinct places; None when none exists."""
    cost = {(p, q): c for p, q, c in arcs.iter_rows()}
    people = sorted(set(arcs.get_column("person_id").to_list()))
    slots = [q for q, cap in posts.select("post_id", "capacity").iter_rows() for _ in range(cap)]
    best = None
    for chosen in itertools.permutations(range(len(slots)), len(people)):
        pairs = [(p, slots[s]) for p, s in zip(people, chosen, strict=True)]
        if all(pair in cost for pair in pairs):
            total = sum(cost[pair] for pair in pairs)
            best = total if best is None else min(best, total)
    return best


def lsa(arcs: pl.DataFrame, posts: pl.DataFrame) -> float | None:
    """SciPy's dense assignment on posts expanded into places; forbidden pairs are infinite."""
    people = sorted(set(arcs.get_column("person_id").to_list()))
    slots = [q for q, cap in posts.select("post_id", "capacity").iter_rows() for _ in range(cap)]
    if len(slots) < len(people):
        return None
    index = {p: i for i, p in enumerate(people)}
    matrix = np.full((len(people), len(slots)), np.inf)
    for j, q in enumerate(slots):
        for p, c in arcs.filter(pl.col("post_id") == q).select("person_id", "cost").iter_rows():
            matrix[index[p], j] = c
    try:
        rows, cols = linear_sum_assignment(matrix)
    except ValueError:  # SciPy: "cost matrix is infeasible"
        return None
    return float(matrix[rows, cols].sum())


def or_tools(arcs: pl.DataFrame, posts: pl.DataFrame) -> int | None:
    """OR-Tools' min-cost flow: people -> posts -> sink, integer costs."""
    people = arcs.get_column("person_id").unique().sort()
    pi = {p: i for i, p in enumerate(people.to_list())}
    qi = {q: len(pi) + j for j, q in enumerate(posts.get_column("post_id").to_list())}
    sink = len(pi) + len(qi)
    flow = min_cost_flow.SimpleMinCostFlow()
    for p, q, c in arcs.iter_rows():
        flow.add_arc_with_capacity_and_unit_cost(pi[p], qi[q], 1, int(c))
    for q, cap in posts.select("post_id", "capacity").iter_rows():
        flow.add_arc_with_capacity_and_unit_cost(qi[q], sink, int(cap), 0)
    for i in range(len(pi)):
        flow.set_node_supply(i, 1)
    flow.set_node_supply(sink, -len(pi))
    return flow.optimal_cost() if flow.solve() == flow.OPTIMAL else None


def random_instance(rng: np.random.Generator, n: int, m: int, degree: int, *, cap: int = 2,
                    integral: bool = True) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = []
    for p in range(n):
        for q in rng.choice(m, size=min(degree, m), replace=False):
            c = int(rng.integers(0, 50)) if integral else float(rng.random() * 50)
            rows.append((f"p{p}", f"q{q}", c))
    return frames(rows, {f"q{q}": int(rng.integers(0, cap + 1)) for q in range(m)})


def test_a_tiny_instance_by_hand() -> None:
    # a and b both prefer X (capacity 1); b loses less by moving to Y, so a keeps X.
    arcs, posts = frames([("a", "X", 1), ("a", "Y", 9), ("b", "X", 2), ("b", "Y", 3)], {"X": 1, "Y": 1})
    result = check(arcs, posts)
    assert sorted(result.assignment.select("person_id", "post_id").rows()) == [("a", "X"), ("b", "Y")]
    assert result.certificate.objective == 4


def test_capacity_is_native_and_spare_places_keep_a_zero_price() -> None:
    arcs, posts = frames([("a", "X", 1), ("b", "X", 1), ("c", "X", 1), ("c", "Y", 5)], {"X": 2, "Y": 3})
    result = check(arcs, posts)
    assert result.certificate.objective == 7
    prices = dict(result.explain().select("post_id", "price").rows())
    assert prices["Y"] == 0  # a post with a free place is worth nothing at the margin
    assert prices["X"] == 4  # X's places are worth what moving the third person to Y costs


@pytest.mark.parametrize("seed", range(25))
def test_exact_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    arcs, posts = random_instance(rng, int(rng.integers(1, 5)), int(rng.integers(1, 5)), 3)
    expected = brute_force(arcs, posts)
    result = check(arcs, posts)
    if expected is None:
        assert result.certificate.status is Status.INFEASIBLE
    else:
        assert result.certificate.objective == expected


@pytest.mark.parametrize("seed", range(6))
def test_same_objective_as_scipy_and_or_tools(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    arcs, posts = random_instance(rng, 60, 90, 8, cap=2)
    result = check(arcs, posts)
    assert (result.certificate.objective if result.certificate.proven_optimal else None) == lsa(arcs, posts)
    assert (result.certificate.objective if result.certificate.proven_optimal else None) == or_tools(arcs, posts)


@pytest.mark.parametrize("seed", range(4))
def test_fractional_costs_match_scipy(seed: int) -> None:
    arcs, posts = random_instance(np.random.default_rng(200 + seed), 40, 50, 10, cap=2, integral=False)
    result = check(arcs, posts)
    expected = lsa(arcs, posts)
    assert expected is not None
    assert result.certificate.objective == pytest.approx(expected, rel=1e-12)
    assert result.certificate.tolerance > 0


def test_a_generated_instance_matches_or_tools_region_by_region() -> None:
    ex = example_placement(people=600, posts=2_000, candidates=40, regions=3, rng=np.random.default_rng(7))
    result = check(ex.arcs, ex.posts, ex.people)
    assert result.certificate.stats["components"] == 3
    assert result.certificate.objective == or_tools(ex.arcs, ex.posts)


@st.composite
def instances(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    n, m = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    caps = {f"q{q}": draw(st.integers(0, 3)) for q in range(m)}
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), min_size=1, max_size=25,
                          unique=True))
    costs = draw(st.lists(st.integers(-5, 30), min_size=len(pairs), max_size=len(pairs)))
    return frames([(f"p{p}", f"q{q}", c) for (p, q), c in zip(pairs, costs, strict=True)], caps)


@given(instances())
def test_properties_hold_on_any_instance(instance: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    arcs, posts = instance
    result = check(arcs, posts)  # capacities, allowed arcs, everyone placed, bound = objective
    expected = lsa(arcs, posts)
    if expected is None:  # infeasible: reported, never relaxed
        assert result.certificate.status is Status.INFEASIBLE
        assert result.certificate.objective is None
    else:
        assert result.certificate.objective == expected


@given(instances(), st.integers(0, 2**32 - 1))
def test_same_input_same_output_and_row_order_does_not_matter(
    instance: tuple[pl.DataFrame, pl.DataFrame], seed: int
) -> None:
    arcs, posts = instance
    first, second = check(arcs, posts), check(arcs, posts)
    assert first.assignment.equals(second.assignment)
    assert first.certificate.status == second.certificate.status
    shuffled = arcs.sample(fraction=1.0, shuffle=True, seed=seed)
    assert check(shuffled, posts).certificate.objective == first.certificate.objective


def test_a_person_without_arcs_is_named() -> None:
    arcs, posts = frames([("a", "X", 1)], {"X": 1})
    people = pl.DataFrame({"person_id": ["a", "lonely"], "region": ["UKR", "LVO"]})
    result = check(arcs, posts, people)
    (binding,) = result.certificate.binding
    assert "lonely" in binding.explanation
    assert "LVO" in binding.explanation
    assert result.unplaced.rows() == [("lonely", 1, Unplaced.NO_ARCS.value)]


def test_a_component_with_too_few_places() -> None:
    arcs, posts = frames([("a", "X", 1), ("b", "X", 1), ("c", "Y", 1)], {"X": 1, "Y": 1})
    result = check(arcs, posts)
    assert "2 people but only 1 place in" in result.certificate.binding[0].explanation
    assert result.unplaced.get_column("reason").unique().to_list() == [Unplaced.COMPONENT_SHORT.value]


def test_hall_violation_inside_a_component_has_a_witness() -> None:
    # Four people, four places in the component, but a and b can only take X (one place).
    arcs, posts = frames(
        [("a", "X", 1), ("b", "X", 1), ("c", "X", 1), ("c", "Y", 2), ("c", "Z", 2), ("c", "W", 2), ("d", "Y", 1),
         ("d", "Z", 1), ("d", "W", 1)],
        {"X": 1, "Y": 1, "Z": 1, "W": 1},
    )
    result = check(arcs, posts)
    (binding,) = result.certificate.binding
    assert (binding.required, binding.reached) == (2, 1)
    assert "(a, b)" in binding.explanation
    assert "(X)" in binding.explanation
    assert result.unplaced.rows() == [("b", 0, Unplaced.HALL.value)]


def test_closed_posts_and_negative_costs() -> None:
    arcs, posts = frames([("a", "X", -5), ("a", "Y", 2), ("b", "X", -1), ("b", "Z", 0)], {"X": 0, "Y": 1, "Z": 1})
    result = check(arcs, posts)
    assert result.certificate.objective == 2


def test_resolve_one_component_after_a_quota_change() -> None:
    ex = example_placement(people=900, posts=3_000, candidates=30, regions=3, rng=np.random.default_rng(11))
    instance = compile_instance(ex.arcs, ex.posts, ex.people)
    full = solve_assignment(instance)
    region = ex.people.get_column("region")[0]
    (comp,) = instance.components_where("region", region)
    alone = solve_assignment(instance, components=[comp])
    assert alone.certificate.proven_optimal
    assert alone.assignment.equals(full.assignment.join(alone.assignment.select("person_id"), on="person_id"))
    # Close the posts this region's people hold: the re-solve moves them and stays optimal.
    held = alone.assignment.get_column("post_id").unique()
    closed = instance.with_capacities(pl.DataFrame({"post_id": held, "capacity": 0}))
    assert closed.components_of_posts(held) == (comp,)
    again = solve_assignment(closed, components=[comp])
    assert again.certificate.proven_optimal
    assert not set(again.assignment.get_column("post_id").to_list()) & set(held.to_list())
    assert again.certificate.objective > alone.certificate.objective


def test_component_numbers_are_checked() -> None:
    arcs, posts = frames([("a", "X", 1)], {"X": 1})
    with pytest.raises(ValueError, match=r"numbered 0\.\.0"):
        solve_assignment(compile_instance(arcs, posts), components=[3])


def test_certificate_serializes() -> None:
    arcs, posts = frames([("a", "X", 1)], {"X": 1})
    cert: Certificate = check(arcs, posts).certificate
    doc = cert.as_dict()
    assert doc["status"] == "optimal"
    assert doc["objective"] == 1.0
    assert math.isclose(doc["gap"], 0.0)


@pytest.mark.slow
def test_the_national_instance_matches_or_tools() -> None:
    ex = example_placement(rng=np.random.default_rng(1929))
    result = check(ex.arcs, ex.posts, ex.people)
    assert result.certificate.stats["components"] == 17
    p = ex.arcs.get_column("person_id").to_numpy()
    n, m = ex.people.height, ex.posts.height
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([p, n + ex.posts.get_column("post_id").to_numpy()]),
        np.concatenate([n + ex.arcs.get_column("post_id").to_numpy(), np.full(m, n + m)]),
        np.concatenate([np.ones(len(p), np.int64), ex.posts.get_column("capacity").to_numpy()]),
        np.concatenate([ex.arcs.get_column("cost").to_numpy(), np.zeros(m, np.int64)]))
    flow.set_nodes_supplies(np.arange(n + m + 1), np.concatenate([np.ones(n, np.int64), np.zeros(m, np.int64), [-n]]))
    assert flow.solve() == flow.OPTIMAL
    assert result.certificate.objective == flow.optimal_cost()
