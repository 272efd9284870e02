"""The twin's output contract (SYSTEM.md §6): the document a run writes, built from a replicate's tables.

Public API (this module is the one to import; the ``contract_*`` modules hold the parts):

- :class:`RunTables`: the tables one replicate produces, with :class:`ServiceState`, :class:`FarmType`,
  :data:`HEADCOUNT_STATES` and :data:`TABLE_COLUMNS` describing them.
- :func:`build_document`: one replicate's tables -> the §6 document, every aggregate through the engine's
  analytics.
- :func:`aggregate`: replicate documents -> one document of means with ``ci90``.
- :func:`validate_document`: every problem of a document, each with its JSON path.
- :class:`ContractDates` and :data:`REQUIRED_DATES`: the dates a document reports.

Conventions of a built document: keys in the order of §6; region codes of the record (all of them in
every ``by_source_region`` and ``by_destination_region``, 0 or null where nobody is); the six unions always;
ISO dates; counts as ``int`` and shares as ``float``; null wherever the run has no table to measure it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from cadre.engine.analytics import (
    composition_shares,
    count_by,
    cumulative_counts,
    exits_by_channel,
    exits_by_channel_until,
    headcount,
    od_matrix,
)
from cadre.engine.schema import Recruitment
from cadre.twin.contract_aggregate import aggregate
from cadre.twin.contract_shape import (
    CHANNELS,
    HEADCOUNT_KEYS,
    REQUIRED_DATES,
    SHARE_KEYS,
    UNIONS,
    ContractDates,
    Document,
    record_regions,
)
from cadre.twin.contract_tables import HEADCOUNT_STATES, TABLE_COLUMNS, FarmType, RunTables, ServiceState
from cadre.twin.contract_validate import validate_document

__all__ = [
    "HEADCOUNT_STATES",
    "REQUIRED_DATES",
    "TABLE_COLUMNS",
    "ContractDates",
    "Document",
    "FarmType",
    "RunTables",
    "ServiceState",
    "aggregate",
    "build_document",
    "validate_document",
]


def build_document(
    tables: RunTables,
    *,
    scenario: str,
    seed: int,
    replicates: int = 1,
    dates: ContractDates | None = None,
    regions: Sequence[str] | None = None,
) -> Document:
    """The §6 document of one replicate's ``tables``.

    ``dates`` adds reporting dates to the required ones (never removes them); ``regions`` is the region
    vocabulary (the record's codes by default). ``replicates`` is written as given: 1 for one replicate's
    tables (:func:`aggregate` writes N for an ensemble). Raises ``ValueError`` when a table holds a region outside
    the vocabulary, naming the table, column and codes. The result is plain Python (``dict``, ``str``,
    ``int``, ``float``, ``None``), ready for ``json.dumps``.
    """
    if replicates < 1:
        raise ValueError(f"replicates must be at least 1, not {replicates}")
    codes = tuple(regions) if regions is not None else record_regions()
    unknown = {
        where: sorted(found - set(codes))
        for where, found in tables.regions_used().items()
        if found - set(codes)
    }
    if unknown:
        raise ValueError(f"region codes outside the vocabulary {list(codes)}: {unknown}")
    when = (dates or REQUIRED_DATES).with_required()
    selected = tables.selected
    return {
        "scenario": scenario,
        "seed": seed,
        "replicates": replicates,
        "volunteers": _people(tables.volunteers, codes),
        "selected": {**_people(selected, codes), "mobilized_share": _mobilized_share(selected)},
        "composition": _composition(selected, codes),
        "flows": {"planned": _flows(tables.planned_flows), "actual": _flows(tables.actual_flows)},
        "arrivals": _arrivals(tables.arrivals, when.arrivals),
        "headcount": _headcount(tables.spells, when.headcount),
        "exits": _exits(tables.outcomes, codes, when.exits),
        "coverage": _coverage(tables.coverage, codes, when.coverage),
        "farm_types": _farm_types(tables.coverage, when.farm_types),
    }


def _counts(frame: pl.DataFrame, key: str, vocabulary: Sequence[str]) -> dict[str, int]:
    """Rows of ``frame`` per value of ``key``, every value of the vocabulary present (0 for none)."""
    counted = count_by(frame, [key], "n")
    seen = dict(zip(counted.get_column(key).to_list(), counted.get_column("n").to_list(), strict=True))
    return {value: int(seen.get(value, 0)) for value in vocabulary}


def _people(frame: pl.DataFrame | None, codes: Sequence[str]) -> dict[str, Any]:
    if frame is None:
        return {"total": None, "by_source_region": dict.fromkeys(codes), "by_union": dict.fromkeys(UNIONS)}
    return {
        "total": frame.height,
        "by_source_region": _counts(frame, "source_region", codes),
        "by_union": _counts(frame, "union", UNIONS),
    }


def _mobilized_share(selected: pl.DataFrame | None) -> float | None:
    # The share among the files that say how the person came; a file that does not say is left out.
    if selected is None:
        return None
    known = selected.get_column("recruitment").drop_nulls()
    if known.is_empty():
        return None
    return int((known == Recruitment.MOBILIZED.value).sum()) / known.len()


def _shares(row: dict[str, Any]) -> dict[str, float | None]:
    return {key: (None if row[key] is None else float(row[key])) for key in SHARE_KEYS}


def _composition(selected: pl.DataFrame | None, codes: Sequence[str]) -> dict[str, Any]:
    empty = dict.fromkeys(SHARE_KEYS)
    if selected is None:
        return {"total": empty, "by_source_region": {code: dict(empty) for code in codes}}
    total = _shares(composition_shares(selected).row(0, named=True))
    by_region = {
        row["source_region"]: _shares(row)
        for row in composition_shares(selected, by="source_region").iter_rows(named=True)
    }
    # A region that sent nobody has no composition: every share is null rather than 0.
    return {"total": total, "by_source_region": {code: by_region.get(code, dict(empty)) for code in codes}}


def _flows(frame: pl.DataFrame | None) -> dict[str, dict[str, int]]:
    # Without a table the map is empty: there is no origin to report null for.
    if frame is None:
        return {}
    matrix = od_matrix(frame, origin="from_region", destination="to_region", value="n")
    destinations = [c for c in matrix.columns if c not in ("from_region", "total")]
    return {
        row["from_region"]: {to: int(row[to]) for to in destinations}
        for row in matrix.filter(pl.col("from_region") != "total").iter_rows(named=True)
    }


def _iso(day: date) -> str:
    return day.isoformat()


def _arrivals(frame: pl.DataFrame | None, at: Sequence[date]) -> dict[str, int | None]:
    if frame is None:
        return {_iso(day): None for day in at}
    counted = cumulative_counts(frame, date_col="arrived_on", at=at)
    return {_iso(day): int(n) for day, n in counted.select("date", "n").iter_rows()}


def _headcount(spells: pl.DataFrame | None, at: Sequence[date]) -> dict[str, dict[str, int | None]]:
    if spells is None:
        return {_iso(day): dict.fromkeys(HEADCOUNT_KEYS) for day in at}
    counts = headcount(
        spells,
        at=at,
        state_col="state",
        start_col="start",
        end_col="end",
        states=[s.value for s in ServiceState],
    )
    # Each headcount of §6 is a sum over states; the mapping is data (HEADCOUNT_STATES), not code.
    membership = pl.DataFrame(
        [(key, str(state)) for key, states in HEADCOUNT_STATES.items() for state in states],
        schema={"key": pl.String, "state": pl.String},
        orient="row",
    )
    summed = counts.join(membership, on="state").group_by("date", "key").agg(pl.col("n").sum())
    lookup = {(day, key): int(n) for day, key, n in summed.iter_rows()}
    return {_iso(day): {key: lookup.get((day, key), 0) for key in HEADCOUNT_KEYS} for day in at}


def _exits(outcomes: pl.DataFrame | None, codes: Sequence[str], at: Sequence[date]) -> dict[str, Any]:
    if outcomes is None:
        return {
            "by_channel": dict.fromkeys(CHANNELS),
            "by_source_region": dict.fromkeys(codes),
            "by_channel_until": {_iso(day): dict.fromkeys(CHANNELS) for day in at},
        }
    # One count by region and channel gives both margins (an empty run has no region, hence the defaults).
    counts = exits_by_channel(outcomes, by="source_region")
    by_channel = dict(counts.group_by("channel").agg(pl.col("n").sum()).iter_rows())
    regional = dict(counts.group_by("source_region").agg(pl.col("n").sum()).iter_rows())
    until: dict[str, dict[str, int]] = {_iso(day): {} for day in at}
    for day, channel, n in exits_by_channel_until(outcomes, at=at).iter_rows():
        until[_iso(day)][channel] = int(n)
    return {
        "by_channel": {channel: int(by_channel.get(channel, 0)) for channel in CHANNELS},
        "by_source_region": {code: int(regional.get(code, 0)) for code in codes},
        "by_channel_until": until,
    }


def _ratio(farms: int, with_worker: int) -> float | None:
    # A region or farm type without farms has no share of farms with a worker.
    return with_worker / farms if farms else None


def _coverage(frame: pl.DataFrame | None, codes: Sequence[str], at: Sequence[date]) -> dict[str, Any]:
    out: dict[str, Any] = {
        _iso(day): {"by_destination_region": dict.fromkeys(codes), "total": None} for day in at
    }
    if frame is None:
        return out
    # Snapshots are read at the contract's dates exactly: a date the table lacks stays null.
    snapshot = frame.filter(pl.col("date").is_in(list(at)))
    sums = snapshot.group_by("date", "region").agg(pl.col("farms", "farms_with_worker").sum())
    for day, region, farms, with_worker in sums.iter_rows():
        out[_iso(day)]["by_destination_region"][region] = _ratio(farms, with_worker)
    totals = snapshot.group_by("date").agg(pl.col("farms", "farms_with_worker").sum())
    for day, farms, with_worker in totals.iter_rows():
        out[_iso(day)]["total"] = _ratio(farms, with_worker)
    return out


def _farm_types(frame: pl.DataFrame | None, at: Sequence[date]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {
        _iso(day): dict.fromkeys(t.value for t in FarmType) for day in at
    }
    if frame is None:
        return out
    sums = (
        frame.filter(pl.col("date").is_in(list(at)))
        .group_by("date", "farm_type")
        .agg(pl.col("farms", "farms_with_worker").sum())
    )
    for day, farm_type, farms, with_worker in sums.iter_rows():
        out[_iso(day)][farm_type] = _ratio(farms, with_worker)
    return out
