"""Analytics between rows and the engine: the campaign's tables rebuilt from its rows (SYSTEM.md §5).

Selectors pass rows the user may see (as value dicts); these functions make the engine's frames and call
``cadre.engine.analytics``, the same code the twin's output uses. Nothing here filters by role.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl

from cadre.engine.analytics import (
    composition,
    count_by,
    cumulative_counts,
    cumulative_incidence,
    exits_by_channel,
    headcount,
    kaplan_meier,
    od_matrix,
    plan_vs_actual,
)

__all__ = ["PEOPLE_COLUMNS", "arrivals_over_time", "composition_table", "coverage_table", "flows_tables", "headcount_over_time",
           "people_frame", "plan_tables", "retention_tables"]

PEOPLE_COLUMNS = {"person_id": pl.String, "source_region": pl.String, "union": pl.String, "sex": pl.String,
           "age": pl.Int64, "party_status": pl.String, "years_at_factory": pl.Float64, "status": pl.String}


def people_frame(rows: Sequence[dict[str, Any]]) -> pl.DataFrame:
    """Personal files (the columns analytics reads) as a frame."""
    return pl.DataFrame(list(rows), schema=PEOPLE_COLUMNS) if rows else pl.DataFrame(schema=PEOPLE_COLUMNS)


def composition_table(people: pl.DataFrame) -> pl.DataFrame:
    """The composition (sex, age, party, years at the factory) by source region, in the record's layout."""
    return composition(people, by="source_region") if people.height else composition(people)


def plan_tables(figures: Sequence[dict[str, Any]], selected: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Control figures against the selected, by region, by union, and by region and union."""
    plan = pl.DataFrame(list(figures), schema={"source_region": pl.String, "union": pl.String, "planned": pl.Int64},
                        orient="row")
    actual = count_by(selected, ["source_region", "union"], "actual") if selected.height else pl.DataFrame(
        schema={"source_region": pl.String, "union": pl.String, "actual": pl.Int64})
    out = {"region_union": plan_vs_actual(plan, actual, keys=["source_region", "union"])}
    for key, name in (("source_region", "region"), ("union", "union")):
        out[name] = plan_vs_actual(plan.group_by(key).agg(pl.col("planned").sum()),
                                   actual.group_by(key).agg(pl.col("actual").sum()), keys=[key], total=True)
    return out


def flows_tables(planned: Sequence[tuple[str, str, int]], actual: Sequence[tuple[str, str, int]]) -> dict[str, pl.DataFrame]:
    """Origin-destination flows: planned beside actual along every pair, and the actual matrix."""
    schema = {"from_region": pl.String, "to_region": pl.String, "planned": pl.Int64}
    plan = pl.DataFrame(list(planned), schema=schema, orient="row")
    act = pl.DataFrame(list(actual), schema={"from_region": pl.String, "to_region": pl.String, "actual": pl.Int64},
                       orient="row")
    return {"pairs": plan_vs_actual(plan, act, keys=["from_region", "to_region"], total=True),
            "matrix": od_matrix(act, origin="from_region", destination="to_region", value="actual")}


def arrivals_over_time(rows: Sequence[tuple[date, str]], at: Sequence[date]) -> pl.DataFrame:
    """Cumulative arrivals (arrived_on, destination region) on each date of ``at``, by destination region."""
    events = pl.DataFrame(list(rows), schema={"arrived_on": pl.Date, "region": pl.String}, orient="row")
    return cumulative_counts(events, date_col="arrived_on", at=at, by="region")


def headcount_over_time(spells: Sequence[tuple[str, str, date, date | None]], at: Sequence[date],
                        states: Sequence[str]) -> pl.DataFrame:
    """Workers holding each kind of post on each date (spells: person, post kind, start, end)."""
    frame = pl.DataFrame(list(spells), schema={"person_id": pl.String, "kind": pl.String, "start": pl.Date,
                                               "end": pl.Date}, orient="row")
    return headcount(frame, at=at, state_col="kind", start_col="start", end_col="end", states=states)


def retention_tables(outcomes: Sequence[tuple[str, date, date | None, str | None]], *, as_of: date,
                     days: Sequence[int]) -> dict[str, pl.DataFrame]:
    """Survival in field service (Kaplan-Meier), cumulative incidence by exit channel, exits by channel."""
    frame = pl.DataFrame(list(outcomes), schema={"person_id": pl.String, "start": pl.Date, "end": pl.Date,
                                                 "channel": pl.String}, orient="row")
    return {"survival": kaplan_meier(frame, as_of=as_of, timeline_days=days),
            "incidence": cumulative_incidence(frame, as_of=as_of, timeline_days=days),
            "exits": exits_by_channel(frame, until=as_of)}


def coverage_table(posts: Sequence[tuple[str, str, bool]]) -> pl.DataFrame:
    """Farm posts held by a worker, by destination region and farm type: posts, held, share."""
    frame = pl.DataFrame(list(posts), schema={"region": pl.String, "farm_type": pl.String, "held": pl.Boolean},
                         orient="row")
    return (frame.group_by("region", "farm_type").agg(pl.len().alias("posts"), pl.col("held").sum().alias("held"))
            .with_columns((pl.col("held") / pl.col("posts")).alias("share")).sort("region", "farm_type"))
