"""Typed loaders of the record's tables, one function per table, and the :data:`TABLES` registry.

Each loader reads its file from the package data once (the result is cached) and returns a fresh
polars frame with explicit dtypes: dates as ``Date``, counts as ``Int64``, percents and shares as
``Float64``, the rest as ``String``. Rows keep the order of the file. Loading validates every cell
(present where required, parsable, keys unique) and raises :class:`RecordError` if one is not; the checks
of content (totals, references, the sources' defects) are :func:`cadre.record.check`'s job.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Literal

import polars as pl

from cadre.record.cells import check_cells
from cadre.record.findings import Finding, Severity
from cadre.record.manifest import TableInfo, manifest
from cadre.record.plan_checks import TOTAL_KEY
from cadre.record.schema import read_raw, typed

__all__ = [
    "TABLES",
    "RecordError",
    "Table",
    "calendar",
    "collectivization",
    "composition",
    "control_plan",
    "observation",
    "observations",
    "quota_total",
    "quotas",
    "regions",
    "tempo_groups",
]


class RecordError(ValueError):
    """A data file of the record has cells that cannot be typed; ``findings`` lists every one of them."""

    def __init__(self, table: str, findings: list[Finding]) -> None:
        self.table = table
        self.findings = tuple(findings)
        lines = "\n".join(f"  {finding.message}" for finding in findings)
        super().__init__(f"the record's table {table!r} cannot be loaded:\n{lines}")


@cache
def _frame(table: str) -> pl.DataFrame:
    raw = read_raw(table)
    errors = [f for f in check_cells(table, raw) if f.severity is Severity.ERROR]
    if errors:
        raise RecordError(table, errors)
    return typed(table, raw)


def _load(table: str) -> pl.DataFrame:
    # A clone is cheap (the columns are shared) and keeps a caller's in-place edits out of the cache.
    return _frame(table).clone()


def regions() -> pl.DataFrame:
    """Region codes: code, name, also_printed_as, tempo_group (Int64), note."""
    return _load("regions")


def tempo_groups() -> pl.DataFrame:
    """The tempo groups of the decree of 5 January 1930: tempo_group (Int64), meaning, deadline."""
    return _load("tempo_groups")


def quotas(kind: Literal["region", "union"] | None = None) -> pl.DataFrame:
    """Control figures of 1929: kind (Enum region/union), key, quota (Int64), note.

    ``kind`` selects one axis; by default both come, regions first. The printed total (the row with key
    ALL) is not a quota and is left out; :func:`quota_total` returns it.
    """
    frame = _load("quotas").filter(~((pl.col("kind") == "region") & (pl.col("key") == TOTAL_KEY)))
    if kind is None:
        return frame
    if kind not in ("region", "union"):
        raise ValueError(f"kind must be 'region', 'union' or None, not {kind!r}")
    return frame.filter(pl.col("kind") == kind)


def quota_total() -> int:
    """The printed total of the regional quotas (26,380): the size of the campaign in the control plan."""
    total = _frame("quotas").filter((pl.col("kind") == "region") & (pl.col("key") == TOTAL_KEY))
    if total.height != 1:
        raise LookupError(
            f"recruitment_quotas_1929.csv has {total.height} total rows (key {TOTAL_KEY}), not 1"
        )
    return int(total.item(0, "quota"))


def control_plan(reading: Literal["corrected", "printed"] = "corrected") -> pl.DataFrame:
    """The 1929 distribution plan: from_region, to_region, planned (Int64), printed_in_row, note.

    The ``corrected`` reading puts every figure in its destination's row, where the row totals require
    it. The ``printed`` reading puts it where the source prints it (``printed_in_row``); it differs in the
    two misprinted Leningrad figures only, and since one of them lands on a cell that already holds a figure
    it is a list of printed figures, not a matrix: two rows may share an origin and a destination.
    """
    frame = _load("control_plan")
    if reading == "corrected":
        return frame
    if reading == "printed":
        return frame.with_columns(to_region=pl.col("printed_in_row"))
    raise ValueError(f"reading must be 'corrected' or 'printed', not {reading!r}")


def composition() -> pl.DataFrame:
    """Composition of the selected, USSR 1930: measure, category, percent (Float64)."""
    return _load("composition")


def collectivization() -> pl.DataFrame:
    """Percent of households collectivized, RSFSR regions 1929-30: region, date, percent, note, bounds.

    ``percent`` is null where the source prints a range or a doubtful figure, and the note says which.
    ``percent_low`` and ``percent_high`` are the percent itself where it is known, the bounds of a printed
    range where there is one ("printed as a range 56-70" gives 56 and 70), and null otherwise.
    """
    return _load("collectivization")


def calendar() -> pl.DataFrame:
    """Dated events of the campaign: date (Date), precision, kind, event; in the file's (narrative) order."""
    return _load("calendar")


def observations() -> pl.DataFrame:
    """Single figures: id, as_of (Date), measure, value (text as printed), unit, scope, note, bounds.

    ``value_low`` and ``value_high`` (Float64) are the figure as numbers: a range "2-10" gives 2 and 10,
    a single number gives itself twice.
    """
    return _load("observations")


def observation(observation_id: str, /) -> float:
    """The single figure with this id, e.g. ``observation("arrived_0202")`` is 18300.0.

    Raises ``KeyError`` for an unknown id, and ``ValueError`` for a figure printed as a range (read its
    bounds from :func:`observations`).
    """
    frame = _frame("observations")
    hit = frame.filter(pl.col("id") == observation_id)
    if hit.is_empty():
        close = difflib.get_close_matches(observation_id, frame.get_column("id").to_list(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no observation with id {observation_id!r} in observations.csv{hint}")
    low, high, value = hit.item(0, "value_low"), hit.item(0, "value_high"), hit.item(0, "value")
    if low != high:
        raise ValueError(
            f"observation {observation_id!r} is printed as a range ({value}); use observations()"
        )
    return float(low)


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the record: its name, its loader (with default arguments) and its manifest entry."""

    name: str
    load: Callable[[], pl.DataFrame]

    @property
    def info(self) -> TableInfo:
        """Provenance and known defects, from ``manifest.toml``."""
        return manifest()[self.name]


# Every table by the name a CLI or a notebook uses for it; the names are those of the loaders.
TABLES: Mapping[str, Table] = MappingProxyType(
    {
        table.name: table
        for table in (
            Table("regions", regions),
            Table("tempo_groups", tempo_groups),
            Table("quotas", quotas),
            Table("control_plan", control_plan),
            Table("composition", composition),
            Table("collectivization", collectivization),
            Table("calendar", calendar),
            Table("observations", observations),
        )
    }
)
