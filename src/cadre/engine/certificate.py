"""What an optimizer proved: the certificate every planning optimizer returns with its answer.

An answer alone does not tell a planner whether a better one exists. A certificate states the status, the
objective reached, the best bound proven (for a minimization, no answer can cost less than ``bound``), the
relative gap between them, the time spent, and, when a target or a constraint could not be met, which
constraints bound and by how much, in words a planner can act on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Binding", "Certificate", "Sense", "Status", "Stopwatch", "relative_gap", "stopwatch"]


class Status(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"  # objective equals the proven bound (within the stated tolerance)
    FEASIBLE = "feasible"  # an answer that meets every hard constraint, not proven optimal (time or gap limit)
    INFEASIBLE = "infeasible"  # proven: no answer meets the hard constraints; see ``binding``
    TIME_LIMIT = "time_limit"  # stopped by the time limit without any feasible answer
    ERROR = "error"  # the solver failed; ``message`` says how


class Sense(StrEnum):
    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"


@dataclass(frozen=True, slots=True, kw_only=True)
class Binding:
    """A constraint that bound the answer, or that could not be met.

    ``shortfall`` is in the constraint's own unit (people for quotas and targets); ``explanation`` is a
    sentence for a planner, e.g. "women: 7.9% reached of 15%: only 1,204 eligible women among 14,873
    candidates in tempo-group-1 regions".
    """

    constraint: str
    kind: str  # "hard" or "soft"
    required: float
    reached: float
    shortfall: float
    explanation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Certificate:
    """What an optimizer proved about its answer."""

    solver: str
    status: Status
    sense: Sense
    objective: float | None
    bound: float | None
    seconds: float
    gap: float | None = None
    tolerance: float = 1e-9
    binding: tuple[Binding, ...] = ()
    message: str = ""
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def proven_optimal(self) -> bool:
        return self.status is Status.OPTIMAL

    def as_dict(self) -> dict[str, object]:
        """A plain mapping, for JSON files written next to an answer."""
        return {
            "solver": self.solver, "status": self.status.value, "sense": self.sense.value,
            "objective": self.objective, "bound": self.bound, "gap": self.gap, "seconds": self.seconds,
            "tolerance": self.tolerance, "message": self.message, "stats": dict(self.stats),
            "binding": [
                {"constraint": b.constraint, "kind": b.kind, "required": b.required, "reached": b.reached,
                 "shortfall": b.shortfall, "explanation": b.explanation}
                for b in self.binding
            ],
        }


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|objective - bound| / max(1, |objective|): 0 for a proven optimum, None when either is unknown."""
    if objective is None or bound is None or not (math.isfinite(objective) and math.isfinite(bound)):
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


@dataclass(slots=True)
class Stopwatch:
    """Elapsed seconds of a solve. The only clock the engine reads: to report time, never to decide."""

    started: float
    stopped: float | None = None

    @property
    def seconds(self) -> float:
        end = self.stopped if self.stopped is not None else time.perf_counter()
        return end - self.started


@contextmanager
def stopwatch(clock: Callable[[], float] = time.perf_counter) -> Iterator[Stopwatch]:
    """Measure the block: ``with stopwatch() as sw: ...; sw.seconds``."""
    watch = Stopwatch(started=clock())
    try:
        yield watch
    finally:
        watch.stopped = clock()
