"""The record's figures that a twin document can be held against, and the comparison itself.

:func:`targets` reads the record (``observations.csv``, ``composition_1930_ussr.csv``, the 1929 control
plan) and returns one row per figure that has a place in the output contract: its value (or bounds), its
unit, the document path it compares with and how. Only which figure goes with which path is written in
code (:data:`OBSERVATION_PATHS`); every number comes from the record's files.

:func:`compare` sets a document beside the targets: the model's value (the mean, for an ensemble), its
90% interval from ``ci90``, the error and whether the record's value lies in the interval.

Paths are written as :func:`cadre.twin.contract_shape.format_path` writes them, ``$.arrivals.1930-02-02``;
a path ending in ``.*`` is the sum of the numbers below it (exits of every channel, say).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import polars as pl

from cadre import record
from cadre.engine.analytics import CATEGORIES
from cadre.twin.contract_shape import Document, Path, absent_means_zero, leaves
from cadre.twin.diagnostics import DIAGNOSTIC_KEY

__all__ = [
    "COMPARISON_SCHEMA",
    "DIAGNOSTIC_OBSERVATIONS",
    "OBSERVATION_PATHS",
    "TARGET_SCHEMA",
    "Comparison",
    "Role",
    "compare",
    "targets",
]


class Comparison(StrEnum):
    """How the record's figure constrains the model's value."""

    POINT = "point"  # one figure (possibly "about"); the model should reproduce it
    AT_LEAST = "at_least"  # a lower bound: the record says "more than" or "over"
    RANGE = "range"  # two figures that bound the value (record_low..record_high)


class Role(StrEnum):
    """What the target is for."""

    CALIBRATION = "calibration"  # a figure the twin is fitted to, or validated against
    INPUT = "input"  # a figure a historical scenario takes as given (the 1929 plan): the run must carry it


TARGET_SCHEMA: Mapping[str, pl.DataType] = MappingProxyType(
    {
        "target_id": pl.String(),
        "description": pl.String(),
        "source": pl.String(),  # file and key of the record the figure comes from
        "as_of": pl.Date(),
        "comparison": pl.String(),
        "role": pl.String(),
        "unit": pl.String(),  # people or share (percents of the record are turned into shares)
        "path": pl.String(),
        "record_low": pl.Float64(),
        "record_high": pl.Float64(),  # equal to record_low for a point; null for a lower bound
    }
)
COMPARISON_SCHEMA: Mapping[str, pl.DataType] = MappingProxyType(
    {
        **TARGET_SCHEMA,
        "record_value": pl.Float64(),
        "model": pl.Float64(),
        "model_p5": pl.Float64(),
        "model_p95": pl.Float64(),
        "error": pl.Float64(),
        "abs_error": pl.Float64(),
        "rel_error": pl.Float64(),
        "record_in_ci90": pl.Boolean(),
    }
)

# Observations with a place in the contract: id -> (path, with {as_of} for the figure's date; comparison).
# volunteers_total is printed as "more than 70000", hence a lower bound; "about 22,000" is a point.
OBSERVATION_PATHS: Mapping[str, tuple[str, Comparison]] = MappingProxyType(
    {
        "volunteers_total": ("$.volunteers.total", Comparison.AT_LEAST),
        "selected_total": ("$.selected.total", Comparison.POINT),
        "arrived_0202": ("$.arrivals.{as_of}", Comparison.POINT),
        "arrived_0209": ("$.arrivals.{as_of}", Comparison.POINT),
        "remaining_summer_1930": ("$.headcount.{as_of}.rural_work", Comparison.POINT),
        "on_farms_summer_1930": ("$.headcount.{as_of}.on_farms", Comparison.POINT),
        "in_mts_summer_1930": ("$.headcount.{as_of}.in_mts", Comparison.POINT),
        "coverage_1930": ("$.coverage.{as_of}.total", Comparison.POINT),
    }
)
# Observations outside the contract: id -> (diagnostic of cadre.twin.diagnostics; comparison).
# "over 10000" is a lower bound; the Leningrad union cut is printed as 15-20 percent, a range.
DIAGNOSTIC_OBSERVATIONS: Mapping[str, tuple[str, Comparison]] = MappingProxyType(
    {
        "cut_tier_factory_len": ("len_cut_tier2", Comparison.POINT),
        "cut_tier_union_len": ("len_cut_tier3", Comparison.POINT),
        "cut_tier_council_len": ("len_cut_tier4", Comparison.POINT),
        "unaccounted_spring_1930": ("unaccounted_spring_1930", Comparison.AT_LEAST),
    }
)
# Figures the record gives in a note rather than as a value; a changed note must fail loudly, not silently.
_LEFT_BY_SUMMER = re.compile(r"about (\d+) had left")
_REST_ARRIVED = re.compile(r"the rest arrived by mid-February")


def targets(*, scale: float = 1.0) -> pl.DataFrame:
    """Every target of the record, one row each, in the columns of :data:`TARGET_SCHEMA`.

    ``scale`` is a run's share of the full work force: counts of people are scaled by it, shares are not.
    """
    people = pl.col("unit") == "people"
    return _record_targets().with_columns(
        pl.when(people).then(pl.col(c) * scale).otherwise(pl.col(c)).alias(c) for c in ("record_low", "record_high")
    )


def _row(target_id: str, description: str, source: str, as_of: date | None, path: str, low: float,
         high: float | None, *, comparison: Comparison = Comparison.POINT, unit: str = "people",
         role: Role = Role.CALIBRATION) -> dict[str, Any]:  # fmt: skip
    return {"target_id": target_id, "description": description, "source": source, "as_of": as_of,
            "comparison": comparison.value, "role": role.value, "unit": unit, "path": path,
            "record_low": low, "record_high": high}  # fmt: skip


def _record_targets() -> pl.DataFrame:
    obs = {row["id"]: row for row in record.observations().iter_rows(named=True)}
    rows = []
    for target_id, (template, comparison) in OBSERVATION_PATHS.items():
        o = obs[target_id]
        high = None if comparison is Comparison.AT_LEAST else o["value_high"]
        path = template.format(as_of=o["as_of"].isoformat())
        rows.append(_row(target_id, o["measure"], f"observations.csv:{target_id}", o["as_of"], path,
                         o["value_low"], high, comparison=comparison, unit=o["unit"]))  # fmt: skip

    sent, by_0209 = obs["selected_total"], obs["arrived_0209"]
    if not _REST_ARRIVED.search(by_0209["note"] or ""):
        raise LookupError("observations.csv: arrived_0209 no longer says the rest arrived by mid-February")
    rows.append(_row("arrived_mid_february", "arrived in the countryside: everyone sent, by mid-February",
                     "observations.csv:arrived_0209 (note) and selected_total", sent["as_of"],
                     f"$.arrivals.{sent['as_of'].isoformat()}", sent["value_low"], sent["value_low"]))  # fmt: skip

    summer = obs["remaining_summer_1930"]
    left = _LEFT_BY_SUMMER.search(summer["note"] or "")
    if left is None:
        raise LookupError("observations.csv: the note of remaining_summer_1930 no longer gives the exits")
    rows.append(_row("exits_summer_1930", "workers who had left by summer 1930, every channel together",
                     "observations.csv:remaining_summer_1930 (note)", summer["as_of"],
                     f"$.exits.by_channel_until.{summer['as_of'].isoformat()}.*", float(left.group(1)),
                     float(left.group(1))))  # fmt: skip

    low, high = obs["mobilized_share_len"], obs["mobilized_share_mos_sample"]
    rows.append(_row("mobilized_share", "share of the selected who were mobilized: Leningrad (low) to a "
                     "Moscow sample (high)", "observations.csv:mobilized_share_len, mobilized_share_mos_sample",
                     low["as_of"], "$.selected.mobilized_share", low["value_low"], high["value_high"],
                     comparison=Comparison.RANGE, unit="share"))  # fmt: skip

    # Figures outside the contract, read from the diagnostics section of a calibration document.
    for target_id, (name, comparison) in DIAGNOSTIC_OBSERVATIONS.items():
        o = obs[target_id]
        high = None if comparison is Comparison.AT_LEAST else o["value_high"]
        rows.append(_row(target_id, f"{o['measure']} ({o['scope']})", f"observations.csv:{target_id}", o["as_of"],
                         f"$.{DIAGNOSTIC_KEY}.{name}", o["value_low"], high, comparison=comparison,
                         unit=o["unit"]))  # fmt: skip

    # The composition is over the workers whose personal files survive (observation personal_files).
    files = obs["personal_files"]
    share_of = {(str(c.measure), c.label): c.share for c in CATEGORIES if c.share is not None}
    for measure, category, percent in record.composition().iter_rows():
        share = share_of.get((measure, category))
        if share is not None:
            rows.append(_row(f"composition_{share}", f"share of the selected: {measure} {category}",
                             f"composition_1930_ussr.csv:{measure}/{category}", files["as_of"],
                             f"$.composition.total.{share}", percent / 100, percent / 100, unit="share"))  # fmt: skip

    for origin, destination, planned, *_ in record.control_plan().iter_rows():
        rows.append(_row(f"plan_{origin}_{destination}", f"planned workers from {origin} to {destination}",
                         f"control_plan_1929.csv:{origin}->{destination}", None,
                         f"$.flows.planned.{origin}.{destination}", float(planned), float(planned),
                         role=Role.INPUT))  # fmt: skip
    return pl.DataFrame(rows, schema=dict(TARGET_SCHEMA), orient="row")


def compare(document: Document, targets: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each target beside the document's value, in the columns of :data:`COMPARISON_SCHEMA`.

    ``model`` is the number at the target's path (the mean of an ensemble); ``model_p5`` and
    ``model_p95`` its interval from ``ci90`` (null without one, and for a ``.*`` sum, whose percentiles
    cannot be rebuilt from those of its parts). ``record_value`` is the figure, the bound, or the middle of
    a range. ``error`` is the signed distance from the model to what the record allows (model minus record
    for a point; 0 inside a range or above a lower bound), ``abs_error`` its size and ``rel_error`` that
    over ``|record_value|``. ``record_in_ci90`` says whether the record's figure (or some value it allows)
    lies in the model's interval; null without an interval. A count that a non-empty map of the document
    lacks (a plan pair nobody was sent along) reads as 0; any other missing number as null.
    """
    table = _record_targets() if targets is None else targets
    ci90 = document.get("ci90")
    model, p5, p95 = [], [], []
    for path in table.get_column("path").to_list():
        keys = _parse(path)
        model.append(_lookup(document, keys))
        bounds = _lookup_interval(ci90, keys) if isinstance(ci90, dict) else None
        p5.append(None if bounds is None else bounds[0])
        p95.append(None if bounds is None else bounds[1])
    low, high, value = pl.col("record_low"), pl.col("record_high"), pl.col("model")
    kind = pl.col("comparison")
    record_value = pl.when(kind == Comparison.RANGE.value).then((low + high) / 2).otherwise(low)
    error = (
        pl.when(kind == Comparison.POINT.value)
        .then(value - low)
        .when(value < low)
        .then(value - low)
        .when((kind == Comparison.RANGE.value) & (value > high))
        .then(value - high)
        .otherwise(pl.when(value.is_not_null()).then(0.0))
    )
    lo, hi = pl.col("model_p5"), pl.col("model_p95")
    inside = (
        pl.when(lo.is_null() | hi.is_null())
        .then(None)
        .when(kind == Comparison.POINT.value)
        .then((lo <= low) & (low <= hi))
        .when(kind == Comparison.AT_LEAST.value)
        .then(hi >= low)
        .otherwise((lo <= high) & (hi >= low))
    )
    return (
        table.with_columns(
            pl.Series("model", model, dtype=pl.Float64),
            pl.Series("model_p5", p5, dtype=pl.Float64),
            pl.Series("model_p95", p95, dtype=pl.Float64),
        )
        .with_columns(
            record_value.alias("record_value"), error.alias("error"), inside.alias("record_in_ci90")
        )
        .with_columns(pl.col("error").abs().alias("abs_error"))
        .with_columns(
            pl.when(pl.col("record_value") != 0)
            .then(pl.col("abs_error") / pl.col("record_value").abs())
            .alias("rel_error")
        )
        .select(list(COMPARISON_SCHEMA))
    )


def _parse(path: str) -> Path:
    if not path.startswith("$."):
        raise ValueError(f"target path {path!r} does not start with '$.'")
    return tuple(path[2:].split("."))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class _Zero:
    """A count that a measured map lacks: nobody was there."""


_ZERO = _Zero()


def _read(root: Any, keys: Path) -> Any:
    """The node at ``keys``; :data:`_ZERO` for a count a non-empty map lacks; None for anything else missing."""
    node: Any = root
    for key in keys:
        if not isinstance(node, dict):
            return None
        if key not in node:
            # A plan pair that a measured (non-empty) map lacks had nobody on it; an empty map measured nothing.
            return _ZERO if node and absent_means_zero(keys) else None
        node = node[key]
    return node


def _lookup(document: Document, keys: Path) -> float | None:
    """The number at ``keys``: a leaf, the sum under a trailing ``*``, 0 for a count a map lacks."""
    if keys and keys[-1] == "*":
        parent = _read(document, keys[:-1])
        values = [_number(v) for _, v in leaves(parent)] if isinstance(parent, dict) and parent else [None]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)
    node = _read(document, keys)
    return 0.0 if node is _ZERO else _number(node)


def _lookup_interval(ci90: dict[str, Any], keys: Path) -> tuple[float, float] | None:
    """The ``[p5, p95]`` at ``keys`` of ``ci90``; (0, 0) for a count every replicate lacked."""
    # The percentiles of a sum are not the sums of the parts' percentiles, so a sum has no interval here.
    if keys and keys[-1] == "*":
        return None
    bounds = _read(ci90, keys)
    if bounds is _ZERO:
        return (0.0, 0.0)
    if not (isinstance(bounds, list) and len(bounds) == 2):
        return None
    low, high = _number(bounds[0]), _number(bounds[1])
    return None if low is None or high is None else (low, high)
