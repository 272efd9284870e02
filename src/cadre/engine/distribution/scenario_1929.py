"""The 1929 plan rebuilt by the optimizer from the control figures, and set beside the record's own.

The record's plan (``control_plan_1929.csv``) cannot itself be a feasible plan: its cells add up to
26,680 while the regional quotas add up to 26,380, because the Ivanovo column sends 1,200 where Ivanovo,
keeping 400 of its 1,300, can send only 900. :func:`reproduce_1929` therefore reads the record this way
(each reading is also returned as a sentence in ``adjustments``):

- supply: each source region's quota, which the plan must send in full;
- demand: each destination's total in the record's plan as its **maximum**, with no minimum: the places
  add up to 300 more than the workers, and the optimizer chooses which stay empty;
- priority: the destination's tempo group (1: the major grain regions, first);
- a floor of ``wholesale_target`` workers (10,000 in the record) to tempo-group 1 and 2 regions: the
  record targets that many at districts of wholesale collectivization, which lay in the grain regions,
  and a plan by region sees regions only;
- groups of at least :data:`MIN_GROUP_1929` (50, an assumption: the record says "send them in groups"
  without a number);
- travel: great-circle kilometres between the regional centres of :data:`REGION_CENTERS_1929` (an
  assumption of this scenario, not a figure of the record).

The engine does not read the record: the caller passes its frames in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import polars as pl

from cadre.engine.analytics import plan_vs_actual
from cadre.engine.distribution.check import PlanCheck, check_plan
from cadre.engine.distribution.params import DistributionParams, PriorityFloor
from cadre.engine.distribution.solve import Distribution, distribute

__all__ = [
    "MIN_GROUP_1929",
    "REGION_CENTERS_1929",
    "Inputs1929",
    "Reproduction",
    "floors_1929",
    "inputs_1929",
    "region_distances",
    "reproduce_1929",
]

MIN_GROUP_1929 = 50

# Administrative centre of each region of the 1929 plan (city, latitude, longitude), to price travel.
# An assumption of the scenario: centres as of 1929-30 (Kharkov was the Ukrainian capital; Alma-Ata had
# just become Kazakhstan's); Central Asia, taken together in the plan, is placed at Tashkent.
REGION_CENTERS_1929: Mapping[str, tuple[str, float, float]] = MappingProxyType({
    "NOR": ("Arkhangelsk", 64.54, 40.54), "LEN": ("Leningrad", 59.94, 30.31), "MOS": ("Moscow", 55.76, 37.62),
    "UKR": ("Kharkov", 49.99, 36.23), "IVA": ("Ivanovo", 57.00, 40.97), "NIZ": ("Nizhnii Novgorod", 56.33, 44.00),
    "WES": ("Smolensk", 54.78, 32.05), "CBE": ("Voronezh", 51.67, 39.18), "MVO": ("Samara", 53.20, 50.15),
    "LVO": ("Saratov", 51.53, 46.03), "NCA": ("Rostov-on-Don", 47.24, 39.71), "SIB": ("Novosibirsk", 55.03, 82.92),
    "ZSF": ("Tiflis", 41.72, 44.79), "DAG": ("Makhachkala", 42.98, 47.50), "CAS": ("Tashkent", 41.31, 69.28),
    "URA": ("Sverdlovsk", 56.84, 60.61), "BAS": ("Ufa", 54.74, 55.97), "FEA": ("Khabarovsk", 48.48, 135.08),
    "CRI": ("Simferopol", 44.95, 34.10), "TAT": ("Kazan", 55.79, 49.12), "BSSR": ("Minsk", 53.90, 27.57),
    "KAZ": ("Alma-Ata", 43.24, 76.89),
})


def region_distances(centers: Mapping[str, tuple[str, float, float]] = REGION_CENTERS_1929) -> pl.DataFrame:
    """Great-circle kilometres between every two centres: from_region, to_region, distance (a route each)."""
    rows = []
    for a, (_, lat1, lon1) in centers.items():
        for b, (_, lat2, lon2) in centers.items():
            p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
            h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
            rows.append((a, b, round(2 * 6371.0 * math.asin(min(1.0, math.sqrt(h))), 1)))
    return pl.DataFrame(rows, orient="row",
                        schema={"from_region": pl.String, "to_region": pl.String, "distance": pl.Float64})


def floors_1929(wholesale_target: int | None) -> tuple[PriorityFloor, ...]:
    """The wholesale-collectivization target as a floor on tempo-group 1 and 2 regions (none if None or 0)."""
    if not wholesale_target:
        return ()
    return (PriorityFloor(priority=2, minimum=wholesale_target,
                          label=f"at least {wholesale_target:,} to the grain regions (tempo groups 1-2)"),)


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs1929:
    """Supply, demand and floors read from the record, and how each was read (``adjustments``)."""

    supply: pl.DataFrame  # region, supply
    demand: pl.DataFrame  # region, minimum, maximum, priority
    floors: tuple[PriorityFloor, ...]
    adjustments: tuple[str, ...]


def _regional_quotas(quotas: pl.DataFrame) -> pl.DataFrame:
    if "kind" in quotas.columns:  # the record's layout: kind, key, quota (and the ALL row of the total)
        quotas = quotas.filter((pl.col("kind") == "region") & (pl.col("key") != "ALL"))
    return quotas.select(pl.col("key").alias("region"), pl.col("quota").cast(pl.Int64).alias("supply"))


def inputs_1929(*, quotas: pl.DataFrame, plan: pl.DataFrame, regions: pl.DataFrame,
                wholesale_target: int | None = None) -> Inputs1929:
    """Read the record's quotas (kind, key, quota), plan (from_region, to_region, planned) and regions
    (code, tempo_group) as the optimizer's inputs; see the module's docstring for how."""
    supply = _regional_quotas(quotas)
    tempo = regions.select(pl.col("code").alias("region"), pl.col("tempo_group").fill_null(3).cast(pl.Int64))
    totals = plan.group_by("to_region").agg(pl.col("planned").sum().cast(pl.Int64).alias("maximum"))
    demand = (totals.rename({"to_region": "region"}).join(tempo, on="region", how="left")
              .select("region", pl.lit(0, pl.Int64).alias("minimum"), "maximum",
                      pl.col("tempo_group").fill_null(3).alias("priority")).sort("region"))
    places, workers = int(demand.get_column("maximum").sum()), int(supply.get_column("supply").sum())
    adjustments = [
        f"supply: each source region's quota ({workers:,} in all), sent in full",
        f"demand: each destination's total in the record's plan as its maximum, with no minimum: the places add "
        f"up to {places:,} and the workers to {workers:,}, so {places - workers:,} places stay empty where the "
        "optimizer finds it least costly",
        "priority: the destination's tempo group (1: major grain regions, first)",
    ]
    floors = floors_1929(wholesale_target)
    if floors:
        adjustments.append(f"floor: {floors[0].label}: the record targets {wholesale_target:,} workers at the "
                           "districts of wholesale collectivization, which lay in the grain regions; a plan by "
                           "region sees regions only")
    return Inputs1929(supply=supply, demand=demand, floors=floors, adjustments=tuple(adjustments))


@dataclass(frozen=True, slots=True, kw_only=True)
class Reproduction:
    """The optimizer's 1929 plan beside the record's.

    ``pairs``: from_region, to_region, record, model, difference (model - record), with a total row;
    ``by_origin`` and ``by_destination`` the same by region (``by_origin`` adds the quota). ``overlap`` is
    the share of the model's workers who travel a pair at no more than the record's figure for it.
    """

    inputs: Inputs1929
    distribution: Distribution
    record_check: PlanCheck
    pairs: pl.DataFrame
    by_origin: pl.DataFrame
    by_destination: pl.DataFrame
    record_stay_share: float
    model_stay_share: float | None
    overlap: float | None


def _side_by_side(record: pl.DataFrame, model: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    compared = plan_vs_actual(record.rename({"n": "planned"}), model.rename({"n": "actual"}), keys=keys, total=True)
    return compared.rename({"planned": "record", "actual": "model"}).drop("fulfilment")


def reproduce_1929(
    *,
    quotas: pl.DataFrame,
    plan: pl.DataFrame,
    regions: pl.DataFrame,
    printed_total: int | None = None,
    wholesale_target: int | None = None,
    params: DistributionParams | None = None,
    distances: pl.DataFrame | None = None,
    ties: pl.DataFrame | None = None,
) -> Reproduction:
    """Rebuild the 1929 plan from the control figures and compare it with the record's plan.

    ``params`` default to groups of :data:`MIN_GROUP_1929` and the wholesale floor; ``distances`` to
    :func:`region_distances`; ``ties`` are patronage ties as :func:`distribute` takes them (the record
    names none). ``printed_total`` (26,380) is the total the record's plan is checked
    against. The record's plan is checked with the same supply, demand, group size and floors.
    """
    inputs = inputs_1929(quotas=quotas, plan=plan, regions=regions, wholesale_target=wholesale_target)
    params = params or DistributionParams(min_group=MIN_GROUP_1929, floors=inputs.floors)
    codes = regions.get_column("code").to_list()
    result = distribute(inputs.supply, inputs.demand, params=params, regions=codes, ties=ties,
                        distances=region_distances() if distances is None else distances)
    record_check = check_plan(plan, inputs.supply, inputs.demand, min_group=params.min_group,
                              printed_total=printed_total, floors=params.floors, regions=codes)
    record_pairs = record_check.pairs
    model_pairs = result.pairs
    pairs = _side_by_side(record_pairs, model_pairs, ["from_region", "to_region"])
    by_origin = _side_by_side(
        record_pairs.group_by(pl.col("from_region").alias("region")).agg(pl.col("n").sum()),
        model_pairs.group_by(pl.col("from_region").alias("region")).agg(pl.col("n").sum()), ["region"])
    by_origin = by_origin.join(inputs.supply.rename({"supply": "quota"}), on="region", how="left",
                               maintain_order="left").with_columns(
        pl.when(pl.col("region") == "total").then(inputs.supply.get_column("supply").sum())
        .otherwise(pl.col("quota")).alias("quota"))
    by_destination = _side_by_side(
        record_pairs.group_by(pl.col("to_region").alias("region")).agg(pl.col("n").sum()),
        model_pairs.group_by(pl.col("to_region").alias("region")).agg(pl.col("n").sum()), ["region"])
    record_total = int(record_pairs.get_column("n").sum())
    record_kept = int(record_pairs.filter(pl.col("from_region") == pl.col("to_region")).get_column("n").sum())
    model_total = int(model_pairs.get_column("n").sum())
    inner = pairs.filter(pl.col("from_region") != "total")
    shared = int(inner.select(pl.min_horizontal("record", "model")).to_series().sum())
    return Reproduction(
        inputs=inputs, distribution=result, record_check=record_check, pairs=pairs, by_origin=by_origin,
        by_destination=by_destination, record_stay_share=record_kept / record_total if record_total else 0.0,
        model_stay_share=result.stay_share, overlap=shared / model_total if model_total else None,
    )
