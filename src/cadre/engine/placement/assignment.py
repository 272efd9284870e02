"""The exact assignment stage: every person to one of their candidate posts, at least total cost.

``solve_assignment`` runs the sparse shortest-augmenting-path kernel (``sap``) on each connected
component of the arc graph (in practice one per destination region), then checks the answer
independently (``verify``): the certificate says OPTIMAL only when the check proves it, and its bound is
the dual objective of the potentials. A planner who changes one region's quotas re-solves that region
alone with ``components=``. When some people cannot be placed, the certificate says INFEASIBLE and its
``binding`` names the people, posts and component; no partial assignment is returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cadre.engine.certificate import Binding, Certificate, Sense, Status, relative_gap, stopwatch
from cadre.engine.placement.infeasible import Unplaced, hall_witness, shortage_binding, witness_binding
from cadre.engine.placement.instance import AssignmentInstance
from cadre.engine.placement.sap import solve_components
from cadre.engine.placement.verify import Verification, spans, verify

__all__ = ["SOLVER", "AssignmentResult", "solve_assignment"]

SOLVER = "cadre.placement.sap"


# eq=False: the result holds arrays, for which dataclass equality is not defined.
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class AssignmentResult:
    """An assignment with its certificate.

    ``assignment`` (person_id, post_id, cost) lists everyone of the solved components, in the people's
    input order, and is empty unless the certificate is OPTIMAL; ``unplaced`` (person_id, component,
    reason) lists who could not be placed. ``person_dual`` and ``post_dual`` are the potentials (in the
    instance's order); ``chosen`` is the arc of each person (-1 if none).
    """

    assignment: pl.DataFrame
    unplaced: pl.DataFrame
    certificate: Certificate
    components: tuple[int, ...]
    instance: AssignmentInstance
    person_dual: NDArray[np.float64]
    post_dual: NDArray[np.float64]
    chosen: NDArray[np.int64]

    def explain(self) -> pl.DataFrame:
        """Why each person got their post: at the posts' prices, no candidate post is a better deal.

        ``price`` is what a post's place is worth to the people competing for it (minus its potential);
        for every candidate ``k`` of a person, ``cost_k + price_k >= cost + price`` holds. ``regret`` is
        how much dearer the post is than the person's cheapest candidate.
        """
        inst = self.instance
        persons = spans(inst.person_ptr, np.array(self.components, dtype=np.int64))
        persons = persons[self.chosen[persons] >= 0]
        arcs = self.chosen[persons]
        best = np.minimum.reduceat(inst.cost, inst.indptr[persons]) if len(persons) else inst.cost[:0]
        cost = inst.cost[arcs]
        price = 0.0 - self.post_dual[inst.col[arcs]]  # "0.0 -" rather than "-": no prices of -0.0
        return pl.DataFrame({
            "person_id": inst.person_ids.gather(persons), "post_id": inst.post_ids.gather(inst.col[arcs]),
            "cost": cost, "best_cost": best, "regret": cost - best, "price": price,
        }).with_columns(reason=pl.when(pl.col("regret") <= 0).then(pl.lit("cheapest candidate"))
                        .otherwise(pl.lit("cheaper candidates are full and worth more to others")))


def _components(instance: AssignmentInstance, components: Iterable[int] | None) -> NDArray[np.int64]:
    if components is None:
        return np.arange(instance.n_components, dtype=np.int64)
    comps = np.unique(np.fromiter(components, dtype=np.int64))
    if len(comps) and (comps[0] < 0 or comps[-1] >= instance.n_components):
        raise ValueError(f"components are numbered 0..{instance.n_components - 1}; got {comps.tolist()}")
    return comps


def solve_assignment(instance: AssignmentInstance, *, components: Iterable[int] | None = None) -> AssignmentResult:
    """Place everyone of the given components (all by default) at least total cost, with a certificate.

    Components are independent, so a region's re-solve after a quota change touches only its own
    people, posts and arcs.
    """
    with stopwatch() as watch:
        comps = _components(instance, components)
        n, m = len(instance.person_ids), len(instance.capacity)
        # A post never holds more people than have an arc to it: that many slots are enough.
        places = np.minimum(instance.capacity, np.bincount(instance.col, minlength=m))
        slot_ptr = np.concatenate([[0], np.cumsum(places)]).astype(np.int64)
        comp_people = np.diff(instance.person_ptr)[comps]
        comp_places = slot_ptr[instance.post_ptr[comps + 1]] - slot_ptr[instance.post_ptr[comps]]
        short = comp_places < comp_people
        work = comps[~short]
        u, v = np.zeros(n), np.zeros(m)
        asg = np.full(n, -1, np.int64)
        load = np.zeros(m, np.int64)
        failed = np.zeros(n, np.bool_)
        scanned = np.zeros(len(work), np.int64)
        failures = np.zeros(len(work), np.int64)
        slot_person = np.empty(int(slot_ptr[-1]), np.int32)
        solve_components(work, instance.person_ptr, instance.post_ptr, instance.indptr, instance.col,
                         instance.cost, instance.capacity, slot_ptr, u, v, asg, slot_person,
                         np.empty(n, np.int64), load, failed, scanned, failures)

        bindings: list[Binding] = []
        unplaced: list[tuple[NDArray[np.int64], int, Unplaced]] = []
        for c, p in zip(comps[short].tolist(), comp_places[short].tolist(), strict=True):
            bindings.append(shortage_binding(instance, c, p))
            reason = Unplaced.NO_ARCS if instance.post_ptr[c] == instance.post_ptr[c + 1] else Unplaced.COMPONENT_SHORT
            unplaced.append((np.arange(instance.person_ptr[c], instance.person_ptr[c + 1]), c, reason))
        for c in work[failures > 0].tolist():
            lo, hi = int(instance.person_ptr[c]), int(instance.person_ptr[c + 1])
            lost = lo + np.flatnonzero(failed[lo:hi])
            people, posts = hall_witness(int(lost[0]), int(instance.post_ptr[c]), int(instance.post_ptr[c + 1]),
                                         instance.indptr, instance.col, instance.capacity, slot_ptr,
                                         slot_person, load)
            bindings.append(witness_binding(instance, c, people, posts, len(lost)))
            unplaced.append((lost, c, Unplaced.HALL))
        check = None if bindings else verify(instance, comps, asg, u, v)
    return _result(instance, comps, asg, u, v, bindings, unplaced, check, watch.seconds,
                   {"posts_scanned": float(scanned.sum()), "components_solved": float(len(comps))})


def _result(
    instance: AssignmentInstance, comps: NDArray[np.int64], asg: NDArray[np.int64], u: NDArray[np.float64],
    v: NDArray[np.float64], bindings: list[Binding], unplaced: list[tuple[NDArray[np.int64], int, Unplaced]],
    check: Verification | None, seconds: float, stats: dict[str, float],
) -> AssignmentResult:
    persons = spans(instance.person_ptr, comps)
    stats |= {"people": float(len(persons)), "posts": float(len(spans(instance.post_ptr, comps))),
              "arcs": float(instance.indptr[persons + 1].sum() - instance.indptr[persons].sum()),
              "components": float(instance.n_components), "unplaced": float(sum(len(p) for p, _, _ in unplaced))}
    lost = pl.DataFrame(
        {"person_id": instance.person_ids.gather(np.concatenate([p for p, _, _ in unplaced])),
         "component": np.concatenate([np.full(len(p), c) for p, c, _ in unplaced]),
         "reason": np.concatenate([np.full(len(p), r.value) for p, _, r in unplaced])}
    ) if unplaced else pl.DataFrame(schema={"person_id": instance.person_ids.dtype, "component": pl.Int64,
                                            "reason": pl.String})
    cost_type = pl.Int64 if instance.integral else pl.Float64
    if check is None or not check.ok:
        status = Status.INFEASIBLE if check is None else Status.ERROR
        message = (f"{int(stats['unplaced']):,} people cannot be placed" if check is None
                   else "the optimality check failed: " + "; ".join(check.problems))
        cert = Certificate(solver=SOLVER, status=status, sense=Sense.MINIMIZE, objective=None, bound=None,
                           seconds=seconds, binding=tuple(bindings), message=message, stats=stats)
        assignment = pl.DataFrame(schema={"person_id": instance.person_ids.dtype,
                                          "post_id": instance.post_ids.dtype, "cost": cost_type})
    else:
        order = persons[np.argsort(instance.person_row[persons], kind="stable")]
        arcs = asg[order]
        assignment = pl.DataFrame({"person_id": instance.person_ids.gather(order),
                                   "post_id": instance.post_ids.gather(instance.col[arcs]),
                                   "cost": pl.Series(instance.cost[arcs]).cast(cost_type)})
        stats |= {"min_reduced_cost": check.min_reduced_cost, "max_slack_on_chosen": check.max_slack_on_chosen}
        cert = Certificate(solver=SOLVER, status=Status.OPTIMAL, sense=Sense.MINIMIZE, objective=check.primal,
                           bound=check.dual, gap=relative_gap(check.primal, check.dual), seconds=seconds,
                           tolerance=check.tolerance, stats=stats,
                           message=(f"{len(persons):,} people placed on {len(comps):,} component(s); "
                                    "optimality proven by the dual potentials"))
    return AssignmentResult(assignment=assignment, unplaced=lost, certificate=cert,
                            components=tuple(int(c) for c in comps), instance=instance,
                            person_dual=u, post_dual=v, chosen=asg)
