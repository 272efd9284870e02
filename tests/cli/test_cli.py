"""The `cadre` command as a user meets it: exit codes, messages that say what and where, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from cadre.io import read_table, write_table
from support import files, person, run_cadre


def check(args: list[str], *, code: int = 0, says: tuple[str, ...] = ()) -> str:
    """Run ``cadre ARGS``; the exit code must be ``code`` and the output must contain every fragment."""
    return run_cadre(args, code=code, says=says)


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    path = tmp_path / "files.csv"
    write_table(files(person(), person(skill_grade=2), person(village_ties="farm", source_region="MOS")), path)
    return path


def test_help_everywhere() -> None:
    for args in ([], ["record"], ["engine"], ["engine", "rulebook"], ["engine", "distribute"], ["engine", "stable"],
                 ["engine", "select"], ["engine", "place"], ["engine", "example"],
                 ["demo"]):
        check([*args, "--help"], says=("Usage",))


def test_record_check_passes_and_names_the_known_defects() -> None:
    check(["record", "check"], says=("record ok", "no errors", "IVA plans 1,600", "known_defect"))


def test_record_show_both_readings_of_the_plan(tmp_path: Path) -> None:
    check(["record", "show", "control_plan", "--out", str(tmp_path / "plan.csv")], says=("LEN",))
    printed = check(["record", "show", "control_plan", "--reading", "printed"], says=("printed one row low",))
    assert "printed" in printed
    assert read_table(tmp_path / "plan.csv").height == 35


def test_record_show_refuses_an_unknown_table() -> None:
    check(["record", "show", "kulaks"], code=1, says=("no table 'kulaks'", "control_plan"))
    check(["record", "show", "regions", "--reading", "printed"], code=1, says=("control_plan table only",))


def test_screen_writes_eligibility_and_reasons(good_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "eligibility.csv"
    check(["engine", "screen", "--files", str(good_csv), "--rulebook", "ussr-1929", "--out", str(out)],
          says=("1 eligible", "skilled", "tied_to_land"))
    result = read_table(out)
    assert [r or "" for r in result.get_column("reasons").to_list()] == ["", "skilled", "tied_to_land"]
    assert result.get_column("eligible").to_list() == ["true", "false", "false"]


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx", ".tsv"])
def test_screen_reads_every_format(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"files{suffix}"
    write_table(files(person(), person(health="unfit")), source)
    out = tmp_path / "e.parquet"
    check(["engine", "screen", "-f", str(source), "-o", str(out)], says=("1 eligible",))
    assert pl.read_parquet(out).get_column("reasons").to_list() == [[], ["health"]]


def test_bad_rows_are_all_named_and_nothing_is_written(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    write_table(files(person(), person(age="old"), person(sex="x", union="bakers")), source)
    out = tmp_path / "never.csv"
    check(["engine", "screen", "-f", str(source), "-o", str(out)], code=1,
          says=("3 problem(s) in 2 of 3 rows", "age must be a whole number", "union must be one of",
                "nothing was written"))
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]
    check(["engine", "screen", "-f", str(source), "-o", str(out), "--skip-invalid"], says=("going on with the 1",))
    assert out.exists()


def test_validate_lists_problems_and_can_write_them(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    write_table(files(person(), person(declared_on="1/1/1930")), source)
    issues = tmp_path / "issues.csv"
    check(["engine", "validate", "-f", str(source), "--issues", str(issues)], code=1, says=("declared_on",))
    assert read_table(issues).get_column("row").to_list() == ["2"]


def test_a_malformed_csv_names_its_line(tmp_path: Path) -> None:
    source = tmp_path / "ragged.csv"
    source.write_text("person_id,age\nP1,30\nP2,31,extra\n")
    check(["engine", "validate", "-f", str(source)], code=1, says=("ragged.csv", "line 3 has 3 fields but the header has 2"))
    source.write_text("")
    check(["engine", "validate", "-f", str(source)], code=1, says=("ragged.csv",))
    check(["engine", "validate", "-f", str(tmp_path / "nope.csv")], code=1, says=("no such file",))
    check(["engine", "validate", "-f", str(tmp_path / "files.doc")], code=1, says=("unsupported file type",))


def test_a_bad_rulebook_is_refused_with_every_problem(good_csv: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.toml"
    book.write_text('format = 1\nid = "b"\nversion = "1"\ntitle = "b"\n'
                    '[[criteria]]\ncode = "a"\ncolumn = "agee"\nat_least = 1\n'
                    '[[criteria]]\ncode = "b"\ncolumn = "age"\nat_least = 40\n[[criteria]]\ncode = "c"\ncolumn = "age"\nbelow = 30\n')
    out = tmp_path / "out.csv"
    check(["engine", "screen", "-f", str(good_csv), "-r", str(book), "-o", str(out)], code=1,
          says=("2 problem(s)", "unknown column 'agee'", "'b', 'c' contradict"))
    assert not out.exists()
    check(["engine", "rulebook", "check", str(tmp_path / "missing.toml")], code=1, says=("no such rulebook file",))


def test_rulebooks_list_and_check() -> None:
    check(["engine", "rulebook", "list"], says=("ussr-1929", "rural-teachers"))
    check(["engine", "rulebook", "check", "ussr-1929"], says=("political_opposition", "[historical data]", "ok"))


def test_compose_prints_the_record_layout(good_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "composition.xlsx"
    check(["engine", "compose", "-f", str(good_csv), "--by", "source_region", "-o", str(out)],
          says=("communist party member", "LEN", "MOS"))
    assert out.exists()
    check(["engine", "compose", "-f", str(good_csv), "--by", "shoe_size"], code=1, says=("not a column",))


def test_sample_schema_and_ladder(tmp_path: Path) -> None:
    out = tmp_path / "sample.parquet"
    check(["engine", "sample", "--n", "500", "--seed", "7", "--out", str(out)], says=("wrote 500",))
    check(["engine", "validate", "-f", str(out)], says=("all 500 rows are valid",))
    check(["engine", "schema"], says=("years_at_factory", "HISTORICAL DATA"))
    check(["engine", "ladder"], says=("approve", "regional_party"))
