"""Why no plan keeps the rules: bindings a planner can act on.

Two kinds of proof. The structural checks here each prove infeasibility alone, from the totals (more
workers than places, an origin too small to make one group, a floor above what its destinations can take)
and need no solver; their sentences name the figures. When none applies but the program is still
infeasible, the elastic program (:func:`~cadre.engine.distribution.model.solve_model` with ``elastic``)
finds the least violation, and each rule it had to bend becomes a binding with its shortfall.
"""

from __future__ import annotations

import numpy as np

from cadre.engine.certificate import Binding
from cadre.engine.distribution.model import Model, Solved

__all__ = ["elastic_bindings", "structural_bindings"]


def _hard(constraint: str, required: float, reached: float, explanation: str) -> Binding:
    return Binding(constraint=constraint, kind="hard", required=float(required), reached=float(reached),
                   shortfall=float(abs(required - reached)), explanation=explanation)


def _group(g: int) -> str:
    return f"group size {g}: " if g > 1 else ""


def structural_bindings(model: Model) -> list[Binding]:
    """Every infeasibility that the totals alone prove, each with its figures; empty if none is proven."""
    g = model.min_group
    found: list[Binding] = []
    total = int(model.row_supply.sum())
    limited_capacity = int(model.dest_max.sum()) if model.dest_limited.all() else None
    if limited_capacity is not None and total > limited_capacity:
        found.append(_hard(
            "capacity of the destinations", total, limited_capacity,
            f"the destinations can take at most {limited_capacity:,} workers, but all {total:,} supplied must "
            f"be sent: {total - limited_capacity:,} too many (raise a maximum or lower the supply)"))
    needed = int(model.dest_min.sum())
    if needed > total:
        found.append(_hard(
            "minimums of the destinations", needed, total,
            f"the destinations' minimums add up to {needed:,} workers, but only {total:,} are supplied: "
            f"{needed - total:,} short"))
    open_pair = model.route & (model.pair_capacity >= g) & (model.pair_capacity > 0)
    for o, origin in enumerate(model.origins):
        supply = int(model.origin_supply[o])
        if 0 < supply < g:
            found.append(_hard(
                f"group size at {origin}", g, supply,
                f"group size {g}: the {supply:,} workers of {origin} cannot travel as a group (fewer than {g})"))
        elif supply > 0 and not open_pair[o].any():
            found.append(_hard(
                f"routes from {origin}", supply, 0,
                f"{_group(g)}no destination is open to the {supply:,} workers of {origin} "
                f"(no route to a destination with room for a group)"))
    for j, dest in enumerate(model.destinations):
        minimum, maximum = int(model.dest_min[j]), int(model.dest_max[j])
        if minimum > 0 and maximum < g:
            found.append(_hard(
                f"group size at {dest}", minimum, 0,
                f"group size {g}: {dest} must receive at least {minimum:,} but can take at most {maximum:,}, "
                f"fewer than one group of {g}"))
        elif minimum > 0 and not open_pair[:, j].any():
            found.append(_hard(
                f"routes to {dest}", minimum, 0,
                f"{_group(g)}no origin can send a group to {dest}, which must receive at least {minimum:,}"))
    for floor in model.floors:
        member = model.dest_priority <= floor.priority
        room = int(model.dest_max[member].sum())
        if floor.minimum > min(room, total):
            found.append(_hard(
                f"floor: {floor.name}", floor.minimum, min(room, total),
                f"{floor.name}: at least {floor.minimum:,} workers must go to destinations of priority "
                f"{floor.priority} or higher, but they can take at most {room:,} and {total:,} are supplied"))
    return found


def elastic_bindings(model: Model, solved: Solved) -> list[Binding]:
    """The rules the least-violation plan had to bend, with by how many workers."""
    g = model.min_group
    if solved.slack is None:
        return [_hard("all rules", 0, 0, "the rules cannot all be met, and the solver could not locate which "
                                         f"bind ({solved.message})")]
    slack = np.rint(solved.slack).astype(np.int64)
    n_rows, n_dest = model.row_supply.size, len(model.destinations)
    unsent, short, floor_short = slack[:n_rows], slack[n_rows:n_rows + n_dest], slack[n_rows + n_dest:]
    clause = f" in groups of at least {g}" if g > 1 else ""
    found: list[Binding] = []
    for i in np.flatnonzero(unsent > 0):
        origin, union, supply = model.origins[model.row_origin[i]], model.row_union[i], int(model.row_supply[i])
        label = origin if union is None else f"{origin} ({union})"
        found.append(_hard(
            f"supply {label}", supply, supply - int(unsent[i]),
            f"{int(unsent[i]):,} of the {supply:,} workers of {label} cannot be sent{clause}: the destinations "
            "open to them have no room left for them"))
    for j in np.flatnonzero(short > 0):
        minimum = int(model.dest_min[j])
        found.append(_hard(
            f"minimum of {model.destinations[j]}", minimum, minimum - int(short[j]),
            f"{model.destinations[j]} can receive only {minimum - int(short[j]):,} of the {minimum:,} workers it "
            f"needs{clause}"))
    for f in np.flatnonzero(floor_short > 0):
        floor = model.floors[f]
        found.append(_hard(
            f"floor: {floor.name}", floor.minimum, floor.minimum - int(floor_short[f]),
            f"{floor.name}: only {floor.minimum - int(floor_short[f]):,} of the {floor.minimum:,} workers can "
            f"reach destinations of priority {floor.priority} or higher{clause}"))
    if not found:
        found.append(_hard("all rules", 0, 0, "the solver proved the rules cannot all be met, but the "
                                              "least-violation plan bends none of them (numerical trouble)"))
    return found
