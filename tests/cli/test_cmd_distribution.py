"""The distribution command as a user meets it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from cadre import record
from cadre.io import read_table, write_table
from support import run_cadre


def check(args: list[str], *, code: int = 0, says: tuple[str, ...] = ()) -> str:
    """Run ``cadre engine distribute ARGS``; the exit code must be ``code`` and the output must contain every fragment."""
    return run_cadre(["engine", "distribute", *args], code=code, says=says, columns=240)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    supply = tmp_path / "supply.csv"
    demand = tmp_path / "demand.csv"
    write_table(pl.DataFrame({"region": ["LEN", "MOS"], "supply": ["120", "80"]}), supply)
    write_table(pl.DataFrame({"region": ["LEN", "LVO", "CBE"], "minimum": ["0", "50", ""],
                              "maximum": ["60", "", "100"], "priority": ["3", "1", "2"]}), demand)
    return {"supply": supply, "demand": demand}


def test_the_1929_plan_is_rebuilt_checked_and_compared(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    check(["--plan-out", str(out)], says=(
        "optimal", "UKR 5550", "stay in their own region: record 50.8%, model 51.3%",
        "IVA plans 1,600 workers (keeps 400, sends 1,200) but supplies only 1,300",
        "add up to 26,680, but its printed total is 26,380",
        "group size 50: the 30 workers from ZSF to DAG cannot travel as a group", f"wrote {out}"))
    plan = read_table(out)
    assert plan.columns == ["from_region", "to_region", "n"]
    assert plan["n"].cast(pl.Int64).sum() == 26_380


def test_a_campaign_s_own_figures(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "plan.parquet"
    check(["--supply", str(files["supply"]), "--demand", str(files["demand"]), "--min-group", "20",
           "--tie", "MOS:CBE", "-o", str(out), "--wholesale", "0"],
          says=("optimal", "for the record's own figures only"))
    plan = pl.read_parquet(out)
    assert plan["n"].sum() == 200
    assert (plan["n"] >= 20).all()


def test_bad_files_are_named_cell_by_cell_and_nothing_is_written(tmp_path: Path) -> None:
    supply, demand, out = tmp_path / "s.csv", tmp_path / "d.csv", tmp_path / "plan.csv"
    write_table(pl.DataFrame({"region": ["LEN", "LNE", "MOS", "MOS"], "supply": ["10", "5", "-1", "3"]}), supply)
    write_table(pl.DataFrame({"region": ["LVO"], "maximum": ["ten"]}), demand)
    check(["--supply", str(supply), "--demand", str(demand), "-o", str(out)], code=1, says=(
        str(supply), "'LNE' is not a known region code; did you mean LEN", "supply must not be negative",
        "MOS appears more than once (first in row 3)", str(demand), "maximum must be a number",
        "4 problem(s) in the inputs; nothing was written"))
    assert not out.exists()


def test_an_infeasible_plan_names_the_rule_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    check(["--min-group", "120", "-o", str(out)], code=1, says=(
        "no plan keeps the rules", "group size 120: the 100 workers of CRI cannot travel as a group",
        "IVA plans 1,600", "nothing was written"))
    assert not out.exists()


def test_option_and_file_errors_are_plain(tmp_path: Path) -> None:
    check(["--tie", "LEN-LVO"], code=1, says=("--tie takes A:B", "'LEN-LVO'"))
    check(["--supply", str(tmp_path / "missing.csv")], code=1, says=("no such file",))


def test_check_a_plan_file_against_the_figures(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.csv", tmp_path / "record.csv"
    check(["-o", str(ours), "--no-compare"])
    check(["--check", str(ours)], says=("the plan keeps every rule (26,380 workers)",))
    write_table(record.control_plan().select("from_region", "to_region", "planned"), theirs)
    check(["--check", str(theirs)], code=1, says=("IVA plans 1,600", "from ZSF to DAG", "3 problem(s)"))
