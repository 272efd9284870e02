"""Validation of a twin document: the bundled JSON Schema, then the rules a schema cannot state.

:func:`validate_document` returns every problem at once, as ``"$.path: message"`` strings, and never
raises on a bad document (a wrong type where an object should be is a problem like any other). The schema
(``data/twin-output.schema.json``, Draft 2020-12) checks keys, types and ranges. The rules after it:

- dated maps (arrivals, headcount, exits.by_channel_until, coverage, farm_types) are keyed by ISO dates;
- region keys are codes of the vocabulary (the record's by default); ``by_union`` has exactly the six unions;
- with one replicate, every count is integral (a mean of replicates need not be);
- cumulative counts never decrease from one date to the next (arrivals; exits per channel), and never
  exceed the exits of the whole run (``by_channel``);
- totals add up: ``total`` is the sum over regions and over unions; exits by channel and by region agree;
- SHARES of one measure (age, party status, years at the factory) add up to 1;
- headcounts nest: on_farms <= farm_system <= rural_work and in_mts <= rural_work;
- shares lie in [0, 1] and counts are not negative in ``ci90`` too (the schema bounds the document's own);
- ``ci90`` is present exactly when replicates > 1, with the document's shape: ``[p5, p95]`` (p5 <= p95)
  for every number, null for every null.

Sums are compared with a tolerance of one part in a million, because means of replicates are floats.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from jsonschema import Draft202012Validator

from cadre.twin.contract_shape import (
    CHANNELS,
    DATED_MAPS,
    SECTIONS,
    UNIONS,
    Path,
    format_path,
    is_share,
    leaves,
    record_regions,
)

__all__ = ["contract_schema", "validate_document"]

Problem = tuple[Path, str]
_TOLERANCE = 1e-6
_MEASURES = (
    ("age_lt23", "age_23_29", "age_30_39", "age_40p"),
    ("party", "komsomol", "nonparty"),
    ("exp_lt5", "exp_5_12", "exp_gt12"),
)


@cache
def _schema_text() -> str:
    return resources.files("cadre.twin").joinpath("data/twin-output.schema.json").read_text(encoding="utf-8")


def contract_schema() -> dict[str, Any]:
    """The bundled JSON Schema of the contract, as a fresh dict."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(contract_schema())


def validate_document(document: Any, *, regions: Sequence[str] | None = None) -> list[str]:
    """Every problem of ``document``, each as ``"$.path: message"``; an empty list for a valid document.

    ``regions`` is the region vocabulary (the record's codes by default). Schema problems come first,
    sorted by path, then the further rules in the order of this module's docstring.
    """
    errors = sorted(_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [(tuple(str(p) for p in error.absolute_path), error.message) for error in errors]
    if isinstance(document, dict):
        codes = frozenset(regions if regions is not None else record_regions())
        for rule in _RULES:
            problems.extend(rule(document, codes))
    return [f"{format_path(path)}: {message}" for path, message in problems]


def _get(node: Any, path: Path) -> Any:
    """The node at ``path``, or None where the document does not have it (the schema reports that)."""
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _map(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _dates(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    for path in DATED_MAPS:
        for key in _map(_get(doc, path)):
            try:
                iso = date.fromisoformat(key).isoformat() == key
            except ValueError:
                iso = False
            if not iso:
                yield (*path, key), "is not an ISO date (YYYY-MM-DD)"


def _region_maps(doc: dict[str, Any]) -> Iterator[Path]:
    for section in ("volunteers", "selected", "composition", "exits"):
        yield (section, "by_source_region")
    for day in _map(doc.get("coverage")):
        yield ("coverage", day, "by_destination_region")
    for kind in ("planned", "actual"):
        yield ("flows", kind)
        for origin in _map(_get(doc, ("flows", kind))):
            yield ("flows", kind, origin)


def _vocabulary(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    for path in _region_maps(doc):
        unknown = sorted(set(_map(_get(doc, path))) - codes)
        if unknown:
            yield path, f"region code(s) {unknown} are not in the region vocabulary"
    for section in ("volunteers", "selected"):
        keys = set(_map(_get(doc, (section, "by_union"))))
        if keys and keys != set(UNIONS):
            yield (section, "by_union"), f"must have exactly the unions {list(UNIONS)}, has {sorted(keys)}"


def _integral(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    if doc.get("replicates") != 1:
        return
    for section in SECTIONS:
        for path, value in leaves(doc.get(section), (section,)):
            if _number(value) and not is_share(path) and not float(value).is_integer():
                yield path, f"a count of one replicate must be an integer, not {value}"


def _series(node: Any) -> list[tuple[str, Any]]:
    return sorted(_map(node).items())


def _float(value: Any) -> float | None:
    """The value as a float where it is a finite number; None otherwise (the schema reports those)."""
    return float(value) if _number(value) else None


def _show(value: float) -> str:
    """A number as a reader expects it: 4, not 4.0, where it is whole."""
    return str(int(value)) if value.is_integer() else str(value)


def _exceeds(a: float, b: float) -> bool:
    """``a > b`` beyond rounding: means of replicates are floats."""
    return a - b > _TOLERANCE * max(1.0, abs(a), abs(b))


def _differ(a: float, b: float) -> bool:
    return _exceeds(a, b) or _exceeds(b, a)


def _cumulative(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    arrivals = [(day, n) for day, v in _series(doc.get("arrivals")) if (n := _float(v)) is not None]
    for (_, before), (day, n) in pairwise(arrivals):
        if _exceeds(before, n):
            yield ("arrivals", day), f"cumulative arrivals fall from {_show(before)} to {_show(n)}"
    totals = _map(_get(doc, ("exits", "by_channel")))
    until = _series(_get(doc, ("exits", "by_channel_until")))
    for channel in CHANNELS:
        points = [(day, n) for day, row in until if (n := _float(_map(row).get(channel))) is not None]
        for (_, before), (day, n) in pairwise(points):
            if _exceeds(before, n):
                yield (
                    ("exits", "by_channel_until", day, channel),
                    f"cumulative exits fall from {_show(before)} to {_show(n)}",
                )
        total = _float(totals.get(channel))
        for day, n in points:
            if total is not None and _exceeds(n, total):
                yield (
                    ("exits", "by_channel_until", day, channel),
                    f"{_show(n)} exceeds by_channel's {_show(total)}",
                )


def _numbers(values: Any) -> list[float] | None:
    """The values as floats when there are some and every one is a number; None otherwise."""
    floats = [_float(v) for v in values]
    return [f for f in floats if f is not None] if floats and None not in floats else None


def _sums(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    pairs: list[tuple[Path, Path]] = [
        (("volunteers", "total"), ("volunteers", "by_source_region")),
        (("volunteers", "total"), ("volunteers", "by_union")),
        (("selected", "total"), ("selected", "by_source_region")),
        (("selected", "total"), ("selected", "by_union")),
    ]
    for total_path, parts_path in pairs:
        total, parts = _float(_get(doc, total_path)), _numbers(_map(_get(doc, parts_path)).values())
        if total is not None and parts is not None and _differ(total, sum(parts)):
            yield total_path, f"{_show(total)} is not the sum of {parts_path[-1]} ({_show(sum(parts))})"
    channels = _numbers(_map(_get(doc, ("exits", "by_channel"))).values())
    regions = _numbers(_map(_get(doc, ("exits", "by_source_region"))).values())
    if channels is not None and regions is not None and _differ(sum(channels), sum(regions)):
        yield (
            ("exits",),
            f"exits by channel ({_show(sum(channels))}) and by source region ({_show(sum(regions))}) differ",
        )
    by_region = _map(_get(doc, ("composition", "by_source_region")))
    groups = [("composition", "total"), *(("composition", "by_source_region", r) for r in by_region)]
    for path in groups:
        shares = _map(_get(doc, path))
        for measure in _MEASURES:
            values = _numbers(shares.get(key) for key in measure)
            if values is not None and _differ(sum(values), 1.0):
                yield path, f"the shares {list(measure)} add up to {_show(sum(values))}, not 1"


def _nesting(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    nested = (("on_farms", "farm_system"), ("farm_system", "rural_work"), ("in_mts", "rural_work"))
    for day, row in _series(doc.get("headcount")):
        counts = _map(row)
        for small, large in nested:
            a, b = _float(counts.get(small)), _float(counts.get(large))
            if a is not None and b is not None and _exceeds(a, b):
                yield ("headcount", day), f"{small} ({_show(a)}) exceeds {large} ({_show(b)})"


def _ranges(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    # The schema bounds the document's own numbers; ci90's are only "an object" to it.
    for path, bounds in leaves(doc.get("ci90"), ("ci90",)):
        if not isinstance(bounds, list):
            continue
        for value in bounds:
            if not _number(value):
                continue
            if value < 0 or (is_share(path[1:]) and value > 1):
                yield path, f"{value} is outside {'[0, 1]' if is_share(path[1:]) else 'the counts (>= 0)'}"


def _ci90(doc: dict[str, Any], codes: frozenset[str]) -> Iterator[Problem]:
    replicates, ci90 = doc.get("replicates"), doc.get("ci90")
    if replicates == 1 and ci90 is not None:
        yield ("ci90",), "is present although replicates is 1"
        return
    if not isinstance(replicates, int) or replicates <= 1:
        return
    if not isinstance(ci90, dict):
        yield ("ci90",), f"is required when replicates is {replicates}"
        return
    expected = {path: value for section in SECTIONS for path, value in leaves(doc.get(section), (section,))}
    found = dict(leaves(ci90))
    for path in sorted(set(found) - set(expected)):
        yield ("ci90", *path), "is not a number of the document"
    for path, value in expected.items():
        bounds = found.get(path)
        if value is None:
            if bounds is not None:
                yield ("ci90", *path), "must be null where the document's value is null"
        elif path not in found:
            yield ("ci90", *path), "is missing"
        elif not (isinstance(bounds, list) and len(bounds) == 2 and all(_number(b) for b in bounds)):
            yield ("ci90", *path), f"must be [p5, p95], not {bounds!r}"
        elif bounds[0] > bounds[1]:
            yield ("ci90", *path), f"p5 ({bounds[0]}) exceeds p95 ({bounds[1]})"


_RULES: tuple[Callable[[dict[str, Any], frozenset[str]], Iterator[Problem]], ...] = (
    _dates,
    _vocabulary,
    _integral,
    _cumulative,
    _sums,
    _nesting,
    _ranges,
    _ci90,
)
