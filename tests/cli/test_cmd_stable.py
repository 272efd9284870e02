"""The stable-placement commands as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from cadre.engine.stable import StableInstance, check_stability
from cadre.io import read_table, write_table
from support import run_cadre


def check(args: list[str], *, code: int = 0, says: tuple[str, ...] = ()) -> str:
    """Run ``cadre engine ARGS``; the exit code must be ``code`` and the output must contain every fragment."""
    return run_cadre(["engine", *args], code=code, says=says)


def test_example_then_solve(tmp_path: Path) -> None:
    instance, out = tmp_path / "instance", tmp_path / "out"
    check(["stable-example", "--volunteers", "300", "--posts", "40", "--list-length", "3-8", "--seed", "5",
           "--out", str(instance)], says=("wrote", "40 posts"))
    assert sorted(p.name for p in instance.iterdir()) == ["capacities.parquet", "post_prefs.parquet",
                                                         "volunteer_prefs.parquet"]
    check(["stable", "--instance", str(instance), "--out", str(out)],
          says=("of 300 volunteers", "first choice:", "blocking pairs: 0", "status optimal", "report.json"))
    matching = read_table(out / "matching.parquet")
    assert matching.columns == ["person_id", "post_id", "volunteer_rank", "post_rank"]
    assert matching.height == 300
    tables = {n: read_table(instance / f"{n}.parquet") for n in ("volunteer_prefs", "post_prefs", "capacities")}
    assert check_stability(StableInstance(**tables), matching).stable
    report = json.loads((out / "report.json").read_text())
    assert report["certificate"]["status"] == "optimal"
    assert report["summary"]["blocking_pairs"] == 0
    assert report["summary"]["matched"] == matching.get_column("post_id").count()


def test_csv_instances_are_read_as_text_and_bad_rows_named(tmp_path: Path) -> None:
    instance, out = tmp_path / "instance", tmp_path / "out"
    write_table(pl.DataFrame({"person_id": ["v1", "v1"], "post_id": ["A", "Z"], "rank": ["1", "2"]}),
                instance / "volunteer_prefs.csv")
    write_table(pl.DataFrame({"post_id": ["A"], "person_id": ["v1"], "rank": ["1"]}), instance / "post_prefs.csv")
    write_table(pl.DataFrame({"post_id": ["A"], "capacity": ["0"]}), instance / "capacities.csv")
    check(["stable", "--instance", str(instance), "--out", str(out)], code=1,
          says=(f"{instance / 'volunteer_prefs.csv'} row 2 column post_id", "post_id Z is not in capacities",
                "capacity must be at least 1, not 0", "nothing was written"))
    assert not out.exists()
    write_table(pl.DataFrame({"post_id": ["A"], "capacity": ["1"]}), instance / "capacities.csv")
    write_table(pl.DataFrame({"person_id": ["v1"], "post_id": ["A"], "rank": ["1"]}), instance / "volunteer_prefs.csv")
    check(["stable", "--instance", str(instance), "--out", str(out)], says=("placed 1 of 1 volunteers",))


def test_user_errors_end_with_a_message(tmp_path: Path) -> None:
    check(["stable", "--instance", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")], code=1,
          says=("not a directory",))
    check(["stable", "--instance", str(tmp_path), "--out", str(tmp_path / "o")], code=1,
          says=("no volunteer_prefs table",))
    check(["stable-example", "--list-length", "many", "--out", str(tmp_path / "x")], code=1,
          says=("--list-length 'many'",))
    check(["stable-example", "--list-length", "9-3", "--out", str(tmp_path / "x")], code=1,
          says=("list_length must be",))
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "o").exists()
