"""Stable placement: the same matching as the reference library, stable, volunteer-optimal, deterministic.

The reference is the pure-Python ``matching`` library's HospitalResident game, solved resident-optimal,
on small instances only (it is slow at scale). Volunteer-optimality is checked by brute force: every
stable matching of a tiny instance is enumerated, and each volunteer must get their best post among them.
"""

from __future__ import annotations

import itertools
import sys
import warnings

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from cadre.engine.certificate import Status
from cadre.engine.stable import StableInstance, check_stability, example_stable, place_stable

Pairs = set[tuple[str, str]]
Lists = tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]  # volunteers', posts', capacities


def instance(volunteer: list[tuple[str, str, int]], post: list[tuple[str, str, int]],
             capacity: list[tuple[str, int]]) -> StableInstance:
    return StableInstance(
        volunteer_prefs=pl.DataFrame(volunteer, schema={"person_id": pl.String, "post_id": pl.String, "rank": pl.Int64},
                                     orient="row"),
        post_prefs=pl.DataFrame(post, schema={"post_id": pl.String, "person_id": pl.String, "rank": pl.Int64},
                                orient="row"),
        capacities=pl.DataFrame(capacity, schema={"post_id": pl.String, "capacity": pl.Int64}, orient="row"),
    )


def pairs(matching: pl.DataFrame) -> Pairs:
    return set(matching.filter(pl.col("post_id").is_not_null()).select("person_id", "post_id").iter_rows())


def lists(inst: StableInstance) -> Lists:
    """The instance as plain dicts, each list best first and restricted to mutually acceptable pairs."""
    post_rank = {(v, p): r for p, v, r in inst.post_prefs.iter_rows()}
    volunteers: dict[str, list[str]] = {}
    for v, p, _ in sorted(inst.volunteer_prefs.iter_rows(), key=lambda row: (row[0], row[2])):
        if (v, p) in post_rank:
            volunteers.setdefault(v, []).append(p)
    posts: dict[str, list[str]] = {}
    for (v, p), _ in sorted(post_rank.items(), key=lambda item: (item[0][1], item[1])):
        if p in volunteers.get(v, ()):
            posts.setdefault(p, []).append(v)
    capacity = {str(p): int(c) for p, c in inst.capacities.iter_rows()}
    return volunteers, posts, capacity


def oracle(inst: StableInstance) -> Pairs:
    """The resident-optimal matching of the ``matching`` library (mutual lists only, so it warns of nothing)."""
    volunteers, posts, capacity = lists(inst)
    if not volunteers:
        return set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any input the library would silently clean is a bug of this test
        game = HospitalResident.create_from_dictionaries(volunteers, posts, {p: capacity[p] for p in posts})
        solved = game.solve(optimal="resident")
    return {(r.name, h.name) for h, residents in solved.items() for r in residents}


def naive_stable(given: Lists, matched: Pairs) -> bool:
    """Stability straight from the definition, one pair at a time: the slow, obviously right version."""
    volunteers, posts, capacity = given
    holds = {p: [v for v, q in matched if q == p] for p in capacity}
    post_of = dict(matched)
    if any(len(holds[p]) > capacity[p] for p in capacity) or len(post_of) != len(matched):
        return False
    if any(p not in volunteers.get(v, []) for v, p in matched):
        return False
    for v, wanted in volunteers.items():
        for p in wanted:
            if v in post_of and wanted.index(p) >= wanted.index(post_of[v]):
                break  # v prefers their post to this one and all the rest of the list
            rank = posts[p].index
            if len(holds[p]) < capacity[p] or any(rank(v) < rank(w) for w in holds[p]):
                return False
    return True


@st.composite
def instances(draw: st.DrawFn, max_people: int = 7, max_posts: int = 5) -> StableInstance:
    """Random small instances: partial lists on both sides, posts may rank volunteers who did not rank them."""
    people = [f"v{i}" for i in range(draw(st.integers(0, max_people)))]
    post_ids = [f"p{j}" for j in range(draw(st.integers(1, max_posts)))]
    volunteer = []
    for v in people:
        order = draw(st.permutations(post_ids))
        volunteer += [(v, p, r) for r, p in enumerate(order[: draw(st.integers(0, len(order)))], start=1)]
    listed = sorted({v for v, _, _ in volunteer})
    post = []
    for p in post_ids:
        order = draw(st.permutations(listed))
        post += [(p, v, r) for r, v in enumerate(order[: draw(st.integers(0, len(order)))], start=1)]
    capacity = [(p, draw(st.integers(1, 3))) for p in post_ids]
    return instance(volunteer, post, capacity)


def check(inst: StableInstance) -> Pairs:
    """Solve; the result must be stable by our check and by the naive one, and match the reference."""
    result = place_stable(inst)
    matched = pairs(result.matching)
    assert result.certificate.status is Status.OPTIMAL, result.certificate.message
    assert result.stability.stable
    assert check_stability(inst, result.matching).stable
    assert naive_stable(lists(inst), matched)
    assert matched == oracle(inst)
    return matched


def test_a_textbook_instance() -> None:
    # Both volunteers want A first; A (one seat) prefers v2, so v1 falls to B, which would rather have v3,
    # but v3 prefers A... and A keeps v2: v3 goes to B and v1, refused everywhere, stays unmatched.
    inst = instance(
        [("v1", "A", 1), ("v1", "B", 2), ("v2", "A", 1), ("v3", "A", 1), ("v3", "B", 2)],
        [("A", "v2", 1), ("A", "v3", 2), ("A", "v1", 3), ("B", "v3", 1), ("B", "v1", 2)],
        [("A", 1), ("B", 1)],
    )
    assert check(inst) == {("v2", "A"), ("v3", "B")}
    result = place_stable(inst)
    assert result.matching.to_dicts() == [
        {"person_id": "v1", "post_id": None, "volunteer_rank": None, "post_rank": None},
        {"person_id": "v2", "post_id": "A", "volunteer_rank": 1, "post_rank": 1},
        {"person_id": "v3", "post_id": "B", "volunteer_rank": 2, "post_rank": 1},
    ]
    stats = result.certificate.stats
    assert (stats["matched"], stats["unmatched"], stats["first_choice"], stats["blocking_pairs"]) == (2, 1, 1, 0)
    assert result.certificate.objective == 2
    assert result.certificate.bound is None


def test_capacity_holds_the_best_and_refuses_the_rest() -> None:
    inst = instance(
        [(f"v{i}", "A", 1) for i in range(5)],
        [("A", f"v{i}", 5 - i) for i in range(5)],  # A likes v4 best, v0 least
        [("A", 2)],
    )
    assert check(inst) == {("v4", "A"), ("v3", "A")}


@pytest.mark.parametrize("seed", range(6))
def test_same_matching_as_the_reference_library(seed: int) -> None:
    rng = np.random.default_rng(seed)
    inst = example_stable(volunteers=int(rng.integers(20, 150)), posts=int(rng.integers(3, 30)),
                          list_length=(1, 8), unacceptable_share=0.2, rng=rng)
    check(inst)


def test_same_matching_as_the_reference_on_a_larger_instance() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # the library deep-copies its players recursively
    try:
        check(example_stable(volunteers=400, posts=40, list_length=(5, 15), rng=np.random.default_rng(7)))
    finally:
        sys.setrecursionlimit(limit)


@given(instances())
def test_random_instances_are_stable_and_match_the_reference(inst: StableInstance) -> None:
    matched = check(inst)
    volunteers, posts, capacity = lists(inst)
    for v, p in matched:  # every pair mutually acceptable
        assert p in volunteers[v]
        assert v in posts[p]
    load = pl.DataFrame(sorted(matched), schema=["person_id", "post_id"], orient="row").group_by("post_id").len()
    assert all(n <= capacity[p] for p, n in load.iter_rows())


def stable_matchings(inst: StableInstance) -> list[dict[str, str]]:
    """Every stable matching of a tiny instance, by enumerating every assignment within capacity."""
    given = lists(inst)
    volunteers = given[0]
    people = sorted(volunteers)
    found = []
    for choice in itertools.product(*([None, *volunteers[v]] for v in people)):
        matched = {(v, p) for v, p in zip(people, choice, strict=True) if p is not None}
        if naive_stable(given, matched):
            found.append(dict(matched))
    return found


@given(instances(max_people=5, max_posts=4))
def test_every_volunteer_gets_their_best_stable_post(inst: StableInstance) -> None:
    ours = dict(pairs(place_stable(inst).matching))
    volunteers, _, _ = lists(inst)
    every = stable_matchings(inst)
    assert ours in every
    for v, wanted in volunteers.items():
        best = min((wanted.index(m[v]) for m in every if v in m), default=None)
        assert (wanted.index(ours[v]) if v in ours else None) == best, v


@settings(max_examples=25)  # three solves an example; the property is simple and the other tests solve plenty
@given(instances(), st.integers(0, 2**32 - 3))
def test_same_input_same_output_whatever_the_row_order(inst: StableInstance, seed: int) -> None:
    first = place_stable(inst).matching
    assert place_stable(inst).matching.equals(first)
    shuffled = StableInstance(
        volunteer_prefs=inst.volunteer_prefs.sample(fraction=1.0, shuffle=True, seed=seed),
        post_prefs=inst.post_prefs.sample(fraction=1.0, shuffle=True, seed=seed + 1),
        capacities=inst.capacities.sample(fraction=1.0, shuffle=True, seed=seed + 2),
    )
    assert place_stable(shuffled).matching.equals(first)


@given(instances(), st.data())
def test_the_check_agrees_with_the_definition_on_any_matching(inst: StableInstance, data: st.DataObject) -> None:
    given = lists(inst)
    capacity = given[2]
    rank = {(v, p): r for v, p, r in inst.volunteer_prefs.iter_rows()}
    people = inst.volunteer_prefs.get_column("person_id").unique().sort().to_list()
    post_ids = sorted(capacity)
    # Any assignment, acceptable or not, within capacity or not, one post or none per volunteer.
    choice = [data.draw(st.sampled_from([None, *post_ids])) for _ in people]
    matching = pl.DataFrame({"person_id": people, "post_id": choice}, schema={"person_id": pl.String, "post_id": pl.String})
    report = check_stability(inst, matching)
    assert report.stable == naive_stable(given, pairs(matching))
    for v, p, vrank, prank in report.blocking_pairs.iter_rows():
        assert rank[v, p] == vrank
        assert prank >= 1


def test_the_check_names_what_is_wrong() -> None:
    inst = instance(
        [("v1", "A", 1), ("v1", "B", 2), ("v2", "A", 1), ("v3", "B", 1)],
        [("A", "v1", 1), ("A", "v2", 2), ("B", "v1", 1)],
        [("A", 1), ("B", 1)],
    )
    matching = pl.DataFrame({
        "person_id": ["v1", "v2", "v2", "v3", "ghost", "v1"],
        "post_id": ["B", "A", "A", "B", "A", "Z"],
    })
    report = check_stability(inst, matching)
    assert not report.stable
    assert report.invalid.select("row", "code").rows() == [
        (3, "assigned_twice"), (4, "not_ranked_by_post"), (5, "unknown_person"), (6, "unknown_post")]
    assert report.blocking_pairs.rows() == [("v1", "A", 1, 1)]  # A holds v2 (twice) but prefers v1
    assert report.over_capacity.rows() == [("A", 1, 2), ("B", 1, 2)]
    assert report.counts() == {"blocking_pairs": 1, "invalid_assignments": 4, "over_capacity_posts": 2}


def test_integer_ids_and_text_ranks_work_as_well_as_text_ids() -> None:
    text = instance([("1", "10", 1), ("2", "10", 1)], [("10", "2", 1), ("10", "1", 2)], [("10", 1)])
    numeric = StableInstance(
        volunteer_prefs=pl.DataFrame({"person_id": [1, 2], "post_id": [10, 10], "rank": ["1", "1"]}),
        post_prefs=pl.DataFrame({"post_id": [10, 10], "person_id": [2, 1], "rank": [1.0, 2.0]}),
        capacities=pl.DataFrame({"post_id": ["10"], "capacity": [1]}),  # text beside integers: compared as text
    )
    assert pairs(place_stable(text).matching) == {("2", "10")}
    result = place_stable(numeric)
    assert result.matching.get_column("post_id").to_list() == [None, "10"]


def test_an_empty_instance_places_nobody() -> None:
    result = place_stable(instance([], [], [("A", 3)]))
    assert result.matching.is_empty()
    assert result.certificate.status is Status.OPTIMAL
    assert result.certificate.objective == 0


def test_the_generator_is_reproducible_and_well_formed() -> None:
    a = example_stable(volunteers=300, posts=40, rng=np.random.default_rng(3))
    b = example_stable(volunteers=300, posts=40, rng=np.random.default_rng(3))
    assert a.volunteer_prefs.equals(b.volunteer_prefs)
    assert a.post_prefs.equals(b.post_prefs)
    lengths = a.volunteer_prefs.group_by("person_id").agg(pl.len(), pl.col("rank").max())
    assert lengths.filter(pl.col("len") != pl.col("rank")).is_empty()
    assert lengths.get_column("len").is_between(20, 40).all()  # 20-50 asked, capped at the 40 posts
    ranked = a.post_prefs.join(a.volunteer_prefs, on=["post_id", "person_id"], how="anti")
    assert ranked.is_empty()  # posts rank only volunteers who ranked them
    assert place_stable(a).stability.stable
    with pytest.raises(ValueError, match="list_length"):
        example_stable(volunteers=3, posts=3, list_length=(5, 2), rng=np.random.default_rng(0))


def test_the_generator_at_large_scale_samples_with_replacement_and_keeps_ranks_gapless() -> None:
    inst = example_stable(volunteers=2_000, posts=5_000, list_length=(20, 50), rng=np.random.default_rng(11))
    lengths = inst.volunteer_prefs.group_by("person_id").agg(pl.len(), pl.col("rank").max(), pl.col("post_id").n_unique())
    assert lengths.filter((pl.col("len") != pl.col("rank")) | (pl.col("len") != pl.col("post_id"))).is_empty()
    result = place_stable(inst)
    assert result.stability.stable
    assert result.certificate.stats["seats"] >= 2_000
