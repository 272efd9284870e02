"""A generated placement instance: people, posts and candidate arcs with structured integer costs.

The instance imitates the spring of 1930: workers arrive in destination regions (sized like the 1929
control plan's destinations), travel in factory groups, and each is offered about ``candidates`` posts of
their region, mostly near their group's home district. A cost says how poor a fit a post is: the post
type against the worker's trade and skill (metalworkers to machine-tractor stations, party members as
cell secretaries), the farm's priority (large and first-wave farms first) and the distance from the
group's district, plus a little noise. A hidden assignment is drawn first and its arcs are always
offered, so the instance is feasible by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import polars as pl
from numpy.typing import NDArray

__all__ = ["DESTINATIONS_1929", "UNIONS", "PlacementExample", "PostType", "example_placement"]

# People planned to arrive in each destination region in the 1929 control plan (column sums of
# control_plan_1929.csv), largest first. The engine may not read the record, so the figures are copied.
DESTINATIONS_1929: tuple[tuple[str, int], ...] = (
    ("UKR", 5550), ("LVO", 2500), ("NCA", 2500), ("MVO", 2100), ("CBE", 2050), ("SIB", 2000),
    ("WES", 1300), ("KAZ", 1200), ("URA", 1200), ("MOS", 1000), ("CAS", 1000), ("NIZ", 700),
    ("LEN", 650), ("ZSF", 650), ("BAS", 500), ("IVA", 400), ("NOR", 300), ("BSSR", 300),
    ("TAT", 250), ("CRI", 250), ("FEA", 250), ("DAG", 30),
)
UNIONS = ("metalworkers", "textile", "railroad", "miners", "chemical", "other")
_UNION_SHARES = (0.37, 0.16, 0.14, 0.10, 0.05, 0.18)  # the 1929 union quotas, the rest "other"


class PostType(StrEnum):
    """The posts a worker could take on arrival."""

    CHAIRMAN = "chairman"
    BOARD_MEMBER = "board_member"
    CELL_SECRETARY = "cell_secretary"
    MTS_STAFF = "mts_staff"
    STATE_FARM_INTERN = "state_farm_intern"


_TYPES = tuple(PostType)
_TYPE_SHARES = (0.30, 0.35, 0.15, 0.12, 0.08)
_TYPE_CAPACITY = np.array([1, 1, 1, 2, 3])  # a station takes a small team, a state farm a course of interns
# Base cost of a post type (rows) for a worker of a union (columns): lower is a better fit.
_FIT = np.array([
    [20, 30, 25, 28, 30, 34],  # chairman
    [26, 24, 26, 26, 28, 28],  # board member
    [22, 22, 22, 22, 22, 22],  # cell secretary (party status decides, below)
    [4, 48, 14, 22, 26, 40],  # machine-tractor station: metalworkers first
    [30, 30, 30, 30, 30, 30],  # state-farm internship: practice before a chairmanship
])


@dataclass(frozen=True, slots=True, kw_only=True)
class PlacementExample:
    """A generated instance: ``people``, ``posts`` (with ``capacity``) and candidate ``arcs`` with costs.

    ``witness`` is the hidden feasible assignment (person_id, post_id) whose arcs are among ``arcs``.
    """

    people: pl.DataFrame
    posts: pl.DataFrame
    arcs: pl.DataFrame
    witness: pl.DataFrame


def _split(total: int, weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Largest-remainder split of ``total`` by ``weights``, at least one to each part."""
    share = weights / weights.sum() * (total - len(weights))
    parts = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - parts), kind="stable")
    parts[order[: total - len(weights) - int(parts.sum())]] += 1
    result: NDArray[np.int64] = parts + 1
    return result


def _region_weights(regions: int) -> tuple[list[str], NDArray[np.float64]]:
    named = DESTINATIONS_1929[:regions]
    codes = [c for c, _ in named] + [f"R{i:02d}" for i in range(len(named), regions)]
    weights = [float(w) for _, w in named] + [300.0] * (regions - len(named))
    return codes, np.array(weights)


def example_placement(
    *, people: int = 27_500, posts: int = 100_000, candidates: int = 200, regions: int = 17,
    district_size: int = 60, rng: np.random.Generator,
) -> PlacementExample:
    """Generate a feasible placement instance (integer ids and integer costs), seeded by ``rng``.

    Regions are sized like the 1929 destinations (the first ``regions`` of ``DESTINATIONS_1929``); each
    person is offered about ``candidates`` distinct posts of their own region.
    """
    if min(people, posts, candidates, regions, district_size) < 1 or posts < regions or people < regions:
        raise ValueError("people, posts, candidates, regions and district_size must be positive, "
                         "with at least one person and one post per region")
    codes, weights = _region_weights(regions)
    n_r, m_r = _split(people, weights), _split(posts, weights)
    p_region = np.repeat(np.arange(regions), n_r)
    q_region = np.repeat(np.arange(regions), m_r)
    q_off = np.concatenate([[0], np.cumsum(m_r)])
    q_local = np.arange(posts) - q_off[q_region]
    n_districts = np.maximum(1, np.rint(m_r / district_size)).astype(np.int64)
    d_off = np.concatenate([[0], np.cumsum(n_districts)])
    q_district_local = q_local * n_districts[q_region] // m_r[q_region]

    q_type = rng.choice(len(_TYPES), size=posts, p=_TYPE_SHARES)
    capacity = _TYPE_CAPACITY[q_type]
    q_farm = (d_off[q_region] + q_district_local) * 1000 + q_local // 5  # five posts to a farm
    farm_ids, farm_index = np.unique(q_farm, return_inverse=True)
    priority = rng.choice(4, size=len(farm_ids), p=(0.5, 0.25, 0.15, 0.10))[farm_index]
    priority[q_type >= 3] = 0  # stations and state farms have no farm priority

    # Every region must hold its people: the hidden assignment fills slots of its own region.
    for r in range(regions):
        lo, hi = int(q_off[r]), int(q_off[r + 1])
        short = int(n_r[r]) - int(capacity[lo:hi].sum())
        if short > 0:
            capacity[lo:hi] += -(-short // (hi - lo))

    # Factory groups of 5-30 co-workers; a group's home district is where its members' posts cluster.
    sizes = rng.integers(5, 31, size=people)
    group_start = np.zeros(people, dtype=bool)
    p_off = np.concatenate([[0], np.cumsum(n_r)])
    for r in range(regions):
        starts = np.cumsum(np.concatenate([[0], sizes[: n_r[r]]]))
        group_start[p_off[r] + starts[starts < n_r[r]]] = True
    group = np.cumsum(group_start) - 1
    group_region = p_region[group_start]
    home_local = rng.integers(0, n_districts[group_region])
    p_home = home_local[group]
    union = rng.choice(len(UNIONS), size=people, p=_UNION_SHARES)
    skill = rng.integers(3, 9, size=people)
    party = rng.random(people) < 0.72

    # The hidden feasible assignment: a random slot of the person's region for everyone.
    witness = np.empty(people, dtype=np.int64)
    for r in range(regions):
        lo, hi = int(q_off[r]), int(q_off[r + 1])
        slots = np.repeat(np.arange(lo, hi), capacity[lo:hi])
        witness[p_off[r]: p_off[r + 1]] = rng.permutation(slots)[: n_r[r]]

    post, person = _candidates(rng, candidates, p_region, p_home, m_r, q_off, n_districts, district_size, witness)
    cost = _costs(rng, person, post, q_type, union, skill, party, priority, p_home, q_district_local)

    region_codes = np.array(codes)
    people_frame = pl.DataFrame({
        "person_id": np.arange(people, dtype=np.int64), "region": region_codes[p_region],
        "group": group.astype(np.int64), "home_district": (d_off[p_region] + p_home).astype(np.int64),
        "union": np.array(UNIONS)[union], "skill_grade": skill.astype(np.int64), "party": party,
    })
    posts_frame = pl.DataFrame({
        "post_id": np.arange(posts, dtype=np.int64), "capacity": capacity.astype(np.int64),
        "region": region_codes[q_region], "district": (d_off[q_region] + q_district_local).astype(np.int64),
        "farm": farm_index.astype(np.int64), "post_type": np.array([t.value for t in _TYPES])[q_type],
        "priority": priority.astype(np.int64),
    })
    arcs = pl.DataFrame({"person_id": person, "post_id": post, "cost": cost})
    witness_frame = pl.DataFrame({"person_id": np.arange(people, dtype=np.int64), "post_id": witness})
    return PlacementExample(people=people_frame, posts=posts_frame, arcs=arcs, witness=witness_frame)


def _candidates(
    rng: np.random.Generator, candidates: int, p_region: NDArray[np.int64], p_home: NDArray[np.int64],
    m_r: NDArray[np.int64], q_off: NDArray[np.int64], n_districts: NDArray[np.int64], district_size: int,
    witness: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """About ``candidates`` distinct posts per person: three quarters near home, the rest anywhere."""
    n = len(p_region)
    m = m_r[p_region]
    half = max(candidates, 2 * district_size)  # a window of about 2 * half posts around the home district
    width = 2 * half + 1
    k_near = min(width, (3 * candidates + 3) // 4)
    offsets = np.argpartition(rng.random((n, width), dtype=np.float32), k_near - 1, axis=1)[:, :k_near] - half
    center = ((2 * p_home + 1) * m // (2 * n_districts[p_region]))
    near = (center[:, None] + offsets) % m[:, None]
    far = rng.integers(0, m[:, None], size=(n, candidates - k_near)) if candidates > k_near else near[:, :0]
    local = np.concatenate([near, far, (witness - q_off[p_region])[:, None]], axis=1)
    local.sort(axis=1)
    keep = np.ones(local.shape, dtype=bool)
    keep[:, 1:] = local[:, 1:] != local[:, :-1]
    person = np.repeat(np.arange(n, dtype=np.int64), keep.sum(axis=1))
    post = (local + q_off[p_region][:, None])[keep].astype(np.int64)
    return post, person


def _costs(
    rng: np.random.Generator, person: NDArray[np.int64], post: NDArray[np.int64], q_type: NDArray[np.int64],
    union: NDArray[np.int64], skill: NDArray[np.int64], party: NDArray[np.bool_], priority: NDArray[np.int64],
    p_home: NDArray[np.int64], q_district_local: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Integer costs: type against trade, skill and party; farm priority; distance from home; noise."""
    t, u = q_type[post], union[person]
    cost = 40 + _FIT[t, u]
    grade = skill[person] - 5
    cost -= np.where(t <= 1, 2 * grade, 0) + np.where((t == 3) & (u == 0), 3 * grade, 0)
    member = party[person]
    cost += np.where(t == 2, np.where(member, 0, 60), 0) + np.where(t == 0, np.where(member, 0, 15), 0)
    cost -= 6 * priority[post]
    cost += 4 * np.minimum(np.abs(q_district_local[post] - p_home[person]), 10)
    cost += rng.integers(0, 8, size=len(post))
    result: NDArray[np.int64] = np.maximum(cost, 1).astype(np.int64)
    return result
