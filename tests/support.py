"""Builders for test data: personal files that pass the 1929 rulebook unless a test says otherwise."""

from __future__ import annotations

from typing import Any

import polars as pl

from cadre.engine.schema import personal_file_schema

REGIONS = ("LEN", "MOS", "UKR", "IVA")
SCHEMA = personal_file_schema(regions=REGIONS)

GOOD: dict[str, Any] = {
    "person_id": "P1",
    "source_region": "LEN",
    "factory_id": "LEN-MET-001",
    "union": "metalworkers",
    "sex": "male",
    "age": "32",
    "trade": "fitter",
    "skill_grade": "6",
    "years_at_factory": "9",
    "party_status": "party",
    "party_joined": "1920",
    "activist_roles": "shock_worker;union_work",
    "civil_war_service": "yes",
    "village_ties": "none",
    "dependents": "2",
    "education": "primary",
    "wage": "94.74",
    "health": "fit",
    "heavy_drinking": "no",
    "labor_violations": "no",
    "recruitment": "volunteered",
    "reference_from": "party_cell",
    "declared_on": "1929-12-10",
    "quality": "0.7",
}


def person(**changes: Any) -> dict[str, Any]:
    """One personal file in text form: the good file with ``changes`` applied (None removes a value)."""
    row = dict(GOOD)
    row.update({k: ("" if v is None else str(v)) for k, v in changes.items()})
    return row


def files(*rows: dict[str, Any]) -> pl.DataFrame:
    """A text frame of personal files, ids made unique in order unless a row sets its own."""
    out = []
    for i, row in enumerate(rows, start=1):
        r = dict(row)
        if r.get("person_id") == GOOD["person_id"]:
            r["person_id"] = f"P{i}"
        out.append(r)
    columns = list(dict.fromkeys(k for r in out for k in r))
    return pl.DataFrame({c: [r.get(c, "") for r in out] for c in columns}, schema=dict.fromkeys(columns, pl.String))


def run_cadre(args: list[str], *, code: int = 0, says: tuple[str, ...] = (), columns: int = 200) -> str:
    """Run ``cadre ARGS`` through the real command; the exit code must be ``code`` and the output (with its
    line breaks and table borders folded to single spaces) must contain every fragment of ``says``."""
    from typer.testing import CliRunner  # imported here: most suites that use this module run no command

    from cadre.cli.main import app

    result = CliRunner().invoke(app, args, env={"COLUMNS": str(columns)})
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == code, output
    flat = " ".join(output.split())
    for fragment in says:
        assert fragment in flat, (fragment, output)
    return output


def answers(**changes: Any) -> dict[str, Any]:
    """A questionnaire that meets every criterion of the 1929 rulebook."""
    base = {"sex": "male", "age": 32, "trade": "fitter", "skill_grade": 6, "years_at_factory": 9.0,
            "party_status": "party", "party_joined": 1920, "activist_roles": ["shop_bureau"],
            "civil_war_service": True, "village_ties": "none", "dependents": 2, "education": "primary",
            "wage": 90.0, "health": "fit", "heavy_drinking": False, "labor_violations": False,
            "recruitment": "volunteered", "reference_from": "party_cell", "quality": 0.8}
    return {**base, **changes}
