"""Placement between rows and the engine: arcs from files and posts, the assignment back as pairs."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from cadre.engine.placement import AssignmentResult, PostType, compile_instance, solve_assignment
from cadre.engine.schema import UNIONS_1929
from cadre.twin.posts import POST_FIT

__all__ = ["MAX_CANDIDATES", "placement_solve"]

#: Candidate posts per person when a region has more posts than this (a rotating window over them).
MAX_CANDIDATES = 200
_TYPES = [t.value for t in PostType]


def placement_solve(people: list[dict[str, Any]], posts: list[dict[str, Any]]) -> AssignmentResult:
    """Assign people (person_id, region, union, party_status) to posts (post_id, region, kind, capacity).

    A person's candidates are the posts of their destination region; the cost of a match is the twin's
    stated fit of a post type for a union (``cadre.twin.posts.POST_FIT``), cell secretaryships only for
    party members. The engine solves it exactly and certifies the answer.
    """
    arcs = []
    by_region: dict[str, list[dict[str, Any]]] = {}
    for post in posts:
        by_region.setdefault(post["region"], []).append(post)
    for i, person in enumerate(people):
        options = by_region.get(person["region"], [])
        if len(options) > MAX_CANDIDATES:
            start = (i * 7) % len(options)
            options = [options[(start + j) % len(options)] for j in range(MAX_CANDIDATES)]
        union = UNIONS_1929.index(person["union"]) if person["union"] in UNIONS_1929 else len(UNIONS_1929) - 1
        for post in options:
            kind = _TYPES.index(post["kind"])
            if post["kind"] == PostType.CELL_SECRETARY and person["party_status"] != "party":
                continue
            arcs.append((person["person_id"], post["post_id"], float(POST_FIT[kind, union])))
    arc_frame = pl.DataFrame(arcs, schema={"person_id": pl.String, "post_id": pl.Int64, "cost": pl.Float64},
                             orient="row")
    post_frame = pl.DataFrame({"post_id": np.array([p["post_id"] for p in posts], dtype=np.int64),
                               "capacity": np.array([p["capacity"] for p in posts], dtype=np.int64)})
    people_frame = pl.DataFrame({"person_id": [p["person_id"] for p in people],
                                 "region": [p["region"] for p in people]})
    return solve_assignment(compile_instance(arc_frame, post_frame, people_frame))
