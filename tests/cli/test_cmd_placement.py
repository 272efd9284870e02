"""`cadre engine example` and `cadre engine place`."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from support import run_cadre


def check(args: list[str], *, code: int = 0, says: tuple[str, ...] = ()) -> str:
    """Run ``cadre engine ARGS``; the exit code must be ``code`` and the output must contain every fragment."""
    return run_cadre(["engine", *args], code=code, says=says)


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("instance")
    check(["example", "--kind", "placement", "--people", "600", "--posts", "2000", "--candidates", "30",
           "--regions", "3", "--seed", "7", "--out", str(out)], says=("wrote", "600 people in 3 regions"))
    return out


def test_example_then_place_round_trip(instance: Path, tmp_path: Path) -> None:
    check(["place", "--instance", str(instance), "--out", str(tmp_path)],
          says=("optimal", "bound (dual)", "wrote", "(600 people)"))
    assignment = pl.read_parquet(tmp_path / "assignment.parquet")
    doc = json.loads((tmp_path / "certificate.json").read_text())
    assert assignment.height == 600
    assert doc["status"] == "optimal"
    assert doc["objective"] == doc["bound"] == assignment.get_column("cost").sum()


def test_one_region_alone(instance: Path, tmp_path: Path) -> None:
    check(["place", "--instance", str(instance), "--out", str(tmp_path), "--region", "UKR", "--show", "0"],
          says=("optimal", "components solved │ 1"))
    assert 0 < pl.read_parquet(tmp_path / "assignment.parquet").height < 600
    check(["place", "--instance", str(instance), "--out", str(tmp_path / "x"), "--region", "XYZ"], code=1,
          says=("no person in region 'XYZ'", "UKR"))
    check(["place", "--instance", str(instance), "--out", str(tmp_path / "x"), "--component", "9"], code=1,
          says=("--component 9 is not a component",))
    assert not (tmp_path / "x").exists()


def test_group_stage_first(instance: Path, tmp_path: Path) -> None:
    check(["place", "--instance", str(instance), "--out", str(tmp_path), "--groups", "--show", "0"],
          says=("optimal",))
    plan = pl.read_parquet(tmp_path / "groups.parquet")
    assert plan.get_column("size").sum() == 600
    assert json.loads((tmp_path / "certificate.json").read_text())["group_stage"]["status"] == "optimal"


def test_bad_input_names_file_line_and_column_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad"
    source.mkdir()
    (source / "arcs.csv").write_text("person_id,post_id,cost\n1,10,3\n2,99,x\n")
    (source / "posts.csv").write_text("post_id,capacity\n10,1\n")
    out = tmp_path / "out"
    check(["place", "--instance", str(source), "--out", str(out)], code=1,
          says=("arcs.csv, column cost, line 3: not a number ('x')",))
    (source / "arcs.csv").write_text("person_id,post_id,cost\n1,10,3\n2,99,4\n")
    check(["place", "--instance", str(source), "--out", str(out)], code=1,
          says=("arcs.csv, column post_id, line 3: post id not in posts (values: 99)", "nothing was written"))
    assert not out.exists()


def test_infeasible_writes_the_proof_and_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "tight"
    source.mkdir()
    (source / "arcs.csv").write_text("person_id,post_id,cost\na,X,1\nb,X,2\nc,Y,1\n")
    (source / "posts.csv").write_text("post_id,capacity\nX,1\nY,1\n")
    out = tmp_path / "out"
    check(["place", "--instance", str(source), "--out", str(out)], code=2,
          says=("infeasible", "2 people but only 1 place", "no assignment"))
    assert not (out / "assignment.parquet").exists()
    assert json.loads((out / "certificate.json").read_text())["binding"][0]["shortfall"] == 1


def test_unknown_kind() -> None:
    check(["example", "--kind", "selection", "--out", "x"], code=1, says=("the kinds are: placement",))
