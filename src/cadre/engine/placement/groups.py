"""The group stage: factory groups to districts, each group whole, before people are placed in posts.

Workers were to be sent "in groups, or at least to the same district as co-workers". The stage chooses a
district for every group (a generalized assignment problem: a group takes ``size`` places of its
district's capacity) at least total cost, as a MILP solved by HiGHS through ``scipy.optimize.milp``,
which reports the proven dual bound and gap. ``restrict_arcs`` then keeps only each person's arcs into
their group's district, and the exact assignment stage places them.

The two stages together are a decomposition, not one exact model: the group stage prices a district by
its members' cheapest arcs into it and sees capacity as a count of places, so the assignment stage may
still find a district over-subscribed for some post type (it then reports the Hall witness). The side-
constraint stage (``side``) is the exact alternative for the groups that must stay together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cadre.engine.certificate import Binding, Certificate, Sense, Status, relative_gap, stopwatch

__all__ = ["GroupPlan", "assign_groups", "group_costs", "restrict_arcs"]

SOLVER = "cadre.placement.groups (HiGHS MILP via scipy)"
_MILP_STATUS = {0: Status.OPTIMAL, 1: Status.FEASIBLE, 2: Status.INFEASIBLE}


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupPlan:
    """Each group's district (``group``, ``district``, ``size``, ``cost``), with the MILP's certificate."""

    plan: pl.DataFrame
    certificate: Certificate


def group_costs(
    arcs: pl.DataFrame, people: pl.DataFrame, posts: pl.DataFrame, *, group: str = "group",
    district: str = "district",
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Derive the group stage's input from an explicit-cost instance.

    Returns ``groups`` (group, size), ``districts`` (district, capacity: the places of its posts) and
    ``costs`` (group, district, cost): the sum over the group's members of their cheapest arc into the
    district, only for districts where every member has an arc.
    """
    members = people.select("person_id", pl.col(group).alias("group"))
    groups = members.group_by("group").agg(size=pl.len()).sort("group")
    districts = (posts.group_by(pl.col(district).alias("district"))
                 .agg(capacity=pl.col("capacity").sum()).sort("district"))
    costs = (
        arcs.lazy().join(posts.lazy().select("post_id", pl.col(district).alias("district")), on="post_id")
        .group_by("person_id", "district").agg(pl.col("cost").min())
        .join(members.lazy(), on="person_id")
        .group_by("group", "district").agg(pl.col("cost").sum(), members=pl.len())
        .join(groups.lazy(), on="group")
        .filter(pl.col("members") == pl.col("size"))
        .select("group", "district", "cost").sort("group", "district")
        .collect()
    )
    return groups, districts, costs


def assign_groups(
    groups: pl.DataFrame, districts: pl.DataFrame, costs: pl.DataFrame, *, time_limit: float = 30.0
) -> GroupPlan:
    """Choose a district for every group (columns as ``group_costs`` returns them), keeping groups whole.

    Minimizes the total cost subject to: each group in exactly one of its allowed districts; the sizes of
    the groups in a district at most its capacity. Infeasible input gets INFEASIBLE with the binding.
    """
    # Imported here: scipy.optimize takes about a second to import, which every `cadre` command would pay.
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array

    with stopwatch() as watch:
        pairs = (costs.join(groups.with_row_index("g"), on="group")
                 .join(districts.with_row_index("d"), on="district").sort("g", "d"))
        g, d = pairs.get_column("g").to_numpy(), pairs.get_column("d").to_numpy()
        size = groups.get_column("size").to_numpy().astype(np.float64)
        capacity = districts.get_column("capacity").to_numpy().astype(np.float64)
        bindings = _obvious(groups, np.bincount(g, minlength=groups.height), size, capacity)
        res = None
        if not bindings:
            k = np.arange(len(g))
            one = LinearConstraint(csr_array((np.ones(len(g)), (g, k)), shape=(groups.height, len(g))), 1, 1)
            room = LinearConstraint(csr_array((size[g], (d, k)), shape=(districts.height, len(g))), -np.inf, capacity)
            res = milp(pairs.get_column("cost").to_numpy().astype(np.float64), integrality=np.ones(len(g)),
                       bounds=Bounds(0, 1), constraints=[one, room],
                       options={"time_limit": time_limit, "disp": False})
    if res is None or res.x is None:
        status = (Status.INFEASIBLE if res is None or res.status == 2
                  else Status.TIME_LIMIT if res.status == 1 else Status.ERROR)
        if status is Status.INFEASIBLE and not bindings:
            bindings = [Binding(constraint="district capacities", kind="hard", required=float(size.sum()),
                                reached=float(capacity.sum()), shortfall=0.0,
                                explanation="no way to keep every group whole within the districts' capacities")]
        cert = Certificate(solver=SOLVER, status=status, sense=Sense.MINIMIZE, objective=None, bound=None,
                           seconds=watch.seconds, binding=tuple(bindings),
                           message=res.message if res is not None else "infeasible before solving")
        empty = pl.DataFrame(schema={"group": groups.schema["group"], "district": districts.schema["district"],
                                     "size": pl.Int64, "cost": pl.Float64})
        return GroupPlan(plan=empty, certificate=cert)
    chosen = res.x > 0.5
    plan = (pairs.filter(pl.Series(chosen)).join(groups, on="group")
            .select("group", "district", pl.col("size").cast(pl.Int64), pl.col("cost").cast(pl.Float64)))
    bound = float(res.mip_dual_bound) if res.mip_dual_bound is not None else None
    cert = Certificate(solver=SOLVER, status=_MILP_STATUS.get(res.status, Status.ERROR), sense=Sense.MINIMIZE,
                       objective=float(res.fun), bound=bound, gap=relative_gap(float(res.fun), bound),
                       seconds=watch.seconds, message=res.message,
                       stats={"groups": float(groups.height), "districts": float(districts.height),
                              "pairs": float(len(g))})
    return GroupPlan(plan=plan, certificate=cert)


def _obvious(groups: pl.DataFrame, options: NDArray[np.int64], size: NDArray[np.float64],
             capacity: NDArray[np.float64]) -> list[Binding]:
    """Infeasibility that needs no solver: a group with no district, or more people than places."""
    found = []
    stranded = np.flatnonzero(options == 0)
    if len(stranded):
        names = ", ".join(str(x) for x in groups.get_column("group").gather(stranded[:8]).to_list())
        found.append(Binding(constraint="groups without a district", kind="hard", required=float(len(stranded)),
                             reached=0.0, shortfall=float(len(stranded)),
                             explanation=f"{len(stranded):,} group(s) ({names}) have no district where every "
                                         "member has a candidate post"))
    if size.sum() > capacity.sum():
        found.append(Binding(constraint="total places", kind="hard", required=float(size.sum()),
                             reached=float(capacity.sum()), shortfall=float(size.sum() - capacity.sum()),
                             explanation=f"{int(size.sum()):,} people in groups but only {int(capacity.sum()):,} "
                                         "places in all districts"))
    return found


def restrict_arcs(
    arcs: pl.DataFrame, people: pl.DataFrame, posts: pl.DataFrame, plan: GroupPlan, *, group: str = "group",
    district: str = "district",
) -> pl.DataFrame:
    """Keep each person's arcs into their group's chosen district only (people of unplanned groups keep none)."""
    target = people.select("person_id", pl.col(group).alias("group")).join(
        plan.plan.select("group", pl.col("district").alias("target")), on="group")
    return (arcs.join(target.select("person_id", "target"), on="person_id", maintain_order="left")
            .join(posts.select("post_id", pl.col(district).alias("district")), on="post_id",
                  maintain_order="left")
            .filter(pl.col("district") == pl.col("target"))
            .select(arcs.columns))
