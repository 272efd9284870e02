"""The generated placement instance: shaped like the 1929 destinations, structured, feasible, seeded."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cadre.engine.placement import DESTINATIONS_1929, PlacementExample, PostType, example_placement


@pytest.fixture(scope="module")
def example() -> PlacementExample:
    return example_placement(people=2_000, posts=7_000, candidates=50, regions=5, rng=np.random.default_rng(5))


def test_sizes_and_regions(example: PlacementExample) -> None:
    assert example.people.height == 2_000
    assert example.posts.height == 7_000
    by_region = dict(example.people.group_by("region").len().rows())
    assert set(by_region) == {code for code, _ in DESTINATIONS_1929[:5]}
    assert by_region["UKR"] == max(by_region.values())  # the largest destination of 1929
    assert set(example.posts.get_column("post_type").unique()) == {t.value for t in PostType}


def test_candidates_are_distinct_posts_of_the_own_region(example: PlacementExample) -> None:
    arcs = example.arcs
    assert arcs.select("person_id", "post_id").is_unique().all()
    per_person = arcs.group_by("person_id").len().get_column("len")
    assert 45 <= per_person.mean() <= 51
    same = (arcs.join(example.people.select("person_id", "region"), on="person_id")
            .join(example.posts.select("post_id", pl.col("region").alias("post_region")), on="post_id"))
    assert (same.get_column("region") == same.get_column("post_region")).all()
    assert arcs.get_column("cost").dtype == pl.Int64
    assert arcs.get_column("cost").min() >= 1


def test_the_hidden_assignment_is_feasible(example: PlacementExample) -> None:
    witness = example.witness
    assert witness.join(example.arcs, on=["person_id", "post_id"], how="anti").height == 0
    load = witness.group_by("post_id").len().join(example.posts, on="post_id")
    assert (load.get_column("len") <= load.get_column("capacity")).all()


def test_costs_have_structure(example: PlacementExample) -> None:
    full = (example.arcs.join(example.people, on="person_id")
            .join(example.posts.select("post_id", "post_type"), on="post_id"))
    mts = full.filter(pl.col("post_type") == PostType.MTS_STAFF.value).group_by("union").agg(pl.col("cost").mean())
    means = dict(mts.rows())
    assert means["metalworkers"] < means["textile"] - 20  # metalworkers to machine-tractor stations


def test_same_seed_same_instance() -> None:
    one = example_placement(people=100, posts=300, candidates=10, regions=2, rng=np.random.default_rng(1))
    two = example_placement(people=100, posts=300, candidates=10, regions=2, rng=np.random.default_rng(1))
    assert one.arcs.equals(two.arcs)
    assert one.posts.equals(two.posts)
    assert one.people.equals(two.people)


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one person and one post per region"):
        example_placement(people=3, posts=10, regions=5, rng=np.random.default_rng(0))
