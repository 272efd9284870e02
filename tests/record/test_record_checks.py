"""The record's checks: the real data has only its declared defects; corrupted data has errors, located."""

from __future__ import annotations

import polars as pl
import pytest

import cadre.record as record
from cadre.record import Code, Finding, Severity

ERROR, KNOWN = Severity.ERROR, Severity.KNOWN_DEFECT

# The defects of the sources, as check() reports them: (table, code, key, rows).
KNOWN_DEFECTS = {
    ("control_plan", Code.MISPRINTED_CELL, "LEN->NOR", (3,)),
    ("control_plan", Code.MISPRINTED_CELL, "LEN->CAS", (6,)),
    ("control_plan", Code.PLAN_ORIGIN_MISMATCH, "IVA", (18, 19, 20)),
    ("control_plan", Code.PLAN_TOTAL_MISMATCH, "ALL", ()),
    ("composition", Code.NOTED_DEFECT, "factory_experience", (10, 11, 12)),
    ("collectivization", Code.DOUBTFUL_VALUE, "LVO 1930-01-01", (93,)),
    ("collectivization", Code.DOUBTFUL_VALUE, "SIB 1930-01-01", (119,)),
}


def edited(table: str, row: int, column: str, value: str | None) -> pl.DataFrame:
    """The table's file text with one cell (1-based data row) replaced."""
    raw = record.read_raw(table)
    cell = pl.int_range(pl.len()) == row - 1
    return raw.with_columns(
        pl.when(cell).then(pl.lit(value, pl.String)).otherwise(pl.col(column)).alias(column)
    )


def check_error(
    found: list[Finding], table: str, code: Code, rows: tuple[int, ...], column: str | None
) -> Finding:
    """Exactly one error of this code in this table, at these rows and this column, and said so in words."""
    errors = [f for f in found if f.severity is ERROR and f.table == table and f.code is code]
    assert [(f.rows, f.column) for f in errors] == [(rows, column)], errors
    file = record.manifest()[table].file
    where = f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(map(str, rows))
    assert errors[0].message.startswith(f"{file}, {where}" if rows else file), errors[0].message
    if column is not None:
        assert f"column {column}" in errors[0].message
    return errors[0]


def test_the_record_has_no_errors_and_exactly_its_known_defects() -> None:
    found = record.check()
    assert [f for f in found if f.severity is ERROR] == []
    assert {(f.table, f.code, f.key, f.rows) for f in found} == KNOWN_DEFECTS


def test_every_declared_defect_is_found_and_every_known_defect_declared() -> None:
    declared = {(name, d.code, d.key) for name, info in record.manifest().items() for d in info.defects}
    assert declared == {(table, code, key) for table, code, key, _ in KNOWN_DEFECTS}


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "code", "rows"),
    [
        ("control_plan", 7, "to_region", "XXX", Code.UNKNOWN_REGION, (7,)),
        ("control_plan", 7, "from_region", "XXX", Code.UNKNOWN_REGION, (7,)),
        ("control_plan", 1, "printed_in_row", "LEN", Code.MISPRINTED_CELL, (1,)),
        ("control_plan", 31, "planned", "1100", Code.PLAN_ORIGIN_MISMATCH, (31, 32)),
        ("control_plan", 2, "planned", "many", Code.UNPARSABLE_VALUE, (2,)),
        ("quotas", 1, "key", "UKX", Code.UNKNOWN_REGION, (1,)),
        ("quotas", 2, "quota", None, Code.MISSING_VALUE, (2,)),
        ("quotas", 19, "kind", "sector", Code.UNPARSABLE_VALUE, (19,)),
        ("collectivization", 1, "region", "ZZZ", Code.UNKNOWN_REGION, (1,)),
        ("collectivization", 5, "percent", None, Code.DOUBTFUL_VALUE, (5,)),
        ("collectivization", 5, "percent", "103.0", Code.OUT_OF_RANGE, (5,)),
        ("collectivization", 5, "date", "1930-02-30", Code.UNPARSABLE_VALUE, (5,)),
        ("composition", 1, "percent", "91.3", Code.COMPOSITION_SUM_MISMATCH, (1, 2)),
        ("regions", 1, "tempo_group", "7", Code.UNKNOWN_TEMPO_GROUP, (1,)),
        ("regions", 2, "code", "NOR", Code.DUPLICATE_KEY, (1, 2)),
        ("calendar", 3, "date", "1929-13-01", Code.UNPARSABLE_VALUE, (3,)),
        ("observations", 1, "value", "many", Code.UNPARSABLE_VALUE, (1,)),
        ("observations", 4, "value", "1.5", Code.OUT_OF_RANGE, (4,)),
    ],
)
def test_an_edited_cell_is_an_error_at_its_row_and_column(
    table: str, row: int, column: str, value: str | None, code: Code, rows: tuple[int, ...]
) -> None:
    found = record.check({table: edited(table, row, column, value)})
    duplicate_column = "code" if code is Code.DUPLICATE_KEY else column
    check_error(found, table, code, rows, duplicate_column)


def test_a_quota_total_that_disagrees_is_an_error_on_both_axes() -> None:
    found = record.check({"quotas": edited("quotas", 18, "quota", "26000")})
    region = check_error(
        [f for f in found if f.key == "region"],
        "quotas",
        Code.QUOTA_SUM_MISMATCH,
        tuple(range(1, 18)),
        "quota",
    )
    assert "add up to 26,380, but the printed total (row 18) is 26,000" in region.message
    check_error(
        [f for f in found if f.key == "union"],
        "quotas",
        Code.QUOTA_SUM_MISMATCH,
        tuple(range(19, 24)),
        "quota",
    )


def test_a_missing_total_row_is_an_error() -> None:
    quotas = record.read_raw("quotas").filter(pl.col("key") != "ALL")
    check_error(record.check({"quotas": quotas}), "quotas", Code.MISSING_TOTAL, (), None)


def test_a_missing_column_is_an_error() -> None:
    check_error(
        record.check({"calendar": record.read_raw("calendar").drop("kind")}),
        "calendar",
        Code.MISSING_COLUMN,
        (),
        "kind",
    )


def test_a_defect_fixed_in_the_data_leaves_its_declaration_stale() -> None:
    # Ivanovo sending only its 900 balances both its column and the plan's total.
    found = record.check({"control_plan": edited("control_plan", 20, "planned", "0")})
    stale = {f.message.split(": ", 1)[1] for f in found if f.code is Code.STALE_DEFECT}
    assert stale == {
        "manifest.toml declares plan_origin_mismatch for IVA, but the data no longer shows it",
        "manifest.toml declares plan_total_mismatch for ALL, but the data no longer shows it",
    }
    assert all(f.severity is ERROR for f in found if f.code is Code.STALE_DEFECT)


def test_checks_run_over_frames_a_caller_supplies() -> None:
    second = pl.int_range(pl.len()) == 1
    composition = record.composition().with_columns(percent=pl.when(second).then(6.7).otherwise("percent"))
    found = record.check_composition(composition, declared=frozenset())
    check_error(found, "composition", Code.COMPOSITION_SUM_MISMATCH, (1, 2), "percent")
    # With no declarations the noted defect is not reported either; nothing else is wrong.
    assert [f.code for f in found] == [Code.COMPOSITION_SUM_MISMATCH]


def test_an_undeclared_defect_of_the_plan_is_an_error() -> None:
    # The plan is checked against the quota file as it is, total row included.
    quotas = record.typed("quotas", record.read_raw("quotas"))
    found = record.check_control_plan(record.control_plan(), quotas, record.regions(), declared=frozenset())
    assert {(f.code, f.key) for f in found} == {
        (Code.MISPRINTED_CELL, "LEN->NOR"),
        (Code.MISPRINTED_CELL, "LEN->CAS"),
        (Code.PLAN_ORIGIN_MISMATCH, "IVA"),
        (Code.PLAN_TOTAL_MISMATCH, "ALL"),
    }
    assert all(f.severity is ERROR for f in found)
