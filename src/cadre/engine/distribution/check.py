"""Check a given origin-destination plan (the record's 1929 plan, a planner's draft) against the rules.

:func:`check_plan` reports every problem as a row (code, pair, required, found, difference, message), the
way validation does: an origin that plans more than it supplies (Ivanovo in 1929), a grand total that
differs from the printed one, a pair below the group size, a destination without demand, and so on.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from cadre.engine.distribution.inputs import DistributionInputError, read_demand, read_supply
from cadre.engine.distribution.params import PriorityFloor

__all__ = ["PROBLEM_SCHEMA", "PlanCheck", "PlanProblem", "check_plan"]


class PlanProblem(StrEnum):
    """What is wrong with a plan."""

    BAD_CELL = "bad_cell"  # a planned figure that is missing, not a whole number, or negative
    DUPLICATE_PAIR = "duplicate_pair"  # the same origin-destination pair in two rows
    ORIGIN_WITHOUT_SUPPLY = "origin_without_supply"  # sends from a region that supplies nobody
    DESTINATION_WITHOUT_DEMAND = "destination_without_demand"  # sends to a region with no demand row
    ORIGIN_OVER_SUPPLY = "origin_over_supply"  # plans more workers than the origin supplies
    ORIGIN_UNDER_SUPPLY = "origin_under_supply"  # leaves some of the origin's workers unplanned
    DESTINATION_OVER_MAXIMUM = "destination_over_maximum"
    DESTINATION_UNDER_MINIMUM = "destination_under_minimum"
    PAIR_BELOW_GROUP = "pair_below_group"  # a pair used by fewer workers than one group
    FLOOR_SHORT = "floor_short"  # fewer workers than a priority floor requires
    TOTAL_MISMATCH = "total_mismatch"  # the pairs do not add up to the printed total


PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "from_region": pl.String(),  # null for a problem of a destination or of the whole plan
    "to_region": pl.String(),  # null for a problem of an origin or of the whole plan
    "required": pl.Int64(),
    "found": pl.Int64(),
    "difference": pl.Int64(),  # found - required
    "message": pl.String(),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanCheck:
    """Every problem of a plan (schema :data:`PROBLEM_SCHEMA`) and its pairs as read (from, to, n)."""

    problems: pl.DataFrame
    pairs: pl.DataFrame
    total: int

    @property
    def ok(self) -> bool:
        return self.problems.is_empty()

    def of(self, code: PlanProblem) -> pl.DataFrame:
        """The problems of one kind."""
        return self.problems.filter(pl.col("code") == code.value)


def _problem(code: PlanProblem, message: str, *, origin: str | None = None, dest: str | None = None,
             required: int | None = None, found: int | None = None) -> dict[str, object]:
    difference = None if required is None or found is None else found - required
    return {"code": code.value, "from_region": origin, "to_region": dest, "required": required,
            "found": found, "difference": difference, "message": message}


def _read_pairs(plan: pl.DataFrame, value: str) -> tuple[list[tuple[str, str, int]], list[dict[str, object]]]:
    for column in ("from_region", "to_region", value):
        if column not in plan.columns:
            raise ValueError(f"the plan needs columns from_region, to_region and {value!r}; it has {plan.columns}")
    problems: list[dict[str, object]] = []
    pairs: list[tuple[str, str, int]] = []
    for row, (a, b, v) in enumerate(plan.select(pl.col("from_region", "to_region", value).cast(pl.String))
                                    .iter_rows(), start=1):
        try:
            number = float(v) if v is not None else float("nan")
        except ValueError:
            number = float("nan")
        if a is None or b is None or not number >= 0 or number != round(number):
            problems.append(_problem(PlanProblem.BAD_CELL, f"row {row}: {a}->{b} plans {v!r}, not a whole "
                                     "number of workers", origin=a, dest=b))
            continue
        pairs.append((a, b, round(number)))
    return pairs, problems


def check_plan(
    plan: pl.DataFrame,
    supply: pl.DataFrame,
    demand: pl.DataFrame | None = None,
    *,
    value: str = "planned",
    min_group: int = 1,
    printed_total: int | None = None,
    floors: Sequence[PriorityFloor] = (),
    regions: Collection[str] | None = None,
) -> PlanCheck:
    """Check ``plan`` (from_region, to_region, ``value``) against ``supply`` and ``demand``.

    ``supply`` and ``demand`` take the forms :func:`~cadre.engine.distribution.distribute` takes (supply
    split by union is added up per region); without ``demand`` only the origins, groups and the total are
    checked. Every problem is a row of ``problems``; bad supply or demand tables raise
    :class:`DistributionInputError`, since they are what the plan is checked against.
    """
    supply_clean, issues = read_supply(supply, regions=regions)
    demand_clean = None
    if demand is not None:
        demand_clean, demand_issues = read_demand(demand, regions=regions)
        issues = pl.concat([issues, demand_issues])
    if not issues.is_empty():
        raise DistributionInputError(issues)
    pairs, problems = _read_pairs(plan, value)
    seen: dict[tuple[str, str], int] = {}
    for a, b, n in pairs:
        if (a, b) in seen:
            problems.append(_problem(PlanProblem.DUPLICATE_PAIR, f"{a}->{b} appears more than once "
                                     f"({seen[(a, b)]:,} and {n:,})", origin=a, dest=b))
        seen[(a, b)] = seen.get((a, b), 0) + n
    by_pair = pl.DataFrame([(a, b, n) for (a, b), n in seen.items()], orient="row",
                           schema={"from_region": pl.String, "to_region": pl.String, "n": pl.Int64})
    for (a, b), n in seen.items():
        if 0 < n < min_group:
            problems.append(_problem(PlanProblem.PAIR_BELOW_GROUP, f"group size {min_group}: the {n:,} workers "
                                     f"from {a} to {b} cannot travel as a group", origin=a, dest=b,
                                     required=min_group, found=n))
    supplied = dict(supply_clean.group_by("region").agg(pl.col("supply").sum()).iter_rows())
    for origin in dict.fromkeys([*(a for a, _ in seen), *sorted(supplied)]):
        kept = seen.get((origin, origin), 0)
        total = sum(n for (a, _), n in seen.items() if a == origin)
        if origin not in supplied:
            problems.append(_problem(PlanProblem.ORIGIN_WITHOUT_SUPPLY, f"{origin} plans {total:,} workers but "
                                     "supplies none", origin=origin, required=0, found=total))
            continue
        have = int(supplied[origin])
        if total > have:
            problems.append(_problem(
                PlanProblem.ORIGIN_OVER_SUPPLY,
                f"{origin} plans {total:,} workers (keeps {kept:,}, sends {total - kept:,}) but supplies only "
                f"{have:,}: {total - have:,} too many; keeping {kept:,}, it can send only {max(have - kept, 0):,}",
                origin=origin, required=have, found=total))
        elif total < have:
            problems.append(_problem(PlanProblem.ORIGIN_UNDER_SUPPLY, f"{origin} plans only {total:,} of its "
                                     f"{have:,} workers: {have - total:,} not planned", origin=origin,
                                     required=have, found=total))
    grand = sum(seen.values())
    if demand_clean is not None:
        problems.extend(_destination_problems(seen, demand_clean, floors))
    if printed_total is not None and grand != printed_total:
        problems.append(_problem(PlanProblem.TOTAL_MISMATCH, f"the plan's pairs add up to {grand:,}, but its "
                                 f"printed total is {printed_total:,} ({grand - printed_total:+,})",
                                 required=printed_total, found=grand))
    return PlanCheck(problems=pl.DataFrame(problems, schema=PROBLEM_SCHEMA), pairs=by_pair.sort("from_region",
                     "to_region"), total=grand)


def _destination_problems(seen: dict[tuple[str, str], int], demand: pl.DataFrame,
                          floors: Sequence[PriorityFloor]) -> list[dict[str, object]]:
    problems: list[dict[str, object]] = []
    received: dict[str, int] = {}
    for (_, b), n in seen.items():
        received[b] = received.get(b, 0) + n
    rows = {r["region"]: r for r in demand.iter_rows(named=True)}
    for dest in dict.fromkeys([*received, *sorted(rows)]):
        got = received.get(dest, 0)
        if dest not in rows:
            problems.append(_problem(PlanProblem.DESTINATION_WITHOUT_DEMAND, f"{dest} receives {got:,} workers "
                                     "but has no demand", dest=dest, required=0, found=got))
            continue
        low, high = rows[dest]["minimum"], rows[dest]["maximum"]
        if high is not None and got > high:
            problems.append(_problem(PlanProblem.DESTINATION_OVER_MAXIMUM, f"{dest} receives {got:,} workers, "
                                     f"above its maximum of {high:,}", dest=dest, required=high, found=got))
        if got < low:
            problems.append(_problem(PlanProblem.DESTINATION_UNDER_MINIMUM, f"{dest} receives {got:,} workers, "
                                     f"below its minimum of {low:,}", dest=dest, required=low, found=got))
    for floor in floors:
        members = {r for r, row in rows.items() if row["priority"] <= floor.priority}
        got = sum(n for r, n in received.items() if r in members)
        if got < floor.minimum:
            problems.append(_problem(PlanProblem.FLOOR_SHORT, f"{floor.name}: {got:,} workers go to destinations "
                                     f"of priority {floor.priority} or higher, {floor.minimum - got:,} short",
                                     required=floor.minimum, found=got))
    return problems
