"""Why some people cannot be placed: a witness of Hall's condition failing, in a planner's words.

Three cases, from the cheapest to find to the subtlest: a person with no candidate post at all; a
component whose people outnumber the places of all its posts; and a set of people inside a component
that can only reach posts with fewer places than they are. The last is found by the solver: when a
person's search ends without reaching a free place, the people and posts it reached are the witness
(every post reached is full, and held by people reached), and no later augmentation can help.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import polars as pl
from numba import njit
from numpy.typing import NDArray

from cadre.engine.certificate import Binding
from cadre.engine.placement.instance import AssignmentInstance

__all__ = ["Unplaced", "hall_witness", "shortage_binding", "witness_binding"]

_SHOWN = 8  # ids named in an explanation; the counts say how many there are


class Unplaced(StrEnum):
    """Why a person could not be placed."""

    NO_ARCS = "no_candidate_post"
    COMPONENT_SHORT = "component_short_of_places"  # their component has fewer places than people
    HALL = "crowded_out"  # they and others compete for fewer places than they are


@njit(cache=True)
def hall_witness(
    s: int, q0: int, q1: int, indptr: NDArray[np.int64], col: NDArray[np.int32], cap: NDArray[np.int64],
    slot_ptr: NDArray[np.int64], slot_person: NDArray[np.int32], load: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """People and posts reachable from ``s`` by alternating paths (arc out, occupant back)."""
    seen = np.zeros(q1 - q0, np.bool_)
    people = [s]
    posts = []
    head = 0
    while head < len(people):
        r = people[head]
        head += 1
        for a in range(indptr[r], indptr[r + 1]):
            k = col[a]
            if seen[k - q0]:
                continue
            seen[k - q0] = True
            posts.append(k)
            if cap[k] > 0:
                for t in range(slot_ptr[k], slot_ptr[k] + load[k]):
                    people.append(slot_person[t])
    return np.array(people, np.int64), np.array(posts, np.int64)


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _ids(series: pl.Series, idx: NDArray[np.int64]) -> str:
    shown = ", ".join(str(x) for x in series.gather(idx[:_SHOWN]).to_list())
    return shown + (f" and {len(idx) - _SHOWN:,} more" if len(idx) > _SHOWN else "")


def _region(instance: AssignmentInstance, c: int) -> str:
    if "region" not in instance.people.columns:
        return ""
    lo, hi = int(instance.person_ptr[c]), int(instance.person_ptr[c + 1])
    regions = sorted({str(r) for r in instance.people.get_column("region").slice(lo, hi - lo).unique().to_list()})
    return f" (region {', '.join(regions)})"


def shortage_binding(instance: AssignmentInstance, c: int, places: int) -> Binding:
    """A component whose people outnumber its places (or a person with no candidate post at all)."""
    people = np.arange(instance.person_ptr[c], instance.person_ptr[c + 1])
    posts = np.arange(instance.post_ptr[c], instance.post_ptr[c + 1])
    if len(posts) == 0:
        return Binding(
            constraint=f"component {c}: no candidate post", kind="hard", required=float(len(people)),
            reached=0.0, shortfall=float(len(people)),
            explanation=f"person {_ids(instance.person_ids, people)}{_region(instance, c)} has no candidate post",
        )
    return Binding(
        constraint=f"component {c}: places", kind="hard", required=float(len(people)), reached=float(places),
        shortfall=float(len(people) - places),
        explanation=(f"component {c}{_region(instance, c)}: {_n(len(people), 'person', 'people')} but only "
                     f"{_n(places, 'place', 'places')} in the {_n(len(posts), 'post', 'posts')} they can reach; "
                     f"{len(people) - places:,} cannot be placed"),
    )


def witness_binding(instance: AssignmentInstance, c: int, people: NDArray[np.int64],
                    posts: NDArray[np.int64], unplaced: int) -> Binding:
    """A set of people who can only reach posts with fewer places than they are (Hall's condition)."""
    people, posts = np.sort(people), np.sort(posts)
    places = int(instance.capacity[posts].sum())  # every post reached is full
    return Binding(
        constraint=f"component {c}: Hall", kind="hard", required=float(len(people)), reached=float(places),
        shortfall=float(len(people) - places),
        explanation=(f"component {c}{_region(instance, c)}: {_n(len(people), 'person', 'people')} "
                     f"({_ids(instance.person_ids, people)}) can only take posts "
                     f"({_ids(instance.post_ids, posts)}) with {_n(places, 'place', 'places')} in all; "
                     f"{_n(unplaced, 'person', 'people')} of this component cannot be placed"),
    )
