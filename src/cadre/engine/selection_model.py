"""Selection as arrays: the candidates against quota cells, factory sub-quotas and the targets' bounds.

:class:`Problem` holds one row per selectable candidate (those in a cell with a quota), in person_id order,
so that the same candidates in any row order give the same arrays and the same answer. The solvers live in
:mod:`cadre.engine.selection_solve`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

__all__ = ["Problem", "Side", "capacity", "dominated", "factory_cap"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
# Dominance compares every pair of target patterns; beyond this many patterns it is skipped (the model
# stays exact, only larger). 64 patterns = six targets.
MAX_PATTERNS_FOR_DOMINANCE = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Side:
    """One bound of a target: at least (``at_least``) or at most ``share`` of the cohort meets it."""

    target: int  # index of the target (column of Problem.meets)
    code: str
    label: str
    describe: str  # the target's condition in words
    at_least: bool
    share: float
    hard: bool
    penalty: float

    def required(self, places: int) -> int:
        """The count the share asks for in a cohort of ``places``: at least ceil(s n) or at most floor(s n).

        The product is rounded to 9 decimals first, as in :func:`cadre.engine.eligibility.check_targets`,
        so that 15% of 26,380 asks for 3,957 and not, through floating point, 3,958.
        """
        x = round(self.share * places, 9)
        return math.ceil(x) if self.at_least else math.floor(x)

    @property
    def words(self) -> str:
        return f"{'at least' if self.at_least else 'at most'} {self.share:.0%}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Selectable candidates (rows, in person_id order) and the constraints on them, as arrays."""

    person_id: npt.NDArray[np.object_]
    quality: Floats
    cell: Ints  # index into cell_quota
    factory: Ints  # index into factory_quota; -1 where the factory has no sub-quota
    meets: Bools  # (candidates, targets): the person meets target k's condition
    cell_quota: Ints
    factory_quota: Ints
    sides: tuple[Side, ...]

    @property
    def size(self) -> int:
        return int(self.person_id.size)

    def side_meets(self, side: Side) -> Bools:
        return self.meets[:, side.target]

    def nested(self) -> bool:
        """Whether every factory with a sub-quota lies in one cell (one region, one union).

        Then cells and factories form a laminar family: the fast model needs integers only for the totals per
        target pattern (see selection_solve). Real factories are nested (a factory is in one region and its
        workers in the factory's union); a table that is not still gets an exact, slower model.
        """
        capped = self.factory >= 0
        if not capped.any():
            return True
        f, c = self.factory[capped], self.cell[capped]
        first = np.full(self.factory_quota.size, -1, dtype=np.int64)
        first[f[::-1]] = c[::-1]  # the cell of each factory's first candidate
        return bool((first[f] == c).all())


def factory_cap(problem: Problem, factory: Ints) -> Ints:
    """The sub-quota of each given factory index; no limit (the largest integer) for -1, no sub-quota."""
    return np.append(problem.factory_quota, np.iinfo(np.int64).max)[factory]


def capacity(problem: Problem) -> tuple[int, Ints]:
    """The most candidates the quotas and sub-quotas let go, in all and per cell.

    With nested factories each factory lets min(sub-quota, candidates) go and each cell takes at most its
    quota of those; otherwise it is a small transportation problem, whose matrix (each candidate group in one
    cell and at most one factory) is totally unimodular, so the LP answer is whole.
    """
    cells = problem.cell_quota.size
    if problem.size == 0:
        return 0, np.zeros(cells, dtype=np.int64)
    width = problem.factory_quota.size + 1
    units, _inverse, counts = np.unique(problem.cell * width + problem.factory + 1, return_inverse=True,
                                       return_counts=True)
    u_cell, u_fac = units // width, units % width - 1
    if problem.nested():
        cap = np.minimum(counts, factory_cap(problem, u_fac))
        offered = np.bincount(u_cell, weights=cap, minlength=cells).astype(np.int64)
        per_cell = np.minimum(offered, problem.cell_quota)
        return int(per_cell.sum()), per_cell
    k = units.size
    capped = u_fac >= 0
    rows = np.concatenate([u_cell, cells + u_fac[capped]])
    cols = np.concatenate([np.arange(k), np.arange(k)[capped]])
    a = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(cells + problem.factory_quota.size, k)).tocsr()
    res = linprog(-np.ones(k), A_ub=a, b_ub=np.concatenate([problem.cell_quota, problem.factory_quota]),
                  bounds=np.column_stack([np.zeros(k), counts]), method="highs-ds")
    take = np.rint(res.x).astype(np.int64)
    per_cell = np.bincount(u_cell, weights=take, minlength=cells).astype(np.int64)
    return int(per_cell.sum()), per_cell


def _signatures(problem: Problem) -> tuple[Ints, Ints]:
    """Each candidate's target pattern as (good bits, equal bits) for the dominance order.

    A target with only a minimum is better met; one with only a maximum is better not met; one with both
    must be equal for one candidate to stand in for another.
    """
    good = np.zeros(problem.size, dtype=np.int64)
    equal = np.zeros(problem.size, dtype=np.int64)
    for k in range(problem.meets.shape[1]):
        ups = {s.at_least for s in problem.sides if s.target == k}
        column = problem.meets[:, k].astype(np.int64)
        if ups == {True}:
            good |= column << k
        elif ups == {False}:
            good |= (1 - column) << k
        elif ups:
            equal |= column << k
    return good, equal


def dominated(problem: Problem) -> Bools:
    """Candidates that no optimal selection needs: True where a candidate can be left out of the model.

    Candidate i *dominates* j when both are in the same cell, i is in j's factory or in no capped factory,
    i meets every target at least as well as j (see :func:`_signatures`) and i's quality is at least j's
    (strictly higher, or lower person_id, when their patterns are equal). Swapping a selected j for an
    unselected i then keeps every quota, sub-quota and hard target and loses no quality and no penalty, so
    some optimal selection takes every dominator of each person it takes. A person with at least quota-many
    such dominators in the cell (or sub-quota-many in the factory) is therefore never needed: taking them
    would mean taking one more than the quota. This is exact, and it removes most of a large oversupply.
    """
    n = problem.size
    out = np.zeros(n, dtype=np.bool_)
    good, equal = _signatures(problem)
    sig_keys, sig = np.unique(np.stack([good, equal], axis=1), axis=0, return_inverse=True)
    sig = sig.ravel()
    n_sig = sig_keys.shape[0]
    if n == 0 or n_sig > MAX_PATTERNS_FOR_DOMINANCE:
        return out
    # Global order: quality descending, then person_id (the row order) ascending.
    order = np.lexsort((np.arange(n), -problem.quality))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    # For a better pattern, equal quality is enough: count everyone up to the end of j's quality tie.
    tie_end = np.searchsorted(-problem.quality[order], -problem.quality, side="right").astype(np.int64)

    width = problem.factory_quota.size + 1
    unit_key = problem.cell * width + problem.factory + 1
    units, unit = np.unique(unit_key, return_inverse=True)
    unit = unit.ravel()
    # The cell's unit of candidates in no capped factory (key cell*width + 0), where there is one.
    loose_pos = np.searchsorted(units, problem.cell * width)
    loose_pos = np.minimum(loose_pos, units.size - 1)
    loose = np.where(units[loose_pos] == problem.cell * width, loose_pos, -1)
    capped = problem.factory >= 0

    group_sorted = np.sort((unit * n_sig + sig) * n + rank)

    def count(group: Ints, below: Ints) -> Ints:
        """How many of ``group`` (a unit x signature) rank above ``below``; 0 for a missing group."""
        base = np.maximum(group, 0) * n
        found = np.searchsorted(group_sorted, base + below) - np.searchsorted(group_sorted, base)
        return np.where(group >= 0, found, 0).astype(np.int64)

    in_unit = np.zeros(n, dtype=np.int64)
    in_cell = np.zeros(n, dtype=np.int64)
    for s in range(n_sig):
        who = np.nonzero(sig == s)[0]
        g_s, e_s = sig_keys[s]
        for t in range(n_sig):
            g_t, e_t = sig_keys[t]
            if e_t != e_s or (g_t & g_s) != g_s:
                continue  # t does not meet every target at least as well as s
            below = rank[who] if t == s else tie_end[who]
            own = count(unit[who] * n_sig + t, below)
            in_unit[who] += own
            outside = np.where(capped[who] & (loose[who] >= 0), loose[who] * n_sig + t, -1)
            in_cell[who] += own + count(outside, below)
    out |= in_cell >= problem.cell_quota[problem.cell]
    out |= in_unit >= factory_cap(problem, problem.factory)
    return out
