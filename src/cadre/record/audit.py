"""One call that checks the whole record: :func:`check`.

It reads every file as text, types it, and runs every check of :mod:`cadre.record.cells`,
:mod:`cadre.record.plan_checks` and :mod:`cadre.record.figure_checks` over the frames. It also checks the
manifest against the data: a declared defect that no finding shows any more is stale, because a manifest
that describes defects the data no longer has would mislead its reader as much as an undeclared one.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from cadre.record.cells import check_cells, file_of
from cadre.record.figure_checks import check_collectivization, check_composition, check_observations
from cadre.record.findings import Code, Finding, Severity, make_finding
from cadre.record.manifest import manifest
from cadre.record.plan_checks import check_control_plan, check_quotas, check_regions
from cadre.record.schema import SCHEMAS, read_raw, typed

__all__ = ["check"]


def _stale(found: list[Finding]) -> list[Finding]:
    seen = {(f.table, f.code, f.key) for f in found if f.severity is Severity.KNOWN_DEFECT}
    return [
        make_finding(
            table=info.name,
            file=file_of(info.name),
            code=Code.STALE_DEFECT,
            text=f"manifest.toml declares {defect.code} for {defect.key}, but the data no longer shows it",
            declared=frozenset(),
        )
        for info in manifest().values()
        for defect in info.defects
        if (info.name, defect.code, defect.key) not in seen
    ]


def check(raw: Mapping[str, pl.DataFrame] | None = None) -> list[Finding]:
    """Check every table of the record; return every finding, errors and known defects alike.

    ``raw`` replaces the text of some tables (all columns as text, as in their files) and is meant for
    tests and for checking edited files before they ship; the other tables are read from the package. The
    record is sound when no finding has severity ``error``. Findings come in the manifest's table order.
    """
    given = {} if raw is None else raw
    texts = {name: given[name] if name in given else read_raw(name) for name in SCHEMAS}
    frames = {name: typed(name, text) for name, text in texts.items()}
    regions, quotas = frames["regions"], frames["quotas"]
    found = [finding for name, text in texts.items() for finding in check_cells(name, text)]
    found += check_regions(regions, frames["tempo_groups"])
    found += check_quotas(quotas, regions)
    found += check_control_plan(frames["control_plan"], quotas, regions)
    found += check_composition(frames["composition"])
    found += check_collectivization(frames["collectivization"], regions)
    found += check_observations(frames["observations"])
    found += _stale(found)
    order = {name: i for i, name in enumerate(manifest())}
    return sorted(found, key=lambda finding: order.get(finding.table, len(order)))
