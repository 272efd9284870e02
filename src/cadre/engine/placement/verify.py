"""An independent check of an assignment and its potentials: the proof that it is optimal.

The solver's own bookkeeping is not trusted. From the arcs, the capacities, the chosen arc of each person
and the two potential vectors, numpy recomputes, over every arc at once: reduced costs are non-negative
(dual feasibility), zero on every chosen arc (complementary slackness), post potentials are non-positive
and zero wherever a place is left free, no post holds more people than its capacity, every person holds
exactly one of their own arcs, and the primal cost equals the dual objective. If all hold, weak duality
makes the assignment optimal; the dual objective is the certificate's bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cadre.engine.placement.instance import AssignmentInstance

__all__ = ["Verification", "spans", "verify"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """What the check found; ``ok`` only when every condition holds within ``tolerance``."""

    ok: bool
    primal: float
    dual: float
    min_reduced_cost: float
    max_slack_on_chosen: float
    max_price_violation: float
    tolerance: float
    problems: tuple[str, ...]


def spans(ptr: NDArray[np.int64], parts: NDArray[np.int64]) -> NDArray[np.int64]:
    """The indices ``ptr[c]..ptr[c+1]`` of every listed part ``c``, concatenated in order."""
    starts, stops = ptr[parts], ptr[parts + 1]
    lengths = stops - starts
    total = int(lengths.sum())
    if len(parts) == len(ptr) - 1 and total == ptr[-1] - ptr[0]:
        return np.arange(ptr[0], ptr[-1], dtype=np.int64)
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    result: NDArray[np.int64] = np.arange(total, dtype=np.int64) + shift
    return result


def tolerance_for(instance: AssignmentInstance) -> float:
    """Zero slack for integer costs (all arithmetic is exact); a relative one for fractional costs."""
    if instance.integral:
        return 0.0
    return 1e-9 * max(1.0, float(np.abs(instance.cost).max(initial=0.0)))


def _runs(comps: NDArray[np.int64]) -> list[tuple[int, int]]:
    """Consecutive component numbers merged into half-open runs: their people, posts and arcs are contiguous."""
    if len(comps) == 0:
        return []
    breaks = np.flatnonzero(np.diff(comps) != 1) + 1
    starts = np.concatenate([[0], breaks])
    stops = np.concatenate([breaks, [len(comps)]])
    return [(int(comps[a]), int(comps[b - 1]) + 1) for a, b in zip(starts, stops, strict=True)]


def verify(
    instance: AssignmentInstance, comps: NDArray[np.int64], asg: NDArray[np.int64],
    u: NDArray[np.float64], v: NDArray[np.float64],
) -> Verification:
    """Check the assignment ``asg`` (chosen arc of each person) with potentials ``u``, ``v`` on ``comps``."""
    tol = tolerance_for(instance)
    inst = instance
    counts = dict.fromkeys(("negative", "unheld", "foreign", "slack", "over"), 0)
    min_reduced, max_slack, violation, primal, dual = 0.0, 0.0, 0.0, 0.0, 0.0
    for c0, c1 in _runs(comps):
        p0, p1 = int(inst.person_ptr[c0]), int(inst.person_ptr[c1])
        q0, q1 = int(inst.post_ptr[c0]), int(inst.post_ptr[c1])
        a0, a1 = int(inst.indptr[p0]), int(inst.indptr[p1])
        if a1 > a0:
            # Dual feasibility person by person: the least (cost - v) over a person's arcs is at least u.
            starts = inst.indptr[p0:p1] - a0
            has = starts < inst.indptr[p0 + 1: p1 + 1] - a0
            least = np.minimum.reduceat(inst.cost[a0:a1] - v[inst.col[a0:a1]], starts[has])
            reduced = least - u[p0:p1][has]
            min_reduced = min(min_reduced, float(reduced.min(initial=0.0)))
            counts["negative"] += int((reduced < -tol).sum())
        chosen = asg[p0:p1]
        held = chosen >= 0
        counts["unheld"] += int((~held).sum())
        own = held & (chosen >= inst.indptr[p0:p1]) & (chosen < inst.indptr[p0 + 1: p1 + 1])
        counts["foreign"] += int((held & ~own).sum())
        arcs, holders = chosen[own], np.flatnonzero(own) + p0
        slack = np.abs(inst.cost[arcs] - u[holders] - v[inst.col[arcs]])
        max_slack = max(max_slack, float(slack.max(initial=0.0)))
        counts["slack"] += int((slack > tol).sum())
        load = np.bincount(inst.col[arcs] - q0, minlength=q1 - q0)
        cap, price = inst.capacity[q0:q1], v[q0:q1]
        counts["over"] += int((load > cap).sum())
        violation = max(violation, float(price.max(initial=0.0)), float(-price[load < cap].min(initial=0.0)))
        primal += float(inst.cost[arcs].sum())
        dual += float(u[p0:p1].sum() + (cap * price).sum())
    problems = [text for key, text in (
        ("negative", "people have an arc of negative reduced cost"), ("unheld", "people hold no post"),
        ("foreign", "people hold an arc that is not theirs"), ("slack", "chosen arcs break complementary slackness"),
        ("over", "posts hold more people than their capacity"),
    ) if counts[key] for text in [f"{counts[key]:,} {text}"]]
    if violation > tol:
        problems.append(f"post potentials break their sign conditions (by {violation:g})")
    people = int(np.diff(inst.person_ptr)[comps].sum())
    if abs(primal - dual) > tol * max(1, people):
        problems.append(f"primal {primal:,.6f} differs from dual {dual:,.6f}")
    return Verification(ok=not problems, primal=primal, dual=dual, min_reduced_cost=min_reduced,
                        max_slack_on_chosen=max_slack, max_price_violation=violation, tolerance=tol,
                        problems=tuple(problems))
