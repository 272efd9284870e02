"""Stable placement: volunteers rank posts, posts rank candidates, and nobody has reason to break the match.

When volunteers state which posts they want and posts (a district committee, a farm board) state which
candidates they want, a placement should be *stable*: no volunteer and post who rank each other would
both rather be together than keep what the placement gave them. :func:`place_stable` finds the
volunteer-optimal stable placement by capacitated deferred acceptance (Gale and Shapley 1962; the
hospital-residents form of Roth 1984), volunteers proposing:

- encode: the three tables (see :mod:`cadre.engine.stable_encode`) are checked at once and become integer
  arrays: each volunteer's list, best first, with the rank each listed post gives them (vectorized
  polars and linear numba passes; no Python loop over people);
- solve: volunteers propose down their lists; each post keeps a max-heap of the proposers it holds, keyed
  by its own rank of them, so that a better proposal displaces the worst holder in O(log capacity); the
  displaced volunteer proposes on. Every volunteer proposes to each post at most once, so the whole run
  costs O(entries * log capacity);
- check: the result is verified independently by :func:`check_stability`'s vectorized check.

What the certificate means here. ``status`` is OPTIMAL when the independent check finds the matching
stable (no blocking pair, every pair mutually acceptable, no post over capacity); volunteer-optimality
then holds by construction: volunteer-proposing deferred acceptance gives every volunteer the best post
they hold in *any* stable matching, which is the theorem the algorithm rests on, not something the check
re-proves. ``objective`` is the number of volunteers matched, which by the rural-hospitals theorem is the
same in every stable matching (so no other stable placement places more people); ``bound`` is None
because there is no relaxation to bound. ``stats`` carries the proposals, sizes, shares and timings.
Status ERROR would mean the check found a violation: a defect of this module, reported, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from cadre.engine.certificate import Certificate, Sense, Status, stopwatch
from cadre.engine.stable_check import (
    INVALID_SCHEMA,
    StabilityReport,
    Violation,
    check_encoded,
    report_encoded,
)
from cadre.engine.stable_encode import (
    PERSON,
    POST,
    PROBLEM_SCHEMA,
    Encoded,
    PreferencesError,
    StableInstance,
    StableIssue,
    encode,
)
from cadre.engine.stable_example import example_stable
from cadre.engine.stable_kernel import defer

__all__ = [
    "MATCHING_SCHEMA",
    "PROBLEM_SCHEMA",
    "SOLVER",
    "PreferencesError",
    "StabilityReport",
    "StableInstance",
    "StableIssue",
    "StablePlacement",
    "Violation",
    "check_stability",
    "example_stable",
    "place_stable",
]

SOLVER = "deferred-acceptance (volunteer-proposing)"

MATCHING_SCHEMA: dict[str, str] = {
    PERSON: "the volunteer (one row per volunteer who ranks any post)",
    POST: "the post they take; null when unmatched",
    "volunteer_rank": "the rank the volunteer gave that post (1 = first choice); null when unmatched",
    "post_rank": "the rank the post gave the volunteer; null when unmatched",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class StablePlacement:
    """A stable placement: the matching (see ``MATCHING_SCHEMA``), its stability report, its certificate."""

    matching: pl.DataFrame
    stability: StabilityReport
    certificate: Certificate

    def summary(self) -> dict[str, float]:
        """The figures a planner reads first: matched, unmatched, first-choice share, violations."""
        keys = ("volunteers", "posts", "seats", "matched", "unmatched", "first_choice", "first_choice_share",
                "mean_volunteer_rank", "proposals", "blocking_pairs", "invalid_assignments", "over_capacity_posts")
        return {k: self.certificate.stats[k] for k in keys}


def _decode(enc: Encoded, match: np.ndarray) -> pl.DataFrame:
    held = match >= 0
    arc = np.maximum(match, 0)
    frame = pl.DataFrame({
        PERSON: enc.person_ids,
        POST: enc.post_ids.gather(enc.arc_post[arc]) if enc.arc_post.shape[0] else pl.Series(POST, [], enc.post_ids.dtype),
        "volunteer_rank": arc - enc.indptr[:-1] + 1,
        "post_rank": enc.arc_prank[arc] if enc.arc_prank.shape[0] else np.zeros(0, np.int64),
        "__held": held,
    })
    return frame.select(PERSON, *(pl.when("__held").then(c).alias(c) for c in (POST, "volunteer_rank", "post_rank")))


def place_stable(instance: StableInstance) -> StablePlacement:
    """The volunteer-optimal stable placement of an instance, checked, with a certificate.

    Raises :class:`PreferencesError` (a ``ValueError``) listing every problem of the tables: unknown ids,
    duplicate pairs, ranks that are not 1..k, capacities below 1, missing values or columns.
    """
    with stopwatch() as total:
        with stopwatch() as encoding:
            enc = encode(instance)
        with stopwatch() as solving:
            match, proposals = defer(enc.indptr, enc.arc_post, enc.arc_prank, enc.capacity)
        with stopwatch() as checking:
            matched = np.flatnonzero(match >= 0)
            arcs = match[matched]
            report = report_encoded(enc, matched, enc.arc_post[arcs], arcs, pl.DataFrame(schema=INVALID_SCHEMA))
        matching = _decode(enc, match)
    n_person = int(enc.person_ids.len())
    vranks = arcs - enc.indptr[matched] + 1
    first = int(np.count_nonzero(vranks == 1))
    stats: dict[str, float] = {
        "volunteers": n_person, "posts": int(enc.post_ids.len()), "seats": int(enc.capacity.sum()),
        "entries": int(enc.arc_post.shape[0]), "mutual_entries": int(np.count_nonzero(enc.arc_prank > 0)),
        "matched": int(matched.shape[0]), "unmatched": n_person - int(matched.shape[0]),
        "first_choice": first, "first_choice_share": first / n_person if n_person else 0.0,
        "mean_volunteer_rank": float(vranks.mean()) if vranks.shape[0] else 0.0,
        "proposals": proposals, **report.counts(),
        "seconds_encode": encoding.seconds, "seconds_solve": solving.seconds, "seconds_check": checking.seconds,
    }
    if report.stable:
        status, message = Status.OPTIMAL, (
            "stable (checked: no blocking pair, every pair mutually acceptable, no post over capacity) and "
            "volunteer-optimal by construction (volunteer-proposing deferred acceptance); every stable "
            "placement matches the same number of volunteers (rural-hospitals theorem)")
    else:
        status, message = Status.ERROR, (
            f"the check found violations {report.counts()}: a defect of the solver, please report it")
    certificate = Certificate(solver=SOLVER, status=status, sense=Sense.MAXIMIZE, objective=float(matched.shape[0]),
                              bound=None, seconds=total.seconds, message=message, stats=stats)
    return StablePlacement(matching=matching, stability=report, certificate=certificate)


def check_stability(instance: StableInstance, matching: pl.DataFrame) -> StabilityReport:
    """Check any matching (person_id, post_id; null post_id = unmatched) against an instance.

    Lists blocking pairs, assignment rows that are not mutually acceptable or not a matching (unknown ids,
    a person assigned twice), and posts over capacity; an empty report means stable. Raises
    :class:`PreferencesError` if the instance's tables are invalid, ``ValueError`` if the matching lacks
    its columns.
    """
    return check_encoded(encode(instance), matching)
