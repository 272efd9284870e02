"""A distribution plan held against the rules by the engine's plan check (SYSTEM.md §3.1, §5).

The plan's pairs come from rows (``DistributionFlow``); the supply is what the plan was built for (the
selected files per source region, kept in the plan's certificate); the demand is the record's 1929
destinations in a historical campaign, else the room of the posts in each destination region.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from cadre import record
from cadre.engine.distribution import check_plan, inputs_1929
from cadre.web.bridge.distribution import destinations
from cadre.web.bridge.files import files_frame

__all__ = ["PlanVerdict", "plan_check", "plan_destinations"]

_PAIRS = {"from_region": pl.String, "to_region": pl.String, "n": pl.Int64}


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanVerdict:
    """What the engine found: every problem in words (none: the plan keeps the rules) and the total."""

    problems: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _pairs(pairs: Iterable[tuple[str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(list(pairs), schema=_PAIRS, orient="row")


def plan_check(pairs: Iterable[tuple[str, str, int]], *, supply: dict[str, int], historical: bool,
               capacity: dict[str, int]) -> PlanVerdict:
    """Check a plan's pairs (origin, destination, n) against its supply and the destinations' demand."""
    plan = _pairs(pairs).rename({"n": "planned"})
    supply_frame = pl.DataFrame({"region": list(supply), "supply": [int(v) for v in supply.values()]},
                                schema={"region": pl.String, "supply": pl.Int64})
    if historical:
        demand = inputs_1929(quotas=record.quotas(), plan=record.control_plan(), regions=record.regions()).demand
    else:
        demand = pl.DataFrame({"region": list(capacity), "minimum": [0] * len(capacity),
                               "maximum": [int(v) for v in capacity.values()], "priority": [1] * len(capacity)},
                              schema={"region": pl.String, "minimum": pl.Int64, "maximum": pl.Int64,
                                      "priority": pl.Int64})
    checked = check_plan(plan, supply_frame, demand)
    return PlanVerdict(problems=checked.problems.get_column("message").to_list(), total=checked.total)


def plan_destinations(files: Iterable[object], pairs: Iterable[tuple[str, str, int]]) -> dict[str, str]:
    """Each file's destination under the plan's pairs, factory groups kept together."""
    return destinations(files_frame(files), _pairs(pairs))
