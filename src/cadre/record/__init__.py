"""The historical record of the 25,000ers (1929-1933) as package data, with typed loaders and checks.

The record is the only set of figures the twin may be calibrated on. Its tables ship as CSV files in
``data/``, described (source, contents, known defects of the sources) in ``data/manifest.toml``.

- Loaders, one per table, return polars frames with explicit dtypes: :func:`regions`,
  :func:`tempo_groups`, :func:`quotas` (and :func:`quota_total`), :func:`control_plan`,
  :func:`composition`, :func:`collectivization`, :func:`calendar`, :func:`observations` (and
  :func:`observation` for one figure). :data:`TABLES` lists them by name with their manifest entries.
- :func:`check` returns every :class:`Finding` about the record: an ``error`` where the files break a
  rule, a ``known_defect`` where the sources themselves are wrong and the manifest says so. The
  ``check_*`` functions are the same checks over frames a caller supplies.

This package imports nothing from the rest of cadre.
"""

from cadre.record.audit import check
from cadre.record.cells import check_cells
from cadre.record.figure_checks import check_collectivization, check_composition, check_observations
from cadre.record.findings import Code, Declared, Finding, Severity
from cadre.record.manifest import Defect, TableInfo, manifest
from cadre.record.plan_checks import check_control_plan, check_quotas, check_regions
from cadre.record.schema import read_raw, typed
from cadre.record.tables import (
    TABLES,
    RecordError,
    Table,
    calendar,
    collectivization,
    composition,
    control_plan,
    observation,
    observations,
    quota_total,
    quotas,
    regions,
    tempo_groups,
)

__all__ = [
    "TABLES",
    "Code",
    "Declared",
    "Defect",
    "Finding",
    "RecordError",
    "Severity",
    "Table",
    "TableInfo",
    "calendar",
    "check",
    "check_cells",
    "check_collectivization",
    "check_composition",
    "check_control_plan",
    "check_observations",
    "check_quotas",
    "check_regions",
    "collectivization",
    "composition",
    "control_plan",
    "manifest",
    "observation",
    "observations",
    "quota_total",
    "quotas",
    "read_raw",
    "regions",
    "tempo_groups",
    "typed",
]
