"""Stable placement, the check: is a matching stable, and if not, what is wrong with it.

A matching assigns each volunteer at most one post. It is *stable* when all of these hold:

- it is individually rational: every assigned pair is acceptable to both (each ranks the other);
- no post holds more volunteers than its capacity;
- no blocking pair: no volunteer ``v`` and post ``p`` who rank each other such that ``v`` is unassigned or
  prefers ``p`` to their post, and ``p`` has a free seat or prefers ``v`` to one of those it holds.

The check is independent of how the matching was found (it reads the tables and the matching only) and is
vectorized over the instance's arcs: one pass of numpy, no loop over people.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import polars as pl

from cadre.engine.stable_encode import I64, PERSON, POST, Encoded, id_codes
from cadre.engine.stable_kernel import locate

__all__ = ["StabilityReport", "Violation", "check_encoded", "report_encoded"]

_WORST = np.iinfo(np.int64).max  # the rank of a pair one side does not rank: worse than any ranked pair


class Violation(StrEnum):
    """Why an assignment row of a matching is not acceptable, or is not a matching at all."""

    NOT_RANKED_BY_VOLUNTEER = "not_ranked_by_volunteer"
    NOT_RANKED_BY_POST = "not_ranked_by_post"
    UNKNOWN_PERSON = "unknown_person"
    UNKNOWN_POST = "unknown_post"
    ASSIGNED_TWICE = "assigned_twice"


INVALID_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64(),  # 1-based row of the matching frame
    "person_id": pl.String(),
    "post_id": pl.String(),
    "code": pl.String(),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class StabilityReport:
    """What is wrong with a matching; all three frames empty means stable.

    ``blocking_pairs`` (person_id, post_id, volunteer_rank, post_rank): pairs who both prefer each other to
    what the matching gives them. ``invalid`` (row, person_id, post_id, code): assignment rows that are not
    individually rational or do not make a matching (see :class:`Violation`). ``over_capacity`` (post_id,
    capacity, assigned): posts holding more volunteers than their capacity.
    """

    blocking_pairs: pl.DataFrame
    invalid: pl.DataFrame
    over_capacity: pl.DataFrame

    @property
    def stable(self) -> bool:
        return self.blocking_pairs.is_empty() and self.invalid.is_empty() and self.over_capacity.is_empty()

    def counts(self) -> dict[str, int]:
        """How many of each kind of violation, for a summary line or a JSON report."""
        return {"blocking_pairs": self.blocking_pairs.height, "invalid_assignments": self.invalid.height,
                "over_capacity_posts": self.over_capacity.height}


def report_encoded(enc: Encoded, person: I64, post: I64, arc: I64, invalid: pl.DataFrame) -> StabilityReport:
    """The report for assignment rows already encoded (known person and post; ``arc`` -1 if not listed)."""
    n_person, n_post = enc.indptr.shape[0] - 1, enc.capacity.shape[0]
    arc_person, arc_vrank = enc.arc_person, enc.arc_vrank
    listed = arc >= 0
    safe = np.where(listed, arc, 0)
    acceptable = listed & (enc.arc_prank[safe] > 0)
    # Each volunteer's situation: the best rank among their acceptable assignments (none: worse than any).
    current = np.full(n_person, _WORST, np.int64)
    np.minimum.at(current, person[acceptable], arc_vrank[arc[acceptable]])
    # Each post's load and worst holder; a holder the post did not rank is worse than any it ranked.
    load = np.bincount(post, minlength=n_post).astype(np.int64)
    worst = np.zeros(n_post, np.int64)
    np.maximum.at(worst, post, np.where(acceptable, enc.arc_prank[safe], _WORST))
    arc_post, arc_prank = enc.arc_post, enc.arc_prank
    blocking = np.flatnonzero(
        (arc_prank > 0)
        & (arc_vrank < current[arc_person])
        & ((load[arc_post] < enc.capacity[arc_post]) | (arc_prank < worst[arc_post]))
    )
    pairs = pl.DataFrame({
        PERSON: enc.person_ids.gather(arc_person[blocking]),
        POST: enc.post_ids.gather(arc_post[blocking]),
        "volunteer_rank": arc_vrank[blocking],
        "post_rank": arc_prank[blocking],
    })
    full = np.flatnonzero(load > enc.capacity)
    over = pl.DataFrame({POST: enc.post_ids.gather(full), "capacity": enc.capacity[full], "assigned": load[full]})
    return StabilityReport(blocking_pairs=pairs, invalid=invalid, over_capacity=over)


def check_encoded(enc: Encoded, matching: pl.DataFrame) -> StabilityReport:
    """Check a matching frame (person_id, post_id; a null post_id means unassigned) against an instance."""
    missing = [c for c in (PERSON, POST) if c not in matching.columns]
    if missing:
        raise ValueError(f"the matching has no column(s) {', '.join(missing)} (it has: {', '.join(matching.columns)})")
    rows = matching.select(PERSON, POST).with_row_index("row", offset=1).filter(pl.col(POST).is_not_null())
    persons, posts = enc.person_ids, enc.post_ids
    # Compare ids as text where the matching and the tables disagree on their type.
    if rows.schema[PERSON] != persons.dtype:
        rows, persons = rows.with_columns(pl.col(PERSON).cast(pl.String)), persons.cast(pl.String)
    if rows.schema[POST] != posts.dtype:
        rows, posts = rows.with_columns(pl.col(POST).cast(pl.String)), posts.cast(pl.String)
    person, post = id_codes(rows.get_column(PERSON), persons), id_codes(rows.get_column(POST), posts)
    known = (person >= 0) & (post >= 0)
    twice = known & ~pl.Series(np.where(person >= 0, person, -1 - np.arange(person.shape[0]))).is_first_distinct().to_numpy()
    arc = np.full(person.shape[0], -1, np.int64)
    arc[known] = locate(enc.indptr, enc.arc_post, person[known], post[known])
    code = np.select(
        [person < 0, post < 0, twice, known & (arc < 0), known & (arc >= 0) & (enc.arc_prank[np.maximum(arc, 0)] < 0)],
        [Violation.UNKNOWN_PERSON.value, Violation.UNKNOWN_POST.value, Violation.ASSIGNED_TWICE.value,
         Violation.NOT_RANKED_BY_VOLUNTEER.value, Violation.NOT_RANKED_BY_POST.value],
        default="",
    )
    invalid = (
        rows.with_columns(code=pl.Series(code, dtype=pl.String)).filter(pl.col("code") != "")
        .select(pl.col("row").cast(pl.Int64), pl.col(PERSON).cast(pl.String), pl.col(POST).cast(pl.String), "code")
    )
    return report_encoded(enc, person[known], post[known], arc[known], invalid)
