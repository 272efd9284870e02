"""Coverage of collective farms by workers of the campaign (SYSTEM.md §3.7, §4; the contract's coverage).

The record gives the number of farms in 1931 (190,111) but not by region or form. The farms of a run are
spread over the destination regions in proportion to the workers the 1929 plan sent there, weighted up
where collectivization had a later deadline (more, smaller farms per worker sent: an assumption), and over
the forms in the scenario's shares. A farm has a worker when one of the campaign's workers holds a post on
it; workers on farms are spread over ``posts_per_farm`` to a farm.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from cadre import record
from cadre.engine.analytics import headcount
from cadre.twin.contract_tables import FarmType, ServiceState
from cadre.twin.scenario import Scenario

__all__ = ["COVERAGE_DATES", "coverage"]

COVERAGE_DATES = (dt.date(1930, 7, 1), dt.date(1931, 6, 1))
_TEMPO_WEIGHT = {1: 1.0, 2: 1.5, 3: 2.5}  # farms per worker planned, by tempo group (assumption)


def coverage(spells: pl.DataFrame, destination: pl.DataFrame, scn: Scenario, *, scale: float) -> pl.DataFrame:
    """Rows (date, region, farm_type, farms, farms_with_worker) at the contract's coverage dates.

    ``destination`` maps person_id to the region where the worker serves.
    """
    plan = record.control_plan().group_by("to_region").agg(pl.col("planned").sum())
    tempo = dict(record.regions().select("code", "tempo_group").iter_rows())
    weight = plan.with_columns(pl.col("to_region").replace_strict(tempo, default=3).alias("tempo")).with_columns(
        (pl.col("planned") * pl.col("tempo").replace_strict(_TEMPO_WEIGHT, default=2.5)).alias("w"))
    regions = weight.get_column("to_region").to_list()
    share = (weight.get_column("w") / weight.get_column("w").sum()).to_numpy()
    kinds = [FarmType.ARTEL.value, FarmType.KOMMUNA.value, FarmType.TOZ.value]
    type_share = np.array([scn["artel_share"], scn["kommuna_share"], 1 - scn["artel_share"] - scn["kommuna_share"]])
    on_farms = spells.filter(pl.col("state") == ServiceState.FARM.value).join(
        destination, on="person_id", how="left")
    rows = []
    for day, total in zip(COVERAGE_DATES, (scn["farms_1931"] * scn["farms_1930_ratio"], scn["farms_1931"]), strict=True):
        counts = headcount(on_farms.rename({"destination": "region_state"}), at=[day], state_col="region_state",
                           start_col="start", end_col="end")
        workers = dict(counts.select("state", "n").iter_rows())
        for region, s in zip(regions, share, strict=True):
            farms_region = total * scale * s
            with_worker = min(farms_region, workers.get(region, 0) / scn["posts_per_farm"])
            for kind, ts in zip(kinds, type_share, strict=True):
                farms = round(farms_region * ts)
                rows.append({"date": day, "region": region, "farm_type": kind, "farms": farms,
                             "farms_with_worker": min(farms, round(with_worker * ts))})
    return pl.DataFrame(rows, schema={"date": pl.Date, "region": pl.String, "farm_type": pl.String,
                                      "farms": pl.Int64, "farms_with_worker": pl.Int64})
