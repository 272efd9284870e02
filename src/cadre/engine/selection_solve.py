"""The two mixed-integer programs of selection, solved by HiGHS through ``scipy.optimize.milp``.

**The grouped model** (what :func:`cadre.engine.selection.select` solves). Candidates who share a cell, a
capped factory (or none), a target pattern (which targets they meet) and a quality are interchangeable: every
constraint sees them alike and so does the objective. They become one *level*: a count variable between 0
and their number. Within a level, the lowest person_ids go first, so ties break the same way every time.

Only the totals per target pattern, ``Y_p``, are declared integer. Why that is exact: once the ``Y_p`` are
whole numbers, what is left is a network. Every level lies in one cell row, at most one factory row (a factory
lies in one cell, so cells and factories form a laminar family) and one pattern row (a partition of the
levels): the rows are two laminar families, whose incidence matrix is totally unimodular. With whole
right-hand sides (quotas, sub-quotas, the ``Y_p``) and whole bounds (the level sizes), every basic solution
is whole, and the simplex method that HiGHS runs at each node returns basic solutions. Branching thus happens
on a handful of pattern totals (eight for the three 1929 targets) instead of on 70,000 people, and the gap
between the continuous relaxation and the whole-number answer closes in a few nodes. Where factories are not
nested in cells the family is no longer laminar and the level counts are declared integer too (still exact,
only slower). :func:`cadre.engine.selection_model.dominated` first removes the candidates no optimum needs.

**The plain model** (the baseline of the benchmark and of the tests): one binary per candidate and the same
rows; HiGHS with its default settings.

Both maximize total quality minus the soft targets' penalties (each person short, or over, costs the target's
penalty), with the cohort's size fixed by the caller; or, to find that size when hard targets come first,
they maximize the number of places filled subject to the hard targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, csr_matrix, vstack

from cadre.engine.certificate import Status
from cadre.engine.selection_model import Bools, Floats, Ints, Problem

__all__ = ["Solved", "solve_grouped", "solve_plain"]

# Rounding slack when reading whole numbers back from the solver's floating-point answer.
_WHOLE = 1e-6


@dataclass(frozen=True, slots=True, kw_only=True)
class Solved:
    """How one program ended: the chosen candidates (None without an answer) and the proven bound."""

    status: Status
    chosen: Bools | None
    bound: float | None  # best proven value of the program's objective (a maximum)
    value: float | None  # the program's objective at ``chosen``, as the solver computed it
    message: str = ""
    stats: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Program:
    """A program in scipy's form: minimize c x subject to row bounds, variable bounds and integrality."""

    c: Floats
    rows: csr_matrix
    lower: Floats
    upper: Floats
    var_lower: Floats
    var_upper: Floats
    integer: Floats


def _solve(program: _Program, *, presolve: bool, time_limit: float | None, gap: float) -> tuple[Status, Any]:
    options: dict[str, Any] = {"presolve": presolve, "mip_rel_gap": gap, "disp": False}
    if time_limit is not None:
        options["time_limit"] = max(float(time_limit), 0.01)
    res = milp(program.c, integrality=program.integer, bounds=Bounds(program.var_lower, program.var_upper),
               constraints=LinearConstraint(program.rows, program.lower, program.upper), options=options)
    if res.status == 0:
        return Status.OPTIMAL, res
    if res.status == 2:
        return Status.INFEASIBLE, res
    if res.status == 1:
        return (Status.FEASIBLE if res.x is not None else Status.TIME_LIMIT), res
    return Status.ERROR, res


def _build(problem: Problem, *, size: Ints, quality: Floats, cell: Ints, factory: Ints, counted: Ints,
           counted_meets: Floats, extra: int, places: int | None) -> _Program:
    """A program whose first ``size.size`` variables each stand for ``size`` candidates.

    ``counted`` are the variables that the total and the targets' rows read (the pattern totals of the
    grouped model, or the people themselves in the plain one), with ``counted_meets`` (counted x targets):
    whether that variable's people meet each target. ``extra`` variables (the pattern totals) follow the
    candidates' ones; the soft sides' slacks come last. With ``places`` the cohort has that size and the
    objective is quality less penalties; without it the objective is the number of places filled, and only
    the hard sides take part, in the form count - share x size >= 0 (or <= 0).
    """
    n_var = size.size
    n_cells, n_fac = problem.cell_quota.size, problem.factory_quota.size
    sides = [s for s in problem.sides if s.hard or places is not None]
    soft = [s for s in sides if not s.hard]
    first_slack = n_var + extra
    n_cols = first_slack + len(soft)
    idx = np.arange(n_var, dtype=np.int64)
    capped = factory >= 0
    parts: list[tuple[Ints, Ints, Floats]] = [
        (cell, idx, np.ones(n_var)),
        (n_cells + factory[capped], idx[capped], np.ones(int(capped.sum()))),
    ]
    lower: list[float] = [0.0] * (n_cells + n_fac)
    upper: list[float] = [*problem.cell_quota.astype(float), *problem.factory_quota.astype(float)]
    row = len(lower)
    if places is not None:
        parts.append((np.full(counted.size, row, dtype=np.int64), counted, np.ones(counted.size)))
        lower.append(float(places))
        upper.append(float(places))
        row += 1
    slack = first_slack
    for s in sides:
        a = counted_meets[:, s.target] - (0.0 if places is not None else s.share)
        nz = np.nonzero(a)[0]
        parts.append((np.full(nz.size, row, dtype=np.int64), counted[nz], a[nz]))
        if not s.hard:  # the slack counts the people short of (or over) the target
            parts.append((np.array([row], dtype=np.int64), np.array([slack], dtype=np.int64),
                          np.array([1.0 if s.at_least else -1.0])))
            slack += 1
        need = float(s.required(places)) if places is not None else 0.0
        lower.append(need if s.at_least else -np.inf)
        upper.append(np.inf if s.at_least else need)
        row += 1
    c = np.zeros(n_cols)
    if places is None:
        c[counted] = -1.0
    else:
        c[:n_var] = -quality
        c[first_slack:] = [s.penalty for s in soft]
    var_upper = np.concatenate([size.astype(np.float64), np.zeros(extra), np.full(len(soft), float(places or 0))])
    return _Program(c=c, rows=_assemble(parts, row, n_cols), lower=np.array(lower), upper=np.array(upper),
                    var_lower=np.zeros(n_cols), var_upper=var_upper, integer=np.zeros(n_cols))


def _assemble(parts: list[tuple[Ints, Ints, Floats]], n_rows: int, n_cols: int) -> csr_matrix:
    r = np.concatenate([p[0] for p in parts])
    c = np.concatenate([p[1] for p in parts])
    v = np.concatenate([p[2] for p in parts])
    return coo_matrix((v, (r, c)), shape=(n_rows, n_cols)).tocsr()


def _chosen(problem: Problem, take: Ints, order: Ints, starts: Ints, size: Ints) -> Bools:
    """The candidates a count per variable stands for: in each variable, the first ``take`` in ``order``."""
    chosen = np.zeros(problem.size, dtype=np.bool_)
    position = np.arange(order.size) - np.repeat(starts, size)
    chosen[order[position < np.repeat(take, size)]] = True
    return chosen


def _whole(x: Floats) -> Ints | None:
    rounded = np.rint(x)
    return rounded.astype(np.int64) if np.abs(x - rounded).max(initial=0.0) <= _WHOLE else None


def _outcome(status: Status, res: Any, chosen: Bools | None, stats: dict[str, float]) -> Solved:
    bound = None if getattr(res, "mip_dual_bound", None) is None else -float(res.mip_dual_bound)
    value = None if res.fun is None else -float(res.fun)
    stats = {**stats, "nodes": float(getattr(res, "mip_node_count", 0) or 0)}
    if chosen is None and status in (Status.OPTIMAL, Status.FEASIBLE):
        status = Status.ERROR  # the solver's answer did not read back as whole numbers
    return Solved(status=status, chosen=chosen, bound=bound, value=value, message=str(res.message), stats=stats)


def solve_grouped(problem: Problem, keep: Bools, *, places: int | None, time_limit: float | None,
                  gap: float) -> Solved:
    """The grouped model over the kept candidates (see the module docstring)."""
    idx = np.nonzero(keep)[0].astype(np.int64)
    n_targets = problem.meets.shape[1]
    bits_all = (problem.meets.astype(np.int64) << np.arange(n_targets, dtype=np.int64)).sum(axis=1)
    # Levels: sorted by cell, factory, pattern, quality (best first), then person_id (the row order).
    order = idx[np.lexsort((idx, -problem.quality[idx], bits_all[idx], problem.factory[idx], problem.cell[idx]))]
    cell, factory, bits, quality = (problem.cell[order], problem.factory[order], bits_all[order],
                                    problem.quality[order])
    new = np.ones(order.size, dtype=np.bool_)
    new[1:] = (cell[1:] != cell[:-1]) | (factory[1:] != factory[:-1]) | (bits[1:] != bits[:-1]) \
        | (quality[1:] != quality[:-1])
    starts = np.nonzero(new)[0].astype(np.int64)
    size = np.diff(np.append(starts, order.size)).astype(np.int64)
    patterns, pattern = np.unique(bits[starts], return_inverse=True)
    pattern = pattern.ravel().astype(np.int64)
    n_var, n_pat = starts.size, patterns.size
    pattern_meets = ((patterns[:, None] >> np.arange(n_targets)) & 1).astype(np.float64)
    program = _build(problem, size=size, quality=quality[starts], cell=cell[starts], factory=factory[starts],
                     counted=n_var + np.arange(n_pat, dtype=np.int64), counted_meets=pattern_meets,
                     extra=n_pat, places=places)
    # Pattern rows (the levels of pattern p add up to Y_p), bounds and integrality of the Y_p.
    link = coo_matrix((np.concatenate([np.ones(n_var), -np.ones(n_pat)]),
                       (np.concatenate([pattern, np.arange(n_pat)]),
                        np.concatenate([np.arange(n_var), n_var + np.arange(n_pat)]))),
                      shape=(n_pat, program.c.size)).tocsr()
    var_upper = program.var_upper.copy()
    var_upper[n_var:n_var + n_pat] = np.bincount(pattern, weights=size, minlength=n_pat)
    nested = problem.nested()
    integer = np.zeros(program.c.size)
    integer[n_var:n_var + n_pat] = 1.0
    if not nested:
        integer[:n_var] = 1.0
    program = _Program(c=program.c, rows=vstack([program.rows, link]).tocsr(),
                       lower=np.concatenate([program.lower, np.zeros(n_pat)]),
                       upper=np.concatenate([program.upper, np.zeros(n_pat)]),
                       var_lower=program.var_lower, var_upper=var_upper, integer=integer)
    # HiGHS's presolve spends far longer on tens of thousands of near-parallel level columns than it saves
    # (measured: 28 s against 0.5 s for the whole solve at national scale); the model is lean already.
    status, res = _solve(program, presolve=False, time_limit=time_limit, gap=gap)
    take = _whole(res.x[:n_var]) if res.x is not None else None
    if res.x is not None and take is None:
        # Not a basic solution (the simplex method gives basic ones); make the levels integer and solve again.
        program = _Program(c=program.c, rows=program.rows, lower=program.lower, upper=program.upper,
                           var_lower=program.var_lower, var_upper=program.var_upper,
                           integer=np.concatenate([np.ones(n_var), program.integer[n_var:]]))
        status, res = _solve(program, presolve=False, time_limit=time_limit, gap=gap)
        take = _whole(res.x[:n_var]) if res.x is not None else None
    chosen = None if take is None else _chosen(problem, take, order, starts, size)
    return _outcome(status, res, chosen, {
        "variables": float(program.c.size), "levels": float(n_var), "patterns": float(n_pat),
        "integer_variables": float(program.integer.sum()), "rows": float(program.rows.shape[0]),
        "nested": float(nested)})


def solve_plain(problem: Problem, *, places: int | None, time_limit: float | None, gap: float) -> Solved:
    """The plain model: one binary per candidate, HiGHS with its default settings (presolve on)."""
    n = problem.size
    idx = np.arange(n, dtype=np.int64)
    ones = np.ones(n, dtype=np.int64)
    program = _build(problem, size=ones, quality=problem.quality, cell=problem.cell, factory=problem.factory,
                     counted=idx, counted_meets=problem.meets.astype(np.float64), extra=0, places=places)
    integer = np.zeros(program.c.size)
    integer[:n] = 1.0
    program = _Program(c=program.c, rows=program.rows, lower=program.lower, upper=program.upper,
                       var_lower=program.var_lower, var_upper=program.var_upper, integer=integer)
    status, res = _solve(program, presolve=True, time_limit=time_limit, gap=gap)
    take = _whole(res.x[:n]) if res.x is not None else None
    chosen = None if take is None else take.astype(np.bool_)
    return _outcome(status, res, chosen, {"variables": float(program.c.size), "integer_variables": float(n),
                                          "rows": float(program.rows.shape[0])})
