"""Distribution between rows and the engine: supply from selected files, the plan back as flows."""

from __future__ import annotations

from typing import Any

import polars as pl

from cadre.engine.distribution import Distribution, distribute
from cadre.twin.planning import plan_distribution
from cadre.twin.posts import assign_destinations
from cadre.web.bridge.files import files_frame

__all__ = ["destinations", "distribution_solve"]


def distribution_solve(files: Any, *, historical: bool, capacity: dict[str, int]) -> tuple[pl.DataFrame, Distribution]:
    """The plan for these files: the 1929 destinations and rules when historical, else the posts' room.

    Returns the files' frame and the engine's answer (``Distribution.pairs``: from_region, to_region, n).
    """
    frame = files_frame(files)
    if historical:
        return frame, plan_distribution(frame)
    supply = frame.group_by("source_region").len().select(
        pl.col("source_region").alias("region"), pl.col("len").cast(pl.Int64).alias("supply"))
    demand = pl.DataFrame({"region": list(capacity), "maximum": list(capacity.values())},
                          schema={"region": pl.String, "maximum": pl.Int64})
    return frame, distribute(supply, demand)


def destinations(frame: pl.DataFrame, pairs: pl.DataFrame) -> dict[str, str]:
    """Each file's destination region, factory groups kept together (the twin's rule)."""
    people = assign_destinations(frame.select("person_id", "source_region", "factory_id", "union"), pairs)
    return dict(people.select("person_id", "destination").iter_rows())
