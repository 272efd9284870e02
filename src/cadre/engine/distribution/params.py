"""The parameters of a distribution plan: what the planner prefers, and the rules the plan must keep."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["DEFAULT_PRIORITY_WEIGHTS", "DistributionParams", "PriorityFloor"]

# Points per worker placed in a destination of each priority (1 first). The steps are larger than any
# travel cost between two regions of the USSR (about 9 points for 9,000 km at the default travel cost), so
# that priority decides which destinations are left short and travel decides who goes where.
DEFAULT_PRIORITY_WEIGHTS: Mapping[int, float] = MappingProxyType({1: 30.0, 2: 20.0, 3: 10.0})


@dataclass(frozen=True, slots=True, kw_only=True)
class PriorityFloor:
    """A hard floor: at least ``minimum`` workers go to destinations of priority ``priority`` or higher
    (a smaller number), e.g. 10,000 workers to the grain regions, where the districts of wholesale
    collectivization lay."""

    priority: int
    minimum: int
    label: str = ""

    def __post_init__(self) -> None:
        if self.priority < 1 or self.minimum < 0:
            raise ValueError(f"a priority floor needs priority >= 1 and minimum >= 0, not {self}")

    @property
    def name(self) -> str:
        return self.label or f"at least {self.minimum:,} to priority <= {self.priority}"


def _finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class DistributionParams:
    """How a plan is scored and which rules it must keep.

    The plan maximizes its score, in points per worker sent along a pair: the destination's priority weight,
    plus ``stay_bonus`` for a worker who stays in the own region, plus a patronage tie's bonus (a tie row's
    own, or ``tie_bonus``), plus a union's production tie bonus (``union_bonus`` by default), minus
    ``travel_cost`` per 1,000 km of the route; less ``pair_cost`` for every pair used (fewer, larger
    groups). Hard rules: every worker supplied is sent; each destination receives between its minimum and
    maximum; a used pair carries at least ``min_group`` workers; every :class:`PriorityFloor` holds.

    ``time_limit`` (seconds) and ``gap`` (relative MIP gap accepted as optimal; 0 = proven optimum) bound
    the solve; the certificate says which ended it.
    """

    min_group: int = 1
    stay_bonus: float = 5.0
    tie_bonus: float = 2.0
    union_bonus: float = 2.0
    travel_cost: float = 1.0
    pair_cost: float = 0.0
    priority_weights: Mapping[int, float] = field(default_factory=lambda: DEFAULT_PRIORITY_WEIGHTS)
    floors: tuple[PriorityFloor, ...] = ()
    time_limit: float = 20.0
    gap: float = 0.0

    def __post_init__(self) -> None:
        if self.min_group < 1:
            raise ValueError(f"min_group must be at least 1, not {self.min_group}")
        for name in ("stay_bonus", "tie_bonus", "union_bonus", "travel_cost", "pair_cost", "time_limit", "gap"):
            _finite(name, getattr(self, name))
        if self.travel_cost < 0 or self.pair_cost < 0:
            raise ValueError("travel_cost and pair_cost must not be negative")
        if self.time_limit <= 0 or self.gap < 0:
            raise ValueError("time_limit must be positive and gap not negative")
        if not self.priority_weights:
            raise ValueError("priority_weights must weigh at least one priority")
        for priority, weight in self.priority_weights.items():
            if priority < 1:
                raise ValueError(f"priorities start at 1, not {priority}")
            _finite(f"the weight of priority {priority}", weight)
        # A caller's dict is frozen too, so that a result's parameters cannot change after the solve.
        object.__setattr__(self, "priority_weights", MappingProxyType(dict(self.priority_weights)))
