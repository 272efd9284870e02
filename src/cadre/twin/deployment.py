"""Deployment: travel, arrival and the first posts (SYSTEM.md §3.7 and §4, Deployment).

Detachments leave after the dispatch date and travel by train to their destination. Where the placement
agency had a plan below the regional level, workers take a post on arrival; where it had none, they wait
for weeks, and part of them are lost from the agency's records until the retreat of March 1930 gives them
permanent posts. Some are kept in offices. Posts are chosen by the engine's placement optimizer among the
posts of the destination (:mod:`cadre.twin.posts`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from cadre.engine.distribution import region_distances
from cadre.engine.placement import compile_instance, solve_assignment
from cadre.twin.contract_tables import ServiceState
from cadre.twin.errors import InfeasibleRunError
from cadre.twin.posts import sample_posts
from cadre.twin.scenario import Scenario

__all__ = ["Deployed", "deploy"]

_STATE_OF_POST = {"chairman": ServiceState.FARM.value, "board_member": ServiceState.FARM.value,
                  "cell_secretary": ServiceState.FARM.value, "mts_staff": ServiceState.MTS.value,
                  "state_farm_intern": ServiceState.STATE_FARM.value}
_INTERNSHIP_DAYS = 120  # practice on a state farm before a chairmanship (assumption)


@dataclass(frozen=True, slots=True, kw_only=True)
class Deployed:
    """Per worker: arrival, and up to three segments of service (state, from) before any exit.

    ``segments``: person_id, seq, state, start (a worker's segments follow each other; the last runs
    until the worker leaves). ``office`` marks workers kept in an office at first.
    """

    arrivals: pl.DataFrame  # person_id, arrived_on
    segments: pl.DataFrame  # person_id, seq, state, start
    people: pl.DataFrame  # person_id, source_region, destination, party_status, start (arrival), office


def _days(values: np.ndarray) -> np.ndarray:
    days: np.ndarray = np.ceil(values).astype("timedelta64[D]")
    return days


def deploy(selected: pl.DataFrame, scn: Scenario, *, rng: np.random.Generator) -> Deployed:
    """Arrival dates and first segments of service for the selected, who have a ``destination``."""
    people = selected.sort("person_id")
    n = people.height
    dist = people.select("source_region", "destination").join(
        region_distances(), left_on=["source_region", "destination"], right_on=["from_region", "to_region"],
        how="left", maintain_order="left").get_column("distance").fill_null(1500.0).to_numpy()
    leave = np.datetime64(scn["dispatch"], "D") + _days(rng.exponential(scn["dispatch_spread_days"], n))
    arrival = leave + _days(np.maximum(dist, 100.0) / scn["km_per_day"])
    dest = people.get_column("destination").to_numpy()
    p_plan = np.where(np.isin(dest, scn["no_plan_regions"]), 0.0,
                      np.where(np.isin(dest, scn["partial_plan_regions"]), 0.5, 0.9))
    if scn["plans_ready"]:
        p_plan = np.ones(n)
    planned = rng.random(n) < p_plan
    retreat = np.datetime64(scn["retreat"], "D")
    idle = _days(rng.exponential(scn["idle_days"], n))
    lost = ~planned & (rng.random(n) < scn["unaccounted_share"])
    posted = np.where(planned, arrival, np.where(lost, np.maximum(retreat + _days(rng.uniform(0, 14, n)), arrival),
                                                 arrival + idle))
    office = rng.random(n) < scn["office_share"] * np.where(planned, 0.5, 1.5)

    posts, arcs = sample_posts(people, rng=rng)
    result = solve_assignment(compile_instance(arcs, posts, people.select("person_id")))
    if not result.certificate.proven_optimal:
        raise InfeasibleRunError(f"placement failed: {result.certificate.message}")
    post_type = people.select("person_id").join(
        result.assignment.join(posts.select("post_id", "post_type"), on="post_id"), on="person_id",
        how="left", maintain_order="left").get_column("post_type").to_numpy()
    state = np.array([_STATE_OF_POST[t] for t in post_type])

    ids = people.get_column("person_id")
    on_post = np.where(office, ServiceState.DISTRICT_OFFICE.value, state)
    first = np.where(planned, on_post, np.where(lost, ServiceState.UNACCOUNTED.value, ServiceState.WAITING.value))
    # After the retreat most office workers obtained permanent posts (SYSTEM.md §3.7).
    office_end = np.maximum(retreat + _days(rng.uniform(0, 30, n)), posted + 1)
    rows: list[tuple[pl.Series, int, np.ndarray, np.ndarray, np.ndarray]] = [
        (ids, 0, first, arrival, np.ones(n, bool)),
        (ids, 1, on_post, posted, posted > arrival),
        (ids, 2, state, office_end, office),
    ]
    intern = state == ServiceState.STATE_FARM.value
    rows.append((ids, 3, np.full(n, ServiceState.FARM.value),
                 np.where(office, office_end, posted) + _INTERNSHIP_DAYS, intern))
    segments = pl.concat([
        pl.DataFrame({"person_id": i.filter(pl.Series(m)), "seq": np.full(int(m.sum()), q),
                      "state": np.asarray(s[m], dtype=str), "start": st[m]})
        for i, q, s, st, m in rows
    ]).with_columns(pl.col("start").cast(pl.Date)).sort("person_id", "seq")
    frame = people.select("person_id", "source_region", "destination", "party_status").with_columns(
        pl.Series("start", arrival).cast(pl.Date), pl.Series("office", office))
    arrivals = people.select("person_id").with_columns(pl.Series("arrived_on", arrival).cast(pl.Date))
    return Deployed(arrivals=arrivals, segments=segments, people=frame)

