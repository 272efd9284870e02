"""Side constraints: posts that need a skill, and groups whose members must share one district.

A post that needs a skill only forbids some arcs, so it is applied exactly and at the cost of one
vectorized pass: the arcs of people without the skill are dropped before the flow. Keeping a group
together couples its members' choices, which no flow can express, so it is handled by "solve the flow,
then the residual": the exact assignment is solved without it (its optimum is a lower bound for the
constrained problem); the groups it splits are found; everyone else keeps their post, and only the split
groups' members, plus, for ``expand`` rounds, the occupants of the posts they could move to, are re-placed
by CP-SAT with the flow's answer as a hint. The cost grows with the constrained part, not the instance.

When the residual covers whole components and CP-SAT proves it optimal, the combined answer is proven
optimal (components are independent); otherwise the certificate is FEASIBLE with the gap to the flow's
bound. A residual that CP-SAT finds infeasible is widened until it covers its components; only then is
INFEASIBLE reported, and it is then a proof. Keeping every group of a campaign together is the group
stage's job (``groups``); this stage is for a few constrained groups. Costs must be integers (CP-SAT).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cadre.engine.certificate import Binding, Certificate, Sense, Status, relative_gap, stopwatch
from cadre.engine.placement.assignment import AssignmentResult, solve_assignment
from cadre.engine.placement.instance import AssignmentInstance
from cadre.engine.placement.residual import Residual, SideData, side_data, solve_residual

__all__ = ["SideConstraints", "SideResult", "solve_with_side_constraints"]

SOLVER = "cadre.placement.side (flow + CP-SAT residual)"


@dataclass(frozen=True, slots=True, kw_only=True)
class SideConstraints:
    """Which groups must share a district and which posts need a skill, and where that is written.

    ``posts`` carries ``post_id`` and the ``district_column`` and/or ``needs_column`` (a skill, or null
    for none); the instance's people carry ``group_column`` and ``skill_column`` (skills held, as a list
    or ';'-separated text). ``together`` lists the groups whose members must all be in one district.
    """

    posts: pl.DataFrame
    together: tuple[object, ...] = ()
    group_column: str = "group"
    district_column: str = "district"
    skill_column: str = "skills"
    needs_column: str = "needs_skill"


# eq=False: the result holds frames, for which dataclass equality is not meaningful.
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class SideResult:
    """The constrained assignment, its certificate, the unconstrained flow and what was re-solved."""

    assignment: pl.DataFrame
    certificate: Certificate
    flow: AssignmentResult
    residual_people: int
    rounds: int


def solve_with_side_constraints(
    instance: AssignmentInstance, side: SideConstraints, *, expand: int = 0, time_limit: float = 30.0,
    workers: int = 1,
) -> SideResult:
    """Place everyone at least cost subject to the side constraints; see the module docstring.

    ``expand``: rounds of neighbours added to the residual before the first CP-SAT solve (0: the split
    groups alone, moving into free places); ``workers``: CP-SAT's search workers (1 keeps the answer
    deterministic). The flow inside ``SideResult`` is the one with the skill filter applied.
    """
    if not instance.integral:
        raise ValueError("side constraints need integer costs (CP-SAT is an integer solver); scale the costs")
    with stopwatch() as watch:
        data = side_data(instance, side)
        skilled = data.allowed_arcs()
        dropped = int((~skilled).sum())
        if dropped:
            instance = instance.keep_arcs(skilled)
            data = data.on(instance)
        flow = solve_assignment(instance)
        if flow.certificate.status is not Status.OPTIMAL:
            note = f" (after dropping {dropped:,} arcs to posts needing a skill the person lacks)" if dropped else ""
            cert = replace(flow.certificate, solver=SOLVER, message=flow.certificate.message + note,
                           seconds=watch.seconds)
            return SideResult(assignment=flow.assignment, certificate=cert, flow=flow, residual_people=0, rounds=0)
        chosen = flow.chosen.copy()
        broken = data.violated(chosen)
        rounds, residual = 0, None
        if broken.any():
            people, closed = data.widen(broken, expand)
            rounds = expand
            while True:
                residual = solve_residual(data, people, chosen, closed=closed, time_limit=time_limit,
                                          workers=workers)
                if residual.status is not Status.INFEASIBLE or residual.full:
                    break
                people, closed = data.widen(people, 1)
                rounds += 1
    return _combine(instance, data, flow, residual, chosen, rounds, dropped, watch.seconds)


def _combine(
    instance: AssignmentInstance, data: SideData, flow: AssignmentResult, residual: Residual | None,
    chosen: NDArray[np.int64], rounds: int, dropped: int, seconds: float,
) -> SideResult:
    flow_cost = float(flow.certificate.objective or 0.0)
    stats = {"flow_objective": flow_cost, "residual_people": 0.0, "rounds": float(rounds),
             "arcs_dropped_for_skills": float(dropped)}
    if residual is None:
        cert = Certificate(solver=SOLVER, status=Status.OPTIMAL, sense=Sense.MINIMIZE, objective=flow_cost,
                           bound=flow.certificate.bound, gap=0.0, seconds=seconds, stats=stats,
                           message="the flow's optimum breaks no side constraint")
        return SideResult(assignment=flow.assignment, certificate=cert, flow=flow, residual_people=0, rounds=0)
    stats |= residual.stats | {"residual_people": float(len(residual.people))}
    if residual.assignment is None:
        # Only a proven infeasibility names a binding constraint; a time limit proves nothing.
        binding = (Binding(constraint="side constraints", kind="hard", required=float(len(residual.people)),
                           reached=0.0, shortfall=float(len(residual.people)), explanation=residual.explanation),
                   ) if residual.status is Status.INFEASIBLE else ()
        cert = Certificate(solver=SOLVER, status=residual.status, sense=Sense.MINIMIZE, objective=None,
                           bound=flow.certificate.bound, seconds=seconds, binding=binding, stats=stats,
                           message=residual.explanation)
        empty = flow.assignment.clear()
        return SideResult(assignment=empty, certificate=cert, flow=flow, residual_people=len(residual.people),
                          rounds=rounds)
    chosen[residual.people] = residual.assignment
    problems = data.check(chosen)
    objective = float(instance.cost[chosen].sum())
    bound = float(flow.certificate.bound or 0.0)
    if residual.full and residual.bound is not None:
        # The residual is independent of the rest: the flow's optimum elsewhere plus CP-SAT's bound there.
        bound = max(bound, bound - data.cost_of(flow.chosen, residual.people) + residual.bound)
    gap = relative_gap(objective, bound)
    status = Status.ERROR if problems else (Status.OPTIMAL if objective <= bound else Status.FEASIBLE)
    message = ("; ".join(problems) if problems else
               f"{len(residual.people):,} people re-placed by CP-SAT ({residual.status.value}); "
               f"the rest keep the flow's posts")
    cert = Certificate(solver=SOLVER, status=status, sense=Sense.MINIMIZE, objective=objective, bound=bound,
                       gap=gap, seconds=seconds, stats=stats, message=message)
    persons = np.flatnonzero(chosen >= 0)
    persons = persons[np.argsort(instance.person_row[persons], kind="stable")]
    arcs = chosen[persons]
    assignment = pl.DataFrame({
        "person_id": instance.person_ids.gather(persons), "post_id": instance.post_ids.gather(instance.col[arcs]),
        "cost": pl.Series(instance.cost[arcs]).cast(pl.Int64),
    })
    return SideResult(assignment=assignment, certificate=cert, flow=flow, residual_people=len(residual.people),
                      rounds=rounds)
