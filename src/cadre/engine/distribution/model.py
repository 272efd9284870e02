"""The distribution plan as a mixed-integer program, built from arrays and solved by HiGHS (through SciPy).

Variables: ``x`` = workers of a supply row (origin, union) sent to a destination, one per allowed arc;
``y`` = 1 if an origin-destination pair is used, one per pair, present only when a group size or a pair
cost needs it. Constraints: each supply row is sent in full; each destination receives between its
minimum and maximum; a used pair carries between ``min_group`` and its capacity (``x <= cap*y``,
``x >= g*y``, summed over the pair's unions, because a group travels together whatever its members'
unions); each priority floor holds. The objective maximizes the plan's score (see
:class:`~cadre.engine.distribution.params.DistributionParams`).

The elastic form (``elastic=True``) is the same program with slack on supply, minimums and floors, and
minimizes the total slack: it is always feasible, and where the strict program is infeasible it says which
rules cannot be met and by how many workers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from cadre.engine.certificate import Status
from cadre.engine.distribution.inputs import Inputs
from cadre.engine.distribution.params import DistributionParams, PriorityFloor

__all__ = ["Model", "Solved", "build_model", "solve_model"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """The arrays of one distribution problem. Origins and destinations are sorted by code, so that the
    program (and HiGHS' answer) does not depend on the order of the input rows."""

    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    row_origin: Ints  # per supply row: index into origins
    row_union: tuple[str | None, ...]
    row_supply: Ints
    origin_supply: Ints  # per origin: its rows added up
    dest_min: Ints
    dest_max: Ints  # an unlimited maximum is stored as the total supply, which no plan can exceed
    dest_limited: npt.NDArray[np.bool_]
    dest_priority: Ints
    route: npt.NDArray[np.bool_]  # origins x destinations: may workers travel this pair?
    pair_capacity: Ints  # origins x destinations: most workers the pair can carry
    arc_row: Ints
    arc_dest: Ints
    arc_score: Floats
    arc_pair: Ints  # index into the used-pair arrays below
    pair_origin: Ints
    pair_dest: Ints
    min_group: int
    pair_cost: float
    floors: tuple[PriorityFloor, ...]


def _lookup(frame: pl.DataFrame, first: str, value: str, rows: list[str], cols: list[str],
            default: float) -> Floats:
    """A dense rows x cols matrix of ``value`` keyed by (``first``, to_region); ``default`` where absent
    or null."""
    out = np.zeros((len(rows), len(cols)))
    where = {code: i for i, code in enumerate(rows)}
    dest = {code: j for j, code in enumerate(cols)}
    for a, b, v in frame.select(first, "to_region", value).iter_rows():
        if a in where and b in dest:
            out[where[a], dest[b]] = default if v is None else v
    return out


def build_model(inputs: Inputs, params: DistributionParams) -> Model:
    """Turn typed inputs into the program's arrays: arcs, their scores and the pairs they belong to."""
    supply = inputs.supply.sort("region", "union", nulls_last=False)
    demand = inputs.demand.sort("region")
    origins = sorted(set(supply.get_column("region").to_list()))
    dests = demand.get_column("region").to_list()
    o_index = {code: i for i, code in enumerate(origins)}
    row_origin = np.array([o_index[c] for c in supply.get_column("region").to_list()], dtype=np.int64)
    row_supply = supply.get_column("supply").to_numpy().astype(np.int64)
    origin_supply = np.bincount(row_origin, weights=row_supply, minlength=len(origins)).astype(np.int64)
    total = int(row_supply.sum())
    limited = demand.get_column("maximum").is_not_null().to_numpy()
    dest_max = np.where(limited, demand.get_column("maximum").fill_null(0).to_numpy(), total).astype(np.int64)
    dest_min = demand.get_column("minimum").to_numpy().astype(np.int64)
    priority = demand.get_column("priority").to_numpy().astype(np.int64)
    weight = np.array([params.priority_weights[int(p)] for p in priority], dtype=np.float64)

    same = np.array([[o == d for d in dests] for o in origins], dtype=bool).reshape(len(origins), len(dests))
    if inputs.distances is None:
        route, km = np.ones_like(same), np.zeros(same.shape)
    else:
        listed = _lookup(inputs.distances.with_columns(pl.lit(1.0).alias("_listed")), "from_region", "_listed",
                         origins, dests, 1.0)
        route = (listed > 0) | same
        km = _lookup(inputs.distances, "from_region", "distance", origins, dests, 0.0)
    pair_score = (weight[None, :] + params.stay_bonus * same - params.travel_cost * km / 1000.0
                  + _lookup(inputs.ties, "from_region", "bonus", origins, dests, params.tie_bonus))
    unions = sorted({u for u in supply.get_column("union").to_list() if u is not None})
    union_bonus = _lookup(inputs.union_ties, "union", "bonus", unions, dests, params.union_bonus)
    u_index = {u: k for k, u in enumerate(unions)}
    row_union = tuple(supply.get_column("union").to_list())

    capacity = np.minimum(origin_supply[:, None], dest_max[None, :]).astype(np.int64)
    # A pair that cannot carry one whole group is closed: leaving its arcs out is the rule, not a shortcut.
    usable = route & (capacity >= params.min_group) & (capacity > 0)
    rows, cols = np.nonzero(usable[row_origin, :] & (row_supply[:, None] > 0))
    arc_row, arc_dest = rows.astype(np.int64), cols.astype(np.int64)
    arc_origin = row_origin[arc_row]
    score = pair_score[arc_origin, arc_dest]
    if unions:
        row_u = np.array([-1 if u is None else u_index[u] for u in row_union], dtype=np.int64)
        has_union = row_u[arc_row] >= 0
        score = score + np.where(has_union, union_bonus[np.maximum(row_u[arc_row], 0), arc_dest], 0.0)
    pair_key = arc_origin * max(len(dests), 1) + arc_dest
    keys, arc_pair = np.unique(pair_key, return_inverse=True)
    return Model(
        origins=tuple(origins), destinations=tuple(dests), row_origin=row_origin, row_union=row_union,
        row_supply=row_supply, origin_supply=origin_supply, dest_min=dest_min, dest_max=dest_max,
        dest_limited=limited, dest_priority=priority, route=route, pair_capacity=capacity,
        arc_row=arc_row, arc_dest=arc_dest, arc_score=score.astype(np.float64),
        arc_pair=arc_pair.astype(np.int64).reshape(-1),
        pair_origin=(keys // max(len(dests), 1)).astype(np.int64),
        pair_dest=(keys % max(len(dests), 1)).astype(np.int64),
        min_group=params.min_group, pair_cost=params.pair_cost, floors=params.floors,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Solved:
    """HiGHS' answer, translated: flows per arc (integers), pairs used, what was proven, slack if elastic."""

    status: Status
    flows: Ints | None
    objective: float | None
    bound: float | None
    nodes: int
    message: str
    fractional: bool = False  # some flow is not a whole number: solve again with integer flows
    slack: Floats | None = None  # elastic only: unsent per supply row, short per destination, per floor


def _rows(index: Ints, n_rows: int, n_cols: int, offset: int = 0, value: float | Floats = 1.0) -> sparse.csr_array:
    """A 0/1 (or ``value``) matrix with one entry per column: column k goes to row index[k]."""
    data = np.broadcast_to(np.asarray(value, dtype=np.float64), index.shape)
    return sparse.csr_array((data, (index, np.arange(index.size) + offset)), shape=(n_rows, n_cols))


def _status(code: int, has_answer: bool) -> Status:
    if code == 0:
        return Status.OPTIMAL
    if code == 1:  # a time or node limit: an answer found so far is feasible, not proven optimal
        return Status.FEASIBLE if has_answer else Status.TIME_LIMIT
    if code == 2:
        return Status.INFEASIBLE
    return Status.ERROR


def solve_model(model: Model, params: DistributionParams, *, elastic: bool = False,
                integer_flows: bool = False) -> Solved:
    """Solve the strict program (maximize the score) or its elastic form (minimize the rules' violation).

    Flows are continuous unless ``integer_flows``: once the pairs are chosen (``y`` fixed), the rest is a
    network flow (rows -> pairs -> destinations) whose basic solutions are whole numbers, so HiGHS' answer
    is integral unless a priority floor (a side constraint) makes a vertex fractional; ``fractional`` then
    says so and the caller solves again with integer flows. Measured on the 1929 instance with groups of
    50: 0.2 s with continuous flows against about 5 s with integer ones, the same optimum.
    """
    n_x, n_rows, n_dest = model.arc_row.size, model.row_supply.size, len(model.destinations)
    use_y = model.min_group > 1 or model.pair_cost > 0
    n_pairs = model.pair_origin.size if use_y else 0
    n_floor = len(model.floors)
    n_slack = n_rows + n_dest + n_floor if elastic else 0
    n = n_x + n_pairs + n_slack
    y0, s0 = n_x, n_x + n_pairs
    if n == 0:
        # No arc at all: the empty plan is the only plan; it keeps the rules if nothing is asked for.
        empty = not model.row_supply.any() and not model.dest_min.any() and all(f.minimum == 0 for f in model.floors)
        return Solved(status=Status.OPTIMAL if empty else Status.INFEASIBLE,
                      flows=np.zeros(0, dtype=np.int64) if empty else None, objective=0.0 if empty else None,
                      bound=0.0 if empty else None, nodes=0, message="no arc to send anyone along")

    blocks: list[sparse.csr_array] = []
    low: list[Floats] = []
    high: list[Floats] = []

    def add(matrix: sparse.csr_array, lo: Floats, hi: Floats) -> None:
        blocks.append(matrix)
        low.append(np.asarray(lo, dtype=np.float64))
        high.append(np.asarray(hi, dtype=np.float64))

    supply_rows = _rows(model.arc_row, n_rows, n)
    if elastic:
        supply_rows = supply_rows + _rows(np.arange(n_rows), n_rows, n, offset=s0)
    add(supply_rows, model.row_supply.astype(float), model.row_supply.astype(float))
    dest_rows = _rows(model.arc_dest, n_dest, n)
    if elastic:
        add(dest_rows, np.full(n_dest, -np.inf), model.dest_max.astype(float))
        add(dest_rows + _rows(np.arange(n_dest), n_dest, n, offset=s0 + n_rows),
            model.dest_min.astype(float), np.full(n_dest, np.inf))
    else:
        add(dest_rows, model.dest_min.astype(float), model.dest_max.astype(float))
    if use_y:
        pair_x = _rows(model.arc_pair, n_pairs, n)
        capacity = model.pair_capacity[model.pair_origin, model.pair_dest].astype(float)
        add(pair_x - _rows(np.arange(n_pairs), n_pairs, n, offset=y0, value=capacity),
            np.full(n_pairs, -np.inf), np.zeros(n_pairs))
        add(pair_x - _rows(np.arange(n_pairs), n_pairs, n, offset=y0, value=float(model.min_group)),
            np.zeros(n_pairs), np.full(n_pairs, np.inf))
    for f, floor in enumerate(model.floors):
        member = (model.dest_priority[model.arc_dest] <= floor.priority).astype(float)
        row = sparse.csr_array((member, (np.zeros(n_x, dtype=np.int64), np.arange(n_x))), shape=(1, n))
        if elastic:
            row = row + _rows(np.array([0]), 1, n, offset=s0 + n_rows + n_dest + f)
        add(row, np.array([float(floor.minimum)]), np.array([np.inf]))

    cost = np.zeros(n)
    if elastic:
        cost[s0:] = 1.0
    else:
        cost[:n_x] = -model.arc_score
        cost[y0:s0] = model.pair_cost
    upper = np.concatenate([
        np.minimum(model.row_supply[model.arc_row], model.dest_max[model.arc_dest]).astype(float),
        np.ones(n_pairs), np.full(n_slack, np.inf),
    ])
    integrality = np.concatenate([np.full(n_x, 1.0 if integer_flows else 0.0), np.ones(n_pairs),
                                  np.zeros(n_slack)])
    constraints = LinearConstraint(sparse.vstack(blocks, format="csr"), np.concatenate(low), np.concatenate(high))
    # Presolve off: these programs are small, and HiGHS 1.12 prints a stray line to stdout whenever a
    # solution of a presolved program needs repair in the original space (ERGO-Code/HiGHS#2783); measured
    # on 1,500 random instances: no such line without presolve, and the 1929 instance still takes 0.2 s.
    result = milp(cost, integrality=integrality, bounds=Bounds(np.zeros(n), upper), constraints=constraints,
                  options={"time_limit": params.time_limit, "mip_rel_gap": params.gap, "disp": False,
                           "presolve": False})
    has_answer = result.x is not None
    status = _status(int(result.status), has_answer)
    flows = np.rint(result.x[:n_x]).astype(np.int64) if has_answer else None
    fractional = bool(has_answer and n_x and np.abs(result.x[:n_x] - flows).max() > 1e-6)
    sign = 1.0 if elastic else -1.0  # the strict program minimizes minus the score
    objective = sign * float(result.fun) if has_answer and result.fun is not None else None
    dual = getattr(result, "mip_dual_bound", None)
    bound = sign * float(dual) if dual is not None and np.isfinite(dual) and has_answer else None
    if status is Status.OPTIMAL and bound is None:
        bound = objective
    return Solved(
        status=status, flows=flows, objective=objective, bound=bound,
        nodes=int(getattr(result, "mip_node_count", 0) or 0), message=str(result.message), fractional=fractional,
        slack=np.asarray(result.x[s0:], dtype=np.float64) if elastic and has_answer else None,
    )
