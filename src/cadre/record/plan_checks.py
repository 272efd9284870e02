"""Checks of the regions, the control figures and the distribution plan: codes, totals, misprints.

Each ``check_*`` function here and in :mod:`cadre.record.figure_checks` takes typed frames in their
files' row order (as :mod:`cadre.record.tables` returns them; the quota frame here includes its ALL row)
and returns findings. A finding matching a defect
declared in ``manifest.toml`` is a known defect; any other is an error. Pass ``declared`` to check against
another list (a test, say); by default the manifest's list is used.
"""

from __future__ import annotations

import polars as pl

from cadre.record.cells import ROW, declared_for, file_of, out_of_range, rows_of, unknown_codes
from cadre.record.findings import Code, Declared, Finding, make_finding

__all__ = ["TOTAL_KEY", "check_control_plan", "check_quotas", "check_regions"]

TOTAL_KEY = "ALL"  # the quota row that prints the total of the regional quotas


def check_regions(
    regions: pl.DataFrame, tempo_groups: pl.DataFrame, *, declared: Declared | None = None
) -> list[Finding]:
    """Every region's tempo group is one that tempo_groups.csv defines."""
    known = declared_for("regions", declared)
    groups = set(tempo_groups.get_column("tempo_group").drop_nulls().to_list())
    return [
        make_finding(
            table="regions",
            file=file_of("regions"),
            code=Code.UNKNOWN_TEMPO_GROUP,
            text=f"tempo group {row['tempo_group']} of {row['code']} is not in tempo_groups.csv",
            declared=known,
            rows=[row[ROW]],
            column="tempo_group",
            key=str(row["code"]),
        )
        for row in rows_of(regions, pl.col("tempo_group").is_not_null())
        if row["tempo_group"] not in groups
    ]


def check_quotas(
    quotas: pl.DataFrame, regions: pl.DataFrame, *, declared: Declared | None = None
) -> list[Finding]:
    """Regional quotas name known regions, and both axes add up to the printed total (the ALL row)."""
    known = declared_for("quotas", declared)
    file = file_of("quotas")
    is_region = pl.col("kind") == "region"
    found = unknown_codes(
        "quotas",
        quotas,
        ["key"],
        regions.get_column("code").to_list(),
        declared=known,
        where=is_region,
        aggregates=[TOTAL_KEY],
    )
    found += out_of_range("quotas", quotas, "quota", 0, None, declared=known)
    totals = list(rows_of(quotas, is_region & (pl.col("key") == TOTAL_KEY)))
    if len(totals) != 1 or totals[0]["quota"] is None:
        text = "there must be exactly one regional row with key ALL and a quota: the printed total"
        return [
            *found,
            make_finding(table="quotas", file=file, code=Code.MISSING_TOTAL, text=text, declared=known),
        ]
    total, total_row = int(totals[0]["quota"]), int(totals[0][ROW])
    for kind, where in (
        ("region", is_region & (pl.col("key") != TOTAL_KEY)),
        ("union", pl.col("kind") == "union"),
    ):
        rows = list(rows_of(quotas, where))
        added = sum(row["quota"] or 0 for row in rows)
        if added != total:
            found.append(
                make_finding(
                    table="quotas",
                    file=file,
                    code=Code.QUOTA_SUM_MISMATCH,
                    text=f"the {kind} quotas add up to {added:,}, but the printed total (row {total_row}) is {total:,}",
                    declared=known,
                    rows=[row[ROW] for row in rows],
                    column="quota",
                    key=kind,
                )
            )
    return found


def check_control_plan(
    plan: pl.DataFrame, quotas: pl.DataFrame, regions: pl.DataFrame, *, declared: Declared | None = None
) -> list[Finding]:
    """Codes known; each origin sends what its quota allows; the cells add up to the printed total.

    ``plan`` is the corrected reading; cells the source prints in another row are reported as misprints.
    """
    known = declared_for("control_plan", declared)
    file = file_of("control_plan")
    codes = regions.get_column("code").to_list()
    columns = ["from_region", "to_region", "printed_in_row"]
    found = unknown_codes("control_plan", plan, columns, codes, declared=known)
    found += out_of_range("control_plan", plan, "planned", 0, None, declared=known)
    for row in rows_of(plan, pl.col("printed_in_row") != pl.col("to_region")):
        origin, destination, printed = row["from_region"], row["to_region"], row["printed_in_row"]
        text = f"{origin}->{destination} ({row['planned']}) is printed in the {printed} row; it belongs in the {destination} row"
        found.append(
            make_finding(
                table="control_plan",
                file=file,
                code=Code.MISPRINTED_CELL,
                text=text,
                declared=known,
                rows=[row[ROW]],
                column="printed_in_row",
                key=f"{origin}->{destination}",
            )
        )
    regional = quotas.filter((pl.col("kind") == "region") & (pl.col("key") != TOTAL_KEY))
    quota_of = dict(
        zip(regional.get_column("key").to_list(), regional.get_column("quota").to_list(), strict=True)
    )
    origins = dict.fromkeys([*plan.get_column("from_region").drop_nulls().to_list(), *quota_of])
    for origin in origins:
        rows = list(rows_of(plan, pl.col("from_region") == origin))
        kept = sum(r["planned"] or 0 for r in rows if r["to_region"] == origin)
        sent = sum(r["planned"] or 0 for r in rows if r["to_region"] != origin)
        quota = quota_of.get(origin)
        if quota == kept + sent:
            continue
        against = "no quota" if quota is None else f"its quota of {quota:,}"
        text = f"{origin} plans {kept + sent:,} workers (keeps {kept:,}, sends {sent:,}) against {against}"
        found.append(
            make_finding(
                table="control_plan",
                file=file,
                code=Code.PLAN_ORIGIN_MISMATCH,
                text=text,
                declared=known,
                rows=[r[ROW] for r in rows],
                column="planned",
                key=origin,
            )
        )
    printed = quotas.filter((pl.col("kind") == "region") & (pl.col("key") == TOTAL_KEY)).get_column("quota")
    planned = int(plan.get_column("planned").sum())
    # A missing or empty total is check_quotas' finding; here there is nothing to compare with.
    if printed.len() == 1 and printed[0] is not None and printed[0] != planned:
        text = f"the plan's cells add up to {planned:,}, but its printed total is {printed[0]:,}"
        found.append(
            make_finding(
                table="control_plan",
                file=file,
                code=Code.PLAN_TOTAL_MISMATCH,
                text=text,
                declared=known,
                column="planned",
                key=TOTAL_KEY,
            )
        )
    return found
