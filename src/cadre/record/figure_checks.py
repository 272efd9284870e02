"""Checks of the composition, the collectivization series and the single observations.

Like :mod:`cadre.record.plan_checks`, each function takes typed frames in their files' row order and
returns findings, known defects where ``manifest.toml`` (or ``declared``) says so.
"""

from __future__ import annotations

import polars as pl

from cadre.record.cells import ROW, declared_for, file_of, out_of_range, rows_of, unknown_codes
from cadre.record.findings import Code, Declared, Finding, make_finding
from cadre.record.manifest import manifest

__all__ = ["RSFSR", "check_collectivization", "check_composition", "check_observations"]

RSFSR = "RSFSR"  # the republic's own series in the collectivization table: a total, not a region
# Composition percents are printed to one decimal, so a measure's parts may miss 100 by rounding.
_TOLERANCE = 0.1


def _manifest_text(table: str, code: Code, key: str) -> str:
    for defect in manifest()[table].defects:
        if (defect.code, defect.key) == (code, key):
            return defect.text
    return "the source notes a defect here"


def check_composition(composition: pl.DataFrame, *, declared: Declared | None = None) -> list[Finding]:
    """Percents lie in 0-100 and each measure adds up to 100; defects the source notes are reported."""
    known = declared_for("composition", declared)
    file = file_of("composition")
    found = out_of_range("composition", composition, "percent", 0, 100, declared=known)
    indexed = composition.with_row_index(ROW, offset=1)
    measures = indexed.group_by("measure", maintain_order=True).agg(pl.col(ROW), pl.col("percent").sum())
    for measure in measures.iter_rows(named=True):
        name, rows, added = measure["measure"], measure[ROW], measure["percent"]
        if abs(added - 100) > _TOLERANCE:
            found.append(
                make_finding(
                    table="composition",
                    file=file,
                    code=Code.COMPOSITION_SUM_MISMATCH,
                    text=f"the percents of measure '{name}' add up to {added:.1f}, not 100",
                    declared=known,
                    rows=rows,
                    column="percent",
                    key=name,
                )
            )
        # Some defects (printed totals that disagree with rows the record does not hold) cannot be seen in
        # the data; the manifest declares them, and they are reported wherever their measure appears.
        if (Code.NOTED_DEFECT, name) in known:
            found.append(
                make_finding(
                    table="composition",
                    file=file,
                    code=Code.NOTED_DEFECT,
                    text=f"measure '{name}': {_manifest_text('composition', Code.NOTED_DEFECT, name)}",
                    declared=known,
                    rows=rows,
                    column="percent",
                    key=name,
                )
            )
    return found


def check_collectivization(
    series: pl.DataFrame, regions: pl.DataFrame, *, declared: Declared | None = None
) -> list[Finding]:
    """Regions known (RSFSR allowed), percents in 0-100, and every empty percent explained."""
    known = declared_for("collectivization", declared)
    codes = regions.get_column("code").to_list()
    found = unknown_codes("collectivization", series, ["region"], codes, declared=known, aggregates=[RSFSR])
    found += out_of_range("collectivization", series, "percent", 0, 100, declared=known)
    for row in rows_of(series, pl.col("percent").is_null()):
        day = "?" if row["date"] is None else row["date"].isoformat()
        note = row["note"]
        text = f"{row['region']} on {day}: percent is empty; " + (note or "no note says why")
        if row["percent_low"] is not None and row["percent_high"] is not None:
            text += f" (bounds {row['percent_low']:g} and {row['percent_high']:g} kept)"
        found.append(
            make_finding(
                table="collectivization",
                file=file_of("collectivization"),
                code=Code.DOUBTFUL_VALUE,
                text=text,
                declared=known,
                rows=[row[ROW]],
                column="percent",
                key=f"{row['region']} {day}",
            )
        )
    return found


def check_observations(observations: pl.DataFrame, *, declared: Declared | None = None) -> list[Finding]:
    """Every value reads as a number or a range ``low-high``; shares lie in 0-1."""
    known = declared_for("observations", declared)
    file = file_of("observations")
    found: list[Finding] = []
    for row in rows_of(observations, pl.col("value").is_not_null()):
        low, high, value = row["value_low"], row["value_high"], row["value"]
        if low is None or high is None:
            text, code = (
                f"'{value}' of {row['id']} is neither a number nor a range low-high",
                Code.UNPARSABLE_VALUE,
            )
        elif low > high:
            text, code = f"the range '{value}' of {row['id']} runs backwards", Code.OUT_OF_RANGE
        elif row["unit"] == "share" and high > 1:
            text, code = f"{row['id']} is a share, so '{value}' must lie between 0 and 1", Code.OUT_OF_RANGE
        else:
            continue
        found.append(
            make_finding(
                table="observations",
                file=file,
                code=code,
                text=text,
                declared=known,
                rows=[row[ROW]],
                column="value",
                key=row["id"],
            )
        )
    return found
