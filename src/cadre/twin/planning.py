"""The 1929 control figures and distribution plan as inputs to the engine's optimizers, at any scale.

Shared by the demo and the twin: quotas per region x union fitted from the record's two marginals, and the
origin-destination plan for a selected cohort built by the distribution optimizer with the record's
destinations, priorities and minimum group size.
"""

from __future__ import annotations

import polars as pl

from cadre import record
from cadre.engine.distribution import (
    MIN_GROUP_1929,
    Distribution,
    DistributionParams,
    distribute,
    floors_1929,
    inputs_1929,
    region_distances,
)
from cadre.engine.schema import UNIONS_1929
from cadre.engine.selection import fit_quotas

__all__ = ["plan_distribution", "planned_flows", "quotas_1929"]


def quotas_1929(candidates: pl.DataFrame, *, scale: float = 1.0) -> pl.DataFrame:
    """The 1929 control figures as quotas per source region x union, fitted to the candidates.

    The record gives quotas by region and by union only (:func:`cadre.record.quotas`). Its union axis has no
    chemical quota ("other" is the unitemized rest), so "other" is split between chemical and other in
    proportion to the candidates of each. The cells then follow the candidates: the seed of
    :func:`fit_quotas` is the number of candidates per cell plus one, so that a cell without candidates keeps
    a small share of its region's and union's quotas and shows up as a shortfall rather than vanishing.
    ``scale`` multiplies the control figures (for a run on a fraction of the work force).
    """
    by_region = record.quotas("region").select(
        pl.col("key").alias("source_region"), (pl.col("quota") * scale).round().cast(pl.Int64).alias("quota"))
    unions = record.quotas("union").select(pl.col("key").alias("union"), "quota")
    total = int(by_region.get_column("quota").sum())
    unions = unions.with_columns((pl.col("quota") * total / unions.get_column("quota").sum()).round().cast(pl.Int64))
    # Rounding may leave the two marginals a few apart; the last union absorbs the difference.
    unions = unions.with_columns(pl.when(pl.col("union") == "other")
                                 .then(pl.col("quota") + total - unions.get_column("quota").sum())
                                 .otherwise(pl.col("quota")))
    count = dict(candidates.group_by("union").len().iter_rows())
    other = int(unions.filter(pl.col("union") == "other").item(0, "quota"))
    chem, rest = count.get("chemical", 0) + 1, count.get("other", 0) + 1
    chemical = round(other * chem / (chem + rest))
    by_union = pl.concat([
        unions.filter(pl.col("union") != "other"),
        pl.DataFrame({"union": ["chemical", "other"], "quota": [chemical, other - chemical]},
                     schema={"union": pl.String, "quota": pl.Int64}),
    ])
    grid = by_region.select("source_region").join(pl.DataFrame({"union": list(UNIONS_1929)}), how="cross")
    seed = grid.join(candidates.group_by("source_region", "union").len(), on=["source_region", "union"], how="left")
    seed = seed.select("source_region", "union", (pl.col("len").fill_null(0) + 1).cast(pl.Float64).alias("weight"))
    return fit_quotas(by_region, by_union, seed=seed)


def plan_distribution(selected: pl.DataFrame, *, scale: float | None = None) -> Distribution:
    """The origin-destination plan for a selected cohort: the record's destinations, groups, priorities.

    ``scale`` is the run's share of the full work force: the destinations' upper limits, the record's
    10,000 for the grain regions and its groups of 50 shrink with it, so that a small run is a miniature of
    the full one (without it, a small cohort would fit entirely into the first-priority regions). Without
    ``scale`` (a cohort of real files), the figures are scaled to the cohort's size against the 1929
    quotas. No group is required to be larger than the smallest region's contingent.
    """
    supply = selected.group_by("source_region").len().select(
        pl.col("source_region").alias("region"), pl.col("len").cast(pl.Int64).alias("supply"))
    inputs = inputs_1929(quotas=record.quotas(), plan=record.control_plan(), regions=record.regions())
    demand = inputs.demand
    cohort = int(supply["supply"].sum()) / record.quota_total()
    if scale is not None and scale < 1.0:
        demand = demand.with_columns(
            (pl.col(c).cast(pl.Float64) * scale).ceil().cast(pl.Int64).alias(c) for c in ("minimum", "maximum"))
        # A cohort smaller than its share of the quotas cannot meet floors meant for the whole share.
        scale = min(scale, cohort)
    else:
        scale = cohort
    floor = round(record.observation("wholesale_districts_target") * scale)
    # A region that sends fewer workers than a group still sends them, as one group.
    smallest = int(supply.get_column("supply").min() or 1)  # type: ignore[arg-type]
    group = min(max(1, round(MIN_GROUP_1929 * min(1.0, scale))), smallest)
    params = DistributionParams(min_group=group, floors=floors_1929(floor))
    return distribute(supply, demand, params=params, distances=region_distances())


def planned_flows(*, scale: float = 1.0) -> pl.DataFrame:
    """The record's 1929 plan (corrected reading) scaled to a run: from_region, to_region, n."""
    plan = record.control_plan()
    return plan.select("from_region", "to_region", (pl.col("planned") * scale).round().cast(pl.Int64).alias("n"))
