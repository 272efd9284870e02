"""Replicates: many documents of one scenario become one document of means with a 90% interval.

SYSTEM.md §6: "With several replicates, each number is the mean, and a sibling key ``ci90`` holds the 5th
and 95th percentiles in the same shape." The choices this module makes, leaf by leaf:

- **Means are not rounded.** A mean of counts is a ``float`` (the schema allows any number), because
  rounding 0.4 exits per replicate to 0 would hide what the ensemble says.
- **Percentiles** are ``numpy.percentile(values, [5, 95])`` with numpy's default ``method="linear"``
  (Hyndman and Fan's definition 7, linear interpolation between order statistics), over the replicates
  that measured the leaf. Each number of the document is replaced in ``ci90`` by ``[p5, p95]``.
- **Null** means "not measured" and is left out of the mean and the percentiles. A leaf null in every
  replicate stays null, in the means and in ``ci90`` (null, not ``[null, null]``).
- **Keys present in some replicates only** (a region or origin-destination pair that one replicate never
  produced) are kept, the union of all replicates' keys in order of first appearance. A missing count of
  a region, union or origin-destination pair is 0 (nobody was there); anything else missing is null: a
  share (nothing to divide), a date (a cumulative count at a date a replicate did not report is unknown,
  not 0), a fixed key of §6 (see :func:`cadre.twin.contract_shape.absent_means_zero`).
- ``ci90`` holds the measurement sections only, not ``scenario``, ``seed`` or ``replicates``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from cadre.twin.contract_shape import SECTIONS, Document, Path, absent_means_zero, format_path

__all__ = ["PERCENTILES", "aggregate", "aggregate_section"]

# The percentiles of ci90, and numpy's method for them (its default, stated so that it cannot drift).
PERCENTILES: tuple[float, float] = (5.0, 95.0)
_METHOD: Final = "linear"


class _Missing:
    """A key that a replicate's document does not have (distinct from a null value)."""


_MISSING = _Missing()


def aggregate(documents: Sequence[Document], *, seed: int | None = None) -> Document:
    """One document of the means of ``documents``, with ``ci90`` and ``replicates`` set to their number.

    Every document must be a single replicate (``replicates`` 1, no ``ci90``) of the same scenario.
    ``seed`` is the experiment's seed to write; by default the documents' common seed (their seeds must
    then agree; a replicate's document carries the experiment's seed, not its spawned stream's). One
    document is returned as an unchanged copy. Raises ``ValueError`` on an empty sequence, mixed
    scenarios, disagreeing seeds, an ensemble among the inputs, or documents of different shapes.
    """
    if not documents:
        raise ValueError("aggregate needs at least one document")
    scenarios = {doc.get("scenario") for doc in documents}
    if len(scenarios) != 1:
        raise ValueError(
            f"documents of different scenarios cannot be aggregated: {sorted(map(str, scenarios))}"
        )
    ensembles = [i for i, doc in enumerate(documents) if doc.get("replicates") != 1 or "ci90" in doc]
    if ensembles:
        raise ValueError(f"document(s) {ensembles} are already ensembles (replicates != 1 or ci90 present)")
    if seed is None:
        seeds = {doc.get("seed") for doc in documents}
        if len(seeds) != 1:
            raise ValueError(f"the documents' seeds differ ({sorted(map(str, seeds))}); pass seed=")
        seed = documents[0].get("seed")
    if len(documents) == 1:
        single = copy.deepcopy(documents[0])
        single["seed"] = seed
        return single
    means: Document = {"scenario": documents[0]["scenario"], "seed": seed, "replicates": len(documents)}
    intervals: Document = {}
    for section in SECTIONS:
        means[section], intervals[section] = _merge(
            [doc.get(section, _MISSING) for doc in documents], (section,)
        )
    means["ci90"] = intervals
    return means


def aggregate_section(nodes: Sequence[Any], name: str) -> tuple[Any, Any]:
    """Means and ``[p5, p95]`` of one section outside the contract (None where a replicate lacks it)."""
    return _merge([_MISSING if node is None else node for node in nodes], (name,))


def _merge(nodes: list[Any], path: Path) -> tuple[Any, Any]:
    """The mean and the interval of one node across replicates: a dict of them, or a leaf's."""
    present = [node for node in nodes if node is not _MISSING]
    if any(isinstance(node, dict) for node in present):
        if not all(isinstance(node, dict) for node in present):
            raise ValueError(f"{format_path(path)}: an object in some documents and a value in others")
        keys = list(dict.fromkeys(key for node in present for key in node))
        mean: dict[str, Any] = {}
        interval: dict[str, Any] = {}
        for key in keys:
            children = [node.get(key, _MISSING) if isinstance(node, dict) else _MISSING for node in nodes]
            mean[key], interval[key] = _merge(children, (*path, key))
        return mean, interval
    values = [_leaf_value(node, path) for node in nodes]
    measured = np.array([v for v in values if v is not None], dtype=np.float64)
    if measured.size == 0:
        return None, None
    low, high = np.percentile(measured, list(PERCENTILES), method=_METHOD)
    return float(measured.mean()), [float(low), float(high)]


def _leaf_value(node: Any, path: Path) -> float | None:
    if node is _MISSING:
        return 0.0 if absent_means_zero(path) else None
    if node is None:
        return None
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise ValueError(f"{format_path(path)}: expected a number or null, got {node!r}")
    return float(node)
