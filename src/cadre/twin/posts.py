"""Posts in the destination regions and the candidate posts of each worker, for the sample campaign.

The record says what the posts were (farm chairmen, board members, party-cell secretaries, machine-tractor
stations, state-farm internships; SYSTEM.md §3.7) but not how many there were in each region, so this module
draws them: about ``posts_per_worker`` posts for each worker a region receives, typed in fixed shares, each
worker offered ``candidates`` posts of their destination. Costs say how poor a fit a post is (lower is
better) from stated assumptions: metalworkers fit machine-tractor stations, party members fit cell
secretaryships, higher skill fits a chairmanship, large and first-wave farms come first. A hidden feasible
assignment is always among the candidates, so every worker can be placed.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cadre.engine.placement import PostType
from cadre.engine.schema import UNIONS_1929

__all__ = ["POST_FIT", "assign_destinations", "sample_posts"]

_TYPES = tuple(PostType)
# Assumed shares of the post types among the posts drawn, and places per post. The record has 1,530 of
# about 27,500 workers in machine-tractor stations and 2,950 sent first to state farms for practice, so
# stations and state farms are few; the rest are posts on collective farms.
_SHARES = np.array([0.34, 0.39, 0.20, 0.01, 0.06])
_CAPACITY = np.array([1, 1, 1, 2, 4])  # a station takes a small team, a state farm a course of interns
# Assumed base cost of a post type (rows, in PostType order) for a worker of a union (columns, UNIONS_1929).
# Lower is a better fit: the campaign wanted its workers as chairmen and board members of farms; a station
# needed metalworkers; a cell secretaryship needed a party member (adjusted below); an internship on a state
# farm came before a chairmanship for those with the least fit.
POST_FIT = np.array([
    [12, 16, 14, 14, 16, 16],  # chairman
    [15, 15, 15, 15, 15, 15],  # board member
    [18, 18, 18, 18, 18, 18],  # cell secretary (party status decides, below)
    [8, 40, 20, 26, 22, 36],  # machine-tractor station: metalworkers first
    [24, 24, 24, 24, 24, 24],  # state-farm internship: practice before a chairmanship
])


def sample_posts(
    people: pl.DataFrame, *, rng: np.random.Generator, posts_per_worker: float = 3.5, candidates: int = 60
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Draw posts for the workers' destinations and each worker's candidate arcs.

    ``people`` needs person_id, destination, union, party_status and skill_grade. Returns ``posts``
    (post_id, capacity, region, post_type, priority) and ``arcs`` (person_id, post_id, cost), in the
    explicit-cost format of docs/placement-format.md.
    """
    people = people.sort("destination", "person_id")
    dest = people.get_column("destination").to_numpy()
    regions, first, counts = np.unique(dest, return_index=True, return_counts=True)
    sizes = np.ceil(counts * posts_per_worker).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    total = int(offsets[-1])
    post_region = np.repeat(np.arange(regions.size), sizes)
    kind = rng.choice(len(_TYPES), size=total, p=_SHARES)
    capacity = _CAPACITY[kind]
    priority = np.where(kind <= 2, rng.choice(4, size=total, p=(0.5, 0.25, 0.15, 0.10)), 0)

    region_of = np.repeat(np.arange(regions.size), counts)
    lo, width = offsets[region_of], sizes[region_of]
    k = int(min(candidates, width.min()))
    picks = lo[:, None] + (rng.random((people.height, k)) * width[:, None]).astype(np.int64)
    # The hidden assignment: every worker gets a distinct place (slot) of their own destination.
    witness = np.empty(people.height, dtype=np.int64)
    for r in range(regions.size):
        slots = np.repeat(np.arange(offsets[r], offsets[r + 1]), capacity[offsets[r]: offsets[r + 1]])
        witness[first[r]: first[r] + counts[r]] = rng.permutation(slots)[: counts[r]]
    picks = np.concatenate([picks, witness[:, None]], axis=1)
    picks.sort(axis=1)
    keep = np.ones(picks.shape, dtype=bool)
    keep[:, 1:] = picks[:, 1:] != picks[:, :-1]
    person = np.repeat(np.arange(people.height), keep.sum(axis=1))
    post = picks[keep]

    codes = {u: i for i, u in enumerate(UNIONS_1929)}
    union = people.get_column("union").replace_strict(codes, return_dtype=pl.Int64).to_numpy()[person]
    party = (people.get_column("party_status").to_numpy() == "party")[person]
    skill = people.get_column("skill_grade").to_numpy()[person] - 5
    t = kind[post]
    cost = 40 + POST_FIT[t, union] - np.where(t == 0, 2 * skill, 0) - np.where((t == 3) & (union == 0), 2 * skill, 0)
    cost += np.where(t == 2, np.where(party, -4, 12), 0) + 2 * priority[post] + rng.integers(0, 6, size=post.size)

    posts = pl.DataFrame({
        "post_id": np.arange(total, dtype=np.int64), "capacity": capacity.astype(np.int64),
        "region": regions[post_region], "post_type": np.array([x.value for x in _TYPES])[kind],
        "priority": priority.astype(np.int64),
    })
    arcs = pl.DataFrame({
        "person_id": people.get_column("person_id").to_numpy()[person], "post_id": post.astype(np.int64),
        "cost": cost.astype(np.int64),
    })
    return posts, arcs


def assign_destinations(people: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """Give each selected worker a destination, following an origin-destination plan.

    ``plan`` (from_region, to_region, n) must send exactly the workers of each source region. Workers are
    taken in order of factory within their region, so that co-workers travel, and serve, together
    (SYSTEM.md §3.1): each destination receives a block of consecutive factories.
    """
    per_origin = plan.group_by("from_region").agg(pl.col("n").sum())
    have = people.group_by("source_region").len()
    mismatch = per_origin.join(have, left_on="from_region", right_on="source_region", how="full", coalesce=True)
    mismatch = mismatch.filter(pl.col("n").fill_null(0) != pl.col("len").fill_null(0))
    if mismatch.height:
        raise ValueError(f"the plan does not send exactly the selected workers of: {mismatch.get_column('from_region').to_list()}")
    ordered = people.sort("source_region", "factory_id", "person_id")
    blocks = plan.filter(pl.col("n") > 0).sort("from_region", "to_region")
    destination = np.repeat(blocks.get_column("to_region").to_numpy(), blocks.get_column("n").to_numpy())
    # Both sides are in source-region order, so the k-th worker of a region gets its k-th place.
    return ordered.with_columns(pl.Series("destination", destination))
