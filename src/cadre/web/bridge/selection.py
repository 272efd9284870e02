"""Selection between rows and the engine: control figures as quotas, candidates as a frame, the answer."""

from __future__ import annotations

from typing import Any

import polars as pl

from cadre.engine.rulebook import Rulebook
from cadre.engine.selection import Selection, SelectionParams, select
from cadre.twin.planning import quotas_1929
from cadre.web.bridge.files import files_frame

__all__ = ["push_down", "selection_solve", "template_quotas"]


def template_quotas() -> pl.DataFrame:
    """The record's 1929 control figures as region x union quotas (the twin's fitting, no candidates yet)."""
    return quotas_1929(pl.DataFrame(schema={"union": pl.String, "source_region": pl.String}))


def push_down(figures: pl.DataFrame, factories: pl.DataFrame) -> pl.DataFrame:
    """Share each union's figure (union, quota) among factories (factory, union, weight) by largest remainders."""
    joined = factories.join(figures, on="union", how="inner")
    if joined.is_empty():
        return pl.DataFrame(schema={"factory": pl.String, "quota": pl.Int64})
    joined = joined.with_columns(
        (pl.col("quota") * pl.col("weight") / pl.col("weight").sum().over("union")).alias("exact"))
    joined = joined.with_columns(pl.col("exact").floor().cast(pl.Int64).alias("base"))
    joined = joined.with_columns((pl.col("quota") - pl.col("base").sum().over("union")).alias("left"),
                                 (pl.col("exact") - pl.col("base")).alias("frac"))
    joined = joined.sort(["union", "frac", "factory"], descending=[False, True, False]).with_columns(
        pl.int_range(pl.len()).over("union").alias("rank"))
    return joined.select("factory", (pl.col("base") + (pl.col("rank") < pl.col("left")).cast(pl.Int64)).alias("quota"))


def selection_solve(candidates: Any, figures: list[dict[str, Any]], factory_quotas: list[dict[str, Any]],
                    rulebook: Rulebook, *, historical: bool, time_limit: float = 60.0) -> Selection:
    """Run the engine's selection over approved files against the control figures and cohort targets.

    The rulebook's historical targets count only in a historical campaign (SYSTEM.md §7).
    """
    frame = files_frame(candidates)
    quotas = pl.DataFrame(figures, schema={"source_region": pl.String, "union": pl.String, "quota": pl.Int64})
    facs = (pl.DataFrame(factory_quotas, schema={"factory_id": pl.String, "quota": pl.Int64})
            if factory_quotas else None)
    book = rulebook if historical else rulebook.without_historical()
    return select(frame, quotas, targets=book.targets, factory_quotas=facs,
                  params=SelectionParams(time_limit=time_limit))
