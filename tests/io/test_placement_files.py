"""The explicit-cost instance format on disk (cadre.io.placement_files): round trips and errors by line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from cadre.engine.placement import compile_instance, example_placement, solve_assignment
from cadre.io.placement_files import (
    InstanceFileError,
    load_instance,
    read_instance,
    write_instance,
    write_solution,
)


def write(directory: Path, name: str, text: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")


@pytest.fixture
def csv_instance(tmp_path: Path) -> Path:
    write(tmp_path, "arcs.csv", "person_id,post_id,cost\n1,10,3\n1,11,4\n2,10,5\n")
    write(tmp_path, "posts.csv", "post_id,capacity\n10,1\n11,2\n")
    write(tmp_path, "people.csv", "person_id,region\n1,UKR\n2,UKR\n")
    return tmp_path


def test_csv_instance_reads_with_integer_ids_and_costs(csv_instance: Path) -> None:
    arcs, posts, people = read_instance(csv_instance)
    assert arcs.schema["person_id"] == pl.Int64
    assert arcs.schema["cost"] == pl.Int64
    assert posts.schema["capacity"] == pl.Int64
    assert people is not None
    instance, _ = load_instance(csv_instance)
    assert solve_assignment(instance).certificate.objective == 9


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_write_then_read_gives_the_same_answer(tmp_path: Path, suffix: str) -> None:
    ex = example_placement(people=300, posts=900, candidates=20, regions=2, rng=np.random.default_rng(2))
    write_instance(tmp_path, ex.arcs, ex.posts, ex.people, suffix=suffix)
    arcs, posts, _people = read_instance(tmp_path)
    assert arcs.equals(ex.arcs)
    assert posts.select("post_id", "capacity").equals(ex.posts.select("post_id", "capacity"))
    instance, _ = load_instance(tmp_path)
    direct = solve_assignment(compile_instance(ex.arcs, ex.posts, ex.people)).certificate.objective
    assert solve_assignment(instance).certificate.objective == direct
    other = ".csv" if suffix == ".parquet" else ".parquet"
    write_instance(tmp_path, ex.arcs, ex.posts, None, suffix=other)  # replaces, never leaves two formats
    assert not (tmp_path / f"arcs{suffix}").exists()


def test_text_ids_stay_text(tmp_path: Path) -> None:
    write(tmp_path, "arcs.csv", "person_id,post_id,cost\nP1,Q1,1.5\n")
    write(tmp_path, "posts.csv", "post_id,capacity\nQ1,1\n")
    arcs, _, _ = read_instance(tmp_path)
    assert arcs.schema["post_id"] == pl.String
    assert arcs.schema["cost"] == pl.Float64


def test_cells_that_are_not_numbers_are_named_by_file_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "arcs.csv", "person_id,post_id,cost\n1,10,3\n1,11,cheap\n")
    write(tmp_path, "posts.csv", "post_id,capacity\n10,1\n11,1.5\n")
    with pytest.raises(InstanceFileError) as caught:
        read_instance(tmp_path)
    text = str(caught.value)
    assert f"{tmp_path / 'arcs.csv'}, column cost, line 3: not a number ('cheap')" in text
    assert f"{tmp_path / 'posts.csv'}, column capacity, line 3: not a whole number" in text


def test_engine_problems_are_reported_against_the_files(tmp_path: Path) -> None:
    write(tmp_path, "arcs.csv", "person_id,post_id,cost\n1,10,3\n1,10,4\n2,99,5\n")
    write(tmp_path, "posts.csv", "post_id,capacity\n10,-1\n")
    with pytest.raises(InstanceFileError) as caught:
        load_instance(tmp_path)
    text = str(caught.value)
    assert f"{tmp_path / 'arcs.csv'}, column post_id, line 4: post id not in posts (values: 99)" in text
    assert f"{tmp_path / 'arcs.csv'}, column post_id, line 3: the same (person_id, post_id) pair" in text
    assert f"{tmp_path / 'posts.csv'}, column capacity, line 2: capacity is negative" in text


def test_parquet_problems_name_rows(tmp_path: Path) -> None:
    write_instance(tmp_path, pl.DataFrame({"person_id": [1], "post_id": [7], "cost": [1]}),
                   pl.DataFrame({"post_id": [10], "capacity": [1]}))
    with pytest.raises(InstanceFileError, match=r"arcs\.parquet, column post_id, row 1: post id not in posts"):
        load_instance(tmp_path)


def test_missing_and_ambiguous_files(tmp_path: Path) -> None:
    with pytest.raises(InstanceFileError, match="no such directory"):
        read_instance(tmp_path / "nowhere")
    write(tmp_path, "posts.csv", "post_id,capacity\n10,1\n")
    with pytest.raises(InstanceFileError, match=r"no arcs\.parquet or arcs\.csv"):
        read_instance(tmp_path)
    write(tmp_path, "arcs.csv", "person_id,post_id,cost\n1,10,3\n")
    write_instance(tmp_path / "x", pl.DataFrame({"person_id": [1], "post_id": [10], "cost": [3]}),
                   pl.DataFrame({"post_id": [10], "capacity": [1]}))
    (tmp_path / "x" / "arcs.parquet").rename(tmp_path / "arcs.parquet")
    with pytest.raises(InstanceFileError, match=r"both arcs\.parquet and arcs\.csv"):
        read_instance(tmp_path)


def test_solution_files_are_written_together(csv_instance: Path, tmp_path: Path) -> None:
    result = solve_assignment(load_instance(csv_instance)[0])
    out = tmp_path / "out"
    write_solution(out, result.assignment, result.certificate, extra={"instance": "x"})
    assert pl.read_parquet(out / "assignment.parquet").equals(result.assignment)
    doc = json.loads((out / "certificate.json").read_text())
    assert doc["status"] == "optimal"
    assert doc["objective"] == doc["bound"] == 9
    assert doc["instance"] == "x"
    assert not list(out.glob("*.part"))


def test_an_infeasible_answer_writes_its_proof_but_no_assignment(tmp_path: Path) -> None:
    write(tmp_path, "arcs.csv", "person_id,post_id,cost\n1,10,3\n2,10,4\n")
    write(tmp_path, "posts.csv", "post_id,capacity\n10,1\n")
    result = solve_assignment(load_instance(tmp_path)[0])
    out = tmp_path / "out"
    write(out, "assignment.parquet", "stale")
    write_solution(out, result.assignment, result.certificate, unplaced=result.unplaced)
    assert not (out / "assignment.parquet").exists()
    assert json.loads((out / "certificate.json").read_text())["status"] == "infeasible"
    assert pl.read_csv(out / "unplaced.csv").height == 2
