"""The residual of the side-constraint stage: who is involved, and the CP-SAT model that re-places them.

``SideData`` holds the side constraints as arrays in the instance's order (a district per post, a
required skill per post, a skill mask and a constrained group per person) and answers, vectorized, which
people a placement puts in breach, who else the residual must free, and whether a final placement holds
every constraint. ``solve_residual`` builds CP-SAT's model over the residual people's allowed arcs only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cadre.engine.certificate import Status
from cadre.engine.placement.instance import AssignmentInstance
from cadre.engine.placement.validate import positions
from cadre.engine.placement.verify import spans

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from cadre.engine.placement.side import SideConstraints

__all__ = ["Residual", "SideData", "side_data", "solve_residual"]

_CP_STATUS = {"OPTIMAL": Status.OPTIMAL, "FEASIBLE": Status.FEASIBLE, "INFEASIBLE": Status.INFEASIBLE,
              "UNKNOWN": Status.TIME_LIMIT}


def _codes(series: pl.Series) -> NDArray[np.int64]:
    """Dense integer codes of a column's values; -1 for nulls."""
    return series.rank("dense").cast(pl.Int64).fill_null(0).to_numpy() - 1


# eq=False: holds arrays.
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class SideData:
    """Side constraints as arrays: ``district``, ``needs`` (skill bit or -1) per post; ``skills`` (bit
    mask), ``group`` (code of a together group or -1) per person; ``skill_names`` for messages."""

    instance: AssignmentInstance
    district: NDArray[np.int64]
    needs: NDArray[np.int64]
    skills: NDArray[np.int64]
    group: NDArray[np.int64]
    skill_names: tuple[str, ...] = field(default=())
    group_names: tuple[object, ...] = field(default=())

    def allowed(self, arcs: NDArray[np.int64], rows: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether each arc's person holds the skill its post needs."""
        need = self.needs[self.instance.col[arcs]]
        ok: NDArray[np.bool_] = (need < 0) | (((self.skills[rows] >> np.maximum(need, 0)) & 1) == 1)
        return ok

    def allowed_arcs(self) -> NDArray[np.bool_]:
        """``allowed`` for every arc of the instance, in its arc order."""
        need = self.needs[self.instance.col]
        if (need < 0).all():
            return np.ones(len(need), np.bool_)
        rows = np.repeat(np.arange(len(self.skills)), np.diff(self.instance.indptr))
        ok: NDArray[np.bool_] = (need < 0) | (((self.skills[rows] >> np.maximum(need, 0)) & 1) == 1)
        return ok

    def on(self, instance: AssignmentInstance) -> SideData:
        """The same constraints over a version of the instance with fewer arcs (same people and posts)."""
        return replace(self, instance=instance)

    def _split_groups(self, chosen: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Per person: a member of a together group whose members sit in more than one district."""
        members = np.flatnonzero((self.group >= 0) & (chosen >= 0))
        count = int(self.group.max(initial=-1)) + 1
        if count == 0:
            return np.zeros(len(chosen), np.bool_)
        where = self.district[self.instance.col[chosen[members]]]
        low = np.full(count, np.iinfo(np.int64).max)
        high = np.full(count, -1)
        np.minimum.at(low, self.group[members], where)
        np.maximum.at(high, self.group[members], where)
        split = (low != high) & (high >= 0)
        broken: NDArray[np.bool_] = (self.group >= 0) & split[np.maximum(self.group, 0)]
        return broken

    def violated(self, chosen: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Per person: placed on a post needing a skill they lack, or in a group split across districts."""
        persons = np.arange(len(chosen))
        return ~self.allowed(chosen, persons) | self._split_groups(chosen)

    def widen(self, mask: NDArray[np.bool_], rounds: int) -> tuple[NDArray[np.bool_], bool]:
        """Add, ``rounds`` times, everyone with an arc to a post the residual people may take; keep groups whole.

        Those are the people who may have to make room (the posts' occupants) and those who may move into
        a place the residual people leave. Returns the new mask and whether it is closed: no one outside
        has an arc to its posts, so it is independent of the rest (a union of components).
        """
        inst, mask = self.instance, self._close(mask)
        owner = np.repeat(np.arange(len(mask)), np.diff(inst.indptr))
        closed = False
        for _ in range(rounds):
            persons = np.flatnonzero(mask)
            arcs = spans(inst.indptr, persons)
            wanted = np.zeros(len(inst.capacity), np.bool_)
            wanted[inst.col[arcs[self.allowed(arcs, owner[arcs])]]] = True
            grown = mask.copy()
            grown[owner[wanted[inst.col]]] = True
            grown = self._close(grown)
            closed = bool((grown == mask).all())
            if closed:
                break
            mask = grown
        return mask, closed

    def _close(self, mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
        touched = np.unique(self.group[mask & (self.group >= 0)])
        return mask | np.isin(self.group, touched) & (self.group >= 0)

    def check(self, chosen: NDArray[np.int64]) -> list[str]:
        """Independent check of a final placement: own arcs, capacities, skills, groups."""
        inst = self.instance
        persons = np.arange(len(chosen))
        problems = []
        own = (chosen >= inst.indptr[:-1]) & (chosen < inst.indptr[1:])
        if not own.all():
            return [f"{int((~own).sum()):,} people hold no arc of their own"]
        if (np.bincount(inst.col[chosen], minlength=len(inst.capacity)) > inst.capacity).any():
            problems.append("a post holds more people than its capacity")
        if not self.allowed(chosen, persons).all():
            problems.append("someone holds a post needing a skill they lack")
        if self._split_groups(chosen).any():
            problems.append("a group that must stay together is split across districts")
        return problems

    def cost_of(self, chosen: NDArray[np.int64], persons: NDArray[np.int64]) -> float:
        """The cost of the given people's arcs."""
        return float(self.instance.cost[chosen[persons]].sum())


def side_data(instance: AssignmentInstance, side: SideConstraints) -> SideData:
    """Arrays of the side constraints, aligned with the instance's posts and people."""
    at = positions(side.posts.get_column("post_id"), instance.post_ids)
    m = len(instance.post_ids)
    district = np.arange(m, dtype=np.int64) + 1_000_000_000  # a post with no district is a district alone
    needs = np.full(m, -1, np.int64)
    names: tuple[str, ...] = ()
    if side.district_column in side.posts.columns:
        codes = _codes(side.posts.get_column(side.district_column))
        district = np.where((at >= 0) & (codes[np.maximum(at, 0)] >= 0), codes[np.maximum(at, 0)], district)
    skills = np.zeros(len(instance.person_ids), np.int64)
    if side.needs_column in side.posts.columns:
        need = side.posts.get_column(side.needs_column).cast(pl.String)
        names = tuple(sorted(need.drop_nulls().unique().to_list()))
        if len(names) > 62:
            raise ValueError(f"at most 62 distinct required skills are supported; got {len(names)}")
        bit = {name: i for i, name in enumerate(names)}
        codes = need.replace_strict(bit, default=-1, return_dtype=pl.Int64).to_numpy()
        needs = np.where(at >= 0, codes[np.maximum(at, 0)], -1)
        if side.skill_column in instance.people.columns:
            held = instance.people.get_column(side.skill_column)
            lists = held.str.split(";") if held.dtype == pl.String else held.cast(pl.List(pl.String))
            pairs = (pl.DataFrame({"row": np.arange(len(lists)), "skill": lists}).explode("skill")
                     .with_columns(bit=pl.col("skill").str.strip_chars()
                                   .replace_strict(bit, default=None, return_dtype=pl.Int64))
                     .drop_nulls("bit"))
            np.bitwise_or.at(skills, pairs.get_column("row").to_numpy(),
                             np.left_shift(1, pairs.get_column("bit").to_numpy()))
    group = np.full(len(instance.person_ids), -1, np.int64)
    group_names: tuple[object, ...] = ()
    if side.together:
        column = instance.people.get_column(side.group_column)
        wanted = pl.Series(list(side.together)).cast(column.dtype, strict=False)
        group = np.where(column.is_in(wanted.implode()).to_numpy(), _codes(column), -1)
        group_names = tuple(column.drop_nulls().unique().sort().to_list())  # code k names the k-th value
    return SideData(instance=instance, district=district, needs=needs, skills=skills, group=group,
                    skill_names=names, group_names=group_names)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Residual:
    """CP-SAT's answer for the residual people: their arcs (or None), its status, bound and scope."""

    people: NDArray[np.int64]
    components: NDArray[np.int64]
    full: bool  # independent of everyone else: its optimum plus the flow's elsewhere is the optimum
    status: Status
    assignment: NDArray[np.int64] | None
    bound: float | None
    explanation: str
    stats: dict[str, float]


def solve_residual(
    data: SideData, mask: NDArray[np.bool_], chosen: NDArray[np.int64], *, closed: bool, time_limit: float,
    workers: int,
) -> Residual:
    """Re-place the people of ``mask`` with CP-SAT; everyone else keeps ``chosen`` (the flow's arcs).

    ``closed``: the residual is independent of everyone else (see ``SideData.widen``).
    """
    # Imported here: OR-Tools (and the pandas it pulls in) takes a second and a half to import, which
    # every `cadre` command would pay otherwise.
    from ortools.sat.python import cp_model

    inst = data.instance
    persons = np.flatnonzero(mask)
    comps = np.unique(np.searchsorted(inst.person_ptr, persons, side="right") - 1)
    full = closed or len(persons) == int(np.diff(inst.person_ptr)[comps].sum())
    fixed = ~mask
    room = inst.capacity - np.bincount(inst.col[chosen[fixed]], minlength=len(inst.capacity))
    arcs = spans(inst.indptr, persons)
    rows = np.repeat(persons, np.diff(inst.indptr)[persons])
    keep = data.allowed(arcs, rows)
    arcs, rows = arcs[keep], rows[keep]
    stranded = np.setdiff1d(persons, rows)
    base = {"residual_arcs": float(len(arcs))}
    if len(stranded):
        who = ", ".join(str(x) for x in inst.person_ids.gather(stranded[:8]).to_list())
        return Residual(people=persons, components=comps, full=True, status=Status.INFEASIBLE, assignment=None,
                        bound=None, explanation=f"{len(stranded):,} people ({who}) lack the skill of every "
                                                "candidate post", stats=base)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{a}") for a in arcs.tolist()]
    starts = np.searchsorted(rows, persons)
    ends = np.append(starts[1:], len(rows))
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        model.add_exactly_one(x[lo:hi])
    posts = inst.col[arcs]
    order = np.argsort(posts, kind="stable")
    cuts = np.flatnonzero(np.diff(posts[order])) + 1
    for seg in np.split(order, cuts):
        post = int(posts[seg[0]])
        if len(seg) > room[post]:
            model.add(cp_model.LinearExpr.sum([x[i] for i in seg.tolist()]) <= int(room[post]))
    _groups(model, data, x, rows, posts, chosen)
    model.minimize(cp_model.LinearExpr.weighted_sum(x, inst.cost[arcs].astype(np.int64).tolist()))
    held = chosen[rows] == arcs
    for i in np.flatnonzero(held).tolist():
        model.add_hint(x[i], True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    # The full LP relaxation: assignment rows and "arc implies the group's district" are tight in it;
    # measured on a 159-person residual: proven optimal in 1 s, against no proof in 30 s at the default.
    solver.parameters.linearization_level = 2
    code = solver.solve(model)
    status = _CP_STATUS.get(solver.status_name(code), Status.ERROR)
    groups = np.unique(data.group[persons][data.group[persons] >= 0])
    stats = base | {"cp_sat_seconds": float(solver.wall_time), "residual_groups": float(len(groups))}
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        names = ", ".join(str(g) for g in _group_names(data, groups))
        explanation = (f"the {len(persons):,} people involved cannot all be placed while groups {names} each "
                       "share one district" if status is Status.INFEASIBLE
                       else f"CP-SAT found no placement of the {len(persons):,} people involved in {time_limit:g} s")
        return Residual(people=persons, components=comps, full=full, status=status, assignment=None, bound=None,
                        explanation=explanation, stats=stats)
    value = np.array([solver.boolean_value(v) for v in x], dtype=np.bool_)
    assignment = np.empty(len(persons), np.int64)
    assignment[np.searchsorted(persons, rows[value])] = arcs[value]
    return Residual(people=persons, components=comps, full=full, status=status, assignment=assignment,
                    bound=float(solver.best_objective_bound), explanation="", stats=stats)


def _group_names(data: SideData, codes: NDArray[np.int64], shown: int = 8) -> list[object]:
    """The names of the first groups with the given codes (for messages)."""
    names = data.group_names
    return [names[int(c)] for c in codes[:shown]] + (["..."] if len(codes) > shown else [])


def _groups(model: cp_model.CpModel, data: SideData, x: list[cp_model.IntVar], rows: NDArray[np.int64],
            posts: NDArray[np.int32], chosen: NDArray[np.int64]) -> None:
    """One district per together group: a choice variable per reachable district, arcs imply it."""
    group = data.group[rows]
    district = data.district[posts]
    inside = np.flatnonzero(group >= 0)
    if not len(inside):
        return
    pairs = pl.DataFrame({"i": inside, "g": group[inside], "d": district[inside]})
    choice: dict[tuple[int, int], cp_model.IntVar] = {}
    for g, d in pairs.select("g", "d").unique().sort("g", "d").iter_rows():
        choice[(g, d)] = model.new_bool_var(f"g{g}d{d}")
    for g, frame in pairs.group_by("g", maintain_order=True):
        model.add_exactly_one([choice[(int(g[0]), int(d))] for d in frame.get_column("d").unique().sort()])
    for i, g, d in pairs.iter_rows():
        model.add_implication(x[i], choice[(g, d)])
    # Hint each group's district: where its first member sits in the flow's answer.
    first = pl.DataFrame({"g": group[inside], "d": data.district[data.instance.col[chosen[rows[inside]]]]})
    for g, d in first.unique("g", keep="first", maintain_order=True).iter_rows():
        if (g, d) in choice:
            model.add_hint(choice[(g, d)], True)
