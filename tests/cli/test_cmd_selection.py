"""`cadre engine select`: files in, selected cohort and certificate out, reasons printed, bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from cadre.io import read_table, write_table
from cadre.twin.planning import quotas_1929
from support import files, person, run_cadre


def check(args: list[str], *, code: int = 0, says: tuple[str, ...] = ()) -> str:
    """Run ``cadre engine select ARGS``; the exit code must be ``code`` and the output must contain every fragment."""
    return run_cadre(["engine", "select", *args], code=code, says=says)


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    people = files(
        person(person_id="A1", quality=0.9),
        person(person_id="A2", quality=0.8),
        person(person_id="A3", quality=0.4, sex="female"),
        person(person_id="A4", quality=0.7, union="textile", factory_id="LEN-TEX-001"),
        person(person_id="A5", quality=0.9, skill_grade=2),  # not eligible: never selected
    )
    write_table(people, tmp_path / "files.csv")
    write_table(people.filter(pl.col("sex") != "female"), tmp_path / "men.csv")
    write_table(pl.DataFrame({"source_region": ["LEN", "LEN"], "union": ["metalworkers", "textile"], "quota": [2, 2]}),
                tmp_path / "quotas.csv")
    return tmp_path / "files.csv", tmp_path / "quotas.csv"


def test_select_writes_the_cohort_and_the_certificate(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    people, quotas = inputs
    out = tmp_path / "out"
    check(["--files", str(people), "--quotas", str(quotas), "--out", str(out)],
          says=("4 eligible", "places to fill: 3", "3 selected", "optimal", "LEN × textile: 1 candidates for a quota of 2"))
    # A3 (0.4) replaces A2 (0.8): a woman short of the 15% would cost the target's penalty of 1.0.
    selected = read_table(out / "selected.csv")
    assert selected.get_column("person_id").to_list() == ["A1", "A3", "A4"]
    certificate = json.loads((out / "certificate.json").read_text())
    assert certificate["status"] == "optimal"
    assert certificate["objective"] == pytest.approx(0.9 + 0.4 + 0.7)
    assert [b["constraint"] for b in certificate["binding"]] == ["quota LEN × textile"]
    assert read_table(out / "fill.csv").height == 2
    assert read_table(out / "targets.csv").height == 3


def test_a_missed_soft_target_is_printed_with_its_reason(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    men = inputs[0].with_name("men.csv")
    check(["--files", str(men), "--quotas", str(inputs[1]), "--out", str(tmp_path / "o")],
          says=("women: 0.0% reached of at least 15% (1 people short): only 0 of the 3 candidates in the cells with a "
                "quota meet it (sex equals female)",))


def test_a_hard_target_out_of_reach_exits_2_with_the_reason(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    people, quotas = inputs
    out = tmp_path / "out"
    men = people.with_name("men.csv")
    check(["--files", str(men), "--quotas", str(quotas), "--out", str(out), "--hard", "women", "--format", "parquet"],
          code=2, says=("infeasible", "women (hard, at least 15%) cannot be met with the 3 places filled",
                        "at most 0 of the 3 places can be filled"))
    assert not (out / "selected.parquet").exists()
    assert json.loads((out / "certificate.json").read_text())["status"] == "infeasible"
    assert read_table(out / "fill.parquet").height == 2


def test_hard_first_fills_the_places_the_hard_target_allows(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    people, quotas = inputs
    check(["--files", str(people.with_name("men.csv")), "--quotas", str(quotas), "--out", str(tmp_path / "o"),
           "--hard", "women", "--fill", "hard_first"], says=("0 selected", "hold the cohort to 0 of the 3 places"))


def test_bad_quota_files_are_refused_naming_file_and_row(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    people, _ = inputs
    bad = tmp_path / "bad.csv"
    bad.write_text("source_region,union,quota\nLEN,metalworkers,2\nLEN,textile,-1\nXXX,textile,1\n")
    check(["--files", str(people), "--quotas", str(bad), "--out", str(tmp_path / "o")], code=1,
          says=(str(bad), "row 2: 'quota' must not be negative", "row 3: 'XXX' is not a region"))
    bad.write_text("source_region,union,quota\nLEN,metalworkers,two\n")
    check(["--files", str(people), "--quotas", str(bad), "--out", str(tmp_path / "o")], code=1,
          says=("'quota' must be a whole number: row 1 ('two')",))
    assert not (tmp_path / "o").exists()


def test_unknown_target_codes_are_refused(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    people, quotas = inputs
    check(["--files", str(people), "--quotas", str(quotas), "--out", str(tmp_path / "o"), "--hard", "kulaks"],
          code=1, says=("kulaks is not a target of ussr-1929",))


def test_the_default_quotas_are_the_1929_control_figures(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    people, _ = inputs
    check(["--files", str(people), "--out", str(tmp_path / "o")],
          says=("places to fill: 4", "4 selected", "UKR × metalworkers: 0 candidates for a quota of"))
    table = quotas_1929(read_table(people))
    assert table.get_column("quota").sum() == 26_380
    assert table.filter(pl.col("source_region") == "LEN").get_column("quota").sum() == 4_390
    assert table.filter(pl.col("union") == "metalworkers").get_column("quota").sum() == 9_300
    assert table.filter(pl.col("union").is_in(["chemical", "other"])).get_column("quota").sum() == 6_990
