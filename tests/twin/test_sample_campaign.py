"""The sample campaign: synthetic volunteers that validate, and posts in which every worker can be placed."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cadre import record
from cadre.engine.placement import compile_instance, solve_assignment
from cadre.engine.schema import personal_file_schema
from cadre.engine.validation import validate
from cadre.twin.posts import assign_destinations, sample_posts
from cadre.twin.sample import sample_volunteers
from support import SCHEMA


def check(n: int, seed: int) -> pl.DataFrame:
    """Draw ``n`` volunteers; they must all be valid personal files of the record's regions."""
    schema = personal_file_schema(regions=tuple(record.regions().get_column("code").to_list()))
    files = sample_volunteers(n, rng=np.random.default_rng(seed))
    result = validate(files, schema)
    assert result.ok, result.issues.head()
    return result.clean


def test_same_seed_same_files_and_no_political_data() -> None:
    a, b = check(2000, 7), check(2000, 7)
    assert a.equals(b)
    assert not a.equals(check(2000, 8))
    assert a.get_column("opposition_past").null_count() == a.height
    assert set(a.get_column("recruitment").filter(a.get_column("party_status") == "nonparty")) == {"volunteered"}
    assert list(SCHEMA.names) == a.columns


def test_destinations_follow_the_plan_and_keep_factories_together() -> None:
    people = check(3000, 1)
    counts = people.group_by("source_region").len()
    plan = counts.select(pl.col("source_region").alias("from_region"), pl.col("source_region").alias("to_region"),
                         pl.col("len").cast(pl.Int64).alias("n"))
    placed = assign_destinations(people, plan)
    assert (placed.get_column("destination") == placed.get_column("source_region")).all()
    with pytest.raises(ValueError, match="does not send exactly"):
        assign_destinations(people, plan.with_columns(pl.col("n") + 1))


def test_every_worker_can_be_placed_in_the_drawn_posts() -> None:
    people = check(3000, 2).with_columns(pl.col("source_region").alias("destination"))
    posts, arcs = sample_posts(people, rng=np.random.default_rng(3), candidates=20)
    assert set(arcs.get_column("person_id")) == set(people.get_column("person_id"))
    result = solve_assignment(compile_instance(arcs, posts, people.select("person_id")))
    assert result.certificate.proven_optimal
    assert result.assignment.height == people.height
    region_of_post = dict(posts.select("post_id", "region").iter_rows())
    region_of_person = dict(people.select("person_id", "destination").iter_rows())
    assert all(region_of_post[q] == region_of_person[p] for p, q in result.assignment.select("person_id", "post_id").iter_rows())
