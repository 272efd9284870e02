"""`cadre twin ...` as a user meets it: a run writes a valid document, the report and the comparison."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from cadre.twin.contract import validate_document
from support import run_cadre


def check(args: list[str], *, code: int = 0, says: tuple[str, ...] = ()) -> str:
    """Run ``cadre twin ARGS``; the exit code must be ``code`` and the output must contain every fragment."""
    return run_cadre(["twin", *args], code=code, says=says)


def test_run_writes_the_contract_and_the_report(tmp_path: Path) -> None:
    out, html = tmp_path / "run.json", tmp_path / "report.html"
    lines = tmp_path / "replicates.jsonl"
    check(["run", "--scale", "0.05", "--replicates", "2", "--json", str(out), "--report", str(html),
           "--stream", str(lines)], says=("volunteers_total", "record_in_ci90"))
    streamed = [json.loads(line) for line in lines.read_text().splitlines()]
    assert [r["replicate"] for r in streamed] == [0, 1]
    document = json.loads(out.read_text())
    assert validate_document(document) == []
    assert document["replicates"] == 2
    assert "<svg" in html.read_text() or "plotly" in html.read_text()
    check(["validate", "--from", str(out)], says=("selected_total", "Model versus record"))
    check(["report", "--from", str(out), "--out", str(tmp_path / "again.html")], says=("1 scenario(s)",))


def test_run_exports_tables_for_the_workspace(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    check(["run", "--scale", "0.05", "--export", str(folder)], says=("Parquet",))
    files = pl.read_parquet(folder / "personal_files.parquet")
    decisions = pl.read_parquet(folder / "decisions.parquet")
    outcomes = pl.read_parquet(folder / "outcomes.parquet")
    assert set(decisions.get_column("person_id")) <= set(files.get_column("person_id"))
    assert (decisions.get_column("reason").str.len_chars() > 0).all()
    selected = files.filter(pl.col("stage") == "selected").get_column("person_id")
    assert set(outcomes.get_column("person_id")) == set(selected)
    assert {"spells.parquet", "placements.parquet"} <= {p.name for p in folder.iterdir()}


def test_scenarios_and_parameters_are_listed() -> None:
    check(["scenarios"], says=("ussr-1929", "women-hard", "women_hard = True"))
    check(["parameters", "--scenario", "plans-ready"], says=("plans_ready", "counterfactual", "calendar 1930-01-25"))


def test_bad_scenarios_and_documents_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "b"\ntitle = "b"\nextends = "ussr-1929"\n[parameters]\nspeed = { value = 1, source = "x" }\n')
    check(["run", "--scenario", str(bad)], code=1, says=("parameters.speed: unknown parameter",))
    check(["run", "--scenario", "atlantis"], code=1, says=("not a bundled scenario",))
    junk = tmp_path / "junk.json"
    junk.write_text('{"scenario": "x"}')
    check(["validate", "--from", str(junk)], code=1, says=("not a twin output document",))
