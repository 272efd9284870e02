"""Replicates: the mean of every number, its 5th and 95th percentiles, nulls and keys seen in some only."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from test_contract import tiny_tables

from cadre.twin.contract import aggregate, build_document, validate_document
from cadre.twin.contract_shape import leaves

Doc = dict[str, Any]


def replicate(extra_volunteers: int, *, extra_flow: bool = False) -> Doc:
    tables = tiny_tables(extra_volunteers=extra_volunteers, extra_flow=extra_flow)
    return build_document(tables, scenario="tiny", seed=11)


def check(documents: list[Doc]) -> Doc:
    """Aggregate; the result must validate, count the replicates, and give every number an interval."""
    result = aggregate(documents)
    assert validate_document(result) == []
    assert result["replicates"] == len(documents)
    assert result["seed"] == 11
    intervals = dict(leaves(result["ci90"]))
    for path, value in leaves(
        {k: v for k, v in result.items() if k not in ("scenario", "seed", "replicates", "ci90")}
    ):
        assert (intervals[path] is None) == (value is None), path
    return result


def test_means_and_percentiles_of_three_replicates() -> None:
    result = check([replicate(0), replicate(1), replicate(3)])
    # Volunteers 5, 6 and 8: the mean, and numpy's linear percentiles (5.1 and 7.8 by hand).
    assert result["volunteers"]["total"] == pytest.approx(19 / 3)
    assert result["ci90"]["volunteers"]["total"] == pytest.approx([5.1, 7.8])
    assert result["volunteers"]["by_source_region"]["MOS"] == pytest.approx(7 / 3)
    assert result["ci90"]["volunteers"]["by_source_region"]["MOS"] == pytest.approx([1.1, 3.8])
    assert result["ci90"]["volunteers"]["total"] == pytest.approx(list(np.percentile([5, 6, 8], [5, 95])))
    # What every replicate agrees on has a degenerate interval, and counts stay unrounded floats.
    assert result["selected"]["total"] == 4.0
    assert isinstance(result["selected"]["total"], float)
    assert result["ci90"]["headcount"]["1930-07-01"]["on_farms"] == [1.0, 1.0]
    assert result["ci90"]["composition"]["total"]["party"] == [0.5, 0.5]
    assert result["scenario"] == "tiny"
    assert list(result)[-1] == "ci90"


def test_nulls_stay_null_and_are_left_out_of_the_statistics() -> None:
    docs = [replicate(0), replicate(1), replicate(3)]
    result = check(docs)
    assert result["composition"]["by_source_region"]["NOR"]["female"] is None
    assert result["ci90"]["composition"]["by_source_region"]["NOR"]["female"] is None
    # A share measured in two replicates of three is the mean of those two.
    docs[0]["coverage"]["1930-07-01"]["total"] = None
    docs[1]["coverage"]["1930-07-01"]["total"] = 0.25
    result = aggregate(docs)
    assert result["coverage"]["1930-07-01"]["total"] == pytest.approx(0.2)
    assert result["ci90"]["coverage"]["1930-07-01"]["total"] == pytest.approx([0.155, 0.245])


def test_keys_of_some_replicates_only_count_as_zero_elsewhere() -> None:
    result = check([replicate(0), replicate(0), replicate(0, extra_flow=True)])
    assert result["flows"]["actual"]["IVA"] == {"CBE": 0.0, "LVO": 1.0, "UKR": 0.0}
    assert result["ci90"]["flows"]["actual"]["IVA"]["LVO"] == pytest.approx([0.0, 2.7])
    assert result["flows"]["actual"]["LEN"]["LVO"] == 1.0


def test_a_date_of_some_replicates_only_is_unknown_elsewhere() -> None:
    docs = [replicate(0), replicate(0)]
    docs[1]["arrivals"]["1930-03-01"] = 4
    result = check(docs)
    assert result["arrivals"]["1930-03-01"] == 4.0
    assert result["ci90"]["arrivals"]["1930-03-01"] == [4.0, 4.0]


def test_one_document_is_returned_unchanged() -> None:
    doc = replicate(2)
    single = aggregate([doc])
    assert single == doc
    assert single is not doc
    assert validate_document(single) == []


def test_what_cannot_be_aggregated() -> None:
    doc = replicate(0)
    other = copy.deepcopy(doc)
    other["scenario"] = "no-retreat"
    with pytest.raises(ValueError, match="different scenarios"):
        aggregate([doc, other])
    other = copy.deepcopy(doc)
    other["seed"] = 12
    with pytest.raises(ValueError, match="seeds differ"):
        aggregate([doc, other])
    assert aggregate([doc, other], seed=99)["seed"] == 99
    with pytest.raises(ValueError, match="already ensembles"):
        aggregate([aggregate([doc, doc]), doc])
    other = copy.deepcopy(doc)
    other["flows"]["planned"]["LEN"] = 3
    with pytest.raises(ValueError, match=r"\$\.flows\.planned\.LEN: an object in some"):
        aggregate([doc, other])
    with pytest.raises(ValueError, match="at least one"):
        aggregate([])
