"""Selection at national scale (slow): 70,000 candidates, 17 x 6 cells, 2,000 factory sub-quotas, proven optimal."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from cadre import record
from cadre.engine.certificate import Status
from cadre.engine.schema import personal_file_schema
from cadre.engine.selection import SelectionParams, fit_quotas, plain_milp, select
from cadre.engine.validation import validate
from cadre.io import load_rulebook
from cadre.twin.sample import sample_volunteers

SCHEMA = personal_file_schema(regions=tuple(record.regions().get_column("code").to_list()))
BOOK = load_rulebook("ussr-1929", SCHEMA)


def instance(n: int, factories: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    people = validate(sample_volunteers(n, rng=rng), SCHEMA).clean
    regions = record.quotas("region").select(pl.col("key").alias("source_region"), "quota")
    unions = record.quotas("union").select(pl.col("key").alias("union"), "quota")
    # The record has no chemical quota; here chemical simply gets none (its candidates are outside the quotas).
    seed_cells = people.group_by("source_region", "union").len().select(
        "source_region", "union", (pl.col("len") + 1).cast(pl.Float64).alias("weight")).filter(pl.col("union") != "chemical")
    cells = fit_quotas(regions, unions, seed=seed_cells)
    biggest = people.group_by("factory_id").len().sort(["len", "factory_id"], descending=[True, False]).head(factories)
    caps = biggest.select("factory_id", (pl.col("len") * pl.Series(rng.uniform(0.2, 0.6, biggest.height)))
                          .round(0).cast(pl.Int64).alias("quota"))
    return people, cells, caps


@pytest.mark.slow
def test_national_scale_is_proven_optimal() -> None:
    people, cells, caps = instance(70_000, 2_000, 1929)
    result = select(people, cells, targets=BOOK.targets, factory_quotas=caps)
    assert result.status is Status.OPTIMAL
    assert result.certificate.gap is not None
    assert result.certificate.gap < 1e-9
    assert result.selected.height == result.places


@pytest.mark.slow
@pytest.mark.parametrize("hard", [(), ("women",), ("party_or_komsomol", "youths")])
def test_thousands_of_candidates_agree_with_the_plain_milp(hard: tuple[str, ...]) -> None:
    people, cells, caps = instance(3_000, 150, 7)
    cells = cells.with_columns((pl.col("quota") // 10).alias("quota"))
    targets = [dataclasses.replace(t, hard=True) if t.code in hard else t for t in BOOK.targets]
    fast = select(people, cells, targets=targets, factory_quotas=caps)
    plain = plain_milp(people, cells, targets=targets, factory_quotas=caps, params=SelectionParams(time_limit=300))
    assert fast.status is plain.status
    if fast.status is Status.OPTIMAL:
        assert fast.certificate.objective == pytest.approx(plain.certificate.objective, abs=1e-6)
