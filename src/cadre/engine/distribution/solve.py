"""Build an origin-destination plan: :func:`distribute` and its result, :class:`Distribution`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import polars as pl

from cadre.engine.certificate import Binding, Certificate, Sense, Status, relative_gap, stopwatch
from cadre.engine.distribution.diagnosis import elastic_bindings, structural_bindings
from cadre.engine.distribution.inputs import DistributionInputError, Inputs, validate_inputs
from cadre.engine.distribution.model import Model, Solved, build_model, solve_model
from cadre.engine.distribution.params import DistributionParams

__all__ = ["SOLVER", "Distribution", "distribute"]

SOLVER = "HiGHS MILP (scipy.optimize.milp)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution:
    """A plan and what was proven about it.

    - ``plan``: from_region, [union,] to_region, n (Int64): the pairs used, n > 0. ``union`` is there only
      when supply was split by union. Empty when no plan keeps the rules (see ``certificate.binding``).
    - ``by_origin``: region, supply, sent, kept (stayed in the own region), unsent.
    - ``by_destination``: region, priority, minimum, maximum (null: no limit), received, room.
    """

    plan: pl.DataFrame
    by_origin: pl.DataFrame
    by_destination: pl.DataFrame
    certificate: Certificate
    params: DistributionParams

    @property
    def ok(self) -> bool:
        """A plan that keeps every rule was found (proven optimal, or feasible within the limits)."""
        return self.certificate.status in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def pairs(self) -> pl.DataFrame:
        """The plan summed over unions: from_region, to_region, n."""
        return (self.plan.group_by("from_region", "to_region").agg(pl.col("n").sum())
                .sort("from_region", "to_region"))

    @property
    def stay_share(self) -> float | None:
        """Share of the workers sent who stay in their own region (the record: about half)."""
        sent = int(self.by_origin.get_column("sent").sum())
        return int(self.by_origin.get_column("kept").sum()) / sent if sent else None


def _check_answer(model: Model, flows: np.ndarray) -> list[str]:
    """What an answer breaks, re-checked in integers: a solver's tolerance must never relax a rule."""
    broken: list[str] = []
    sent = np.bincount(model.arc_row, weights=flows, minlength=model.row_supply.size)
    if (sent != model.row_supply).any() or (flows < 0).any():
        broken.append("supply not sent exactly")
    got = np.bincount(model.arc_dest, weights=flows, minlength=len(model.destinations))
    if (got < model.dest_min).any() or (got > model.dest_max).any():
        broken.append("a destination's bounds")
    on_pair = np.bincount(model.arc_pair, weights=flows, minlength=model.pair_origin.size)
    if ((on_pair > 0) & (on_pair < model.min_group)).any():
        broken.append("the group size")
    for floor in model.floors:
        if flows[model.dest_priority[model.arc_dest] <= floor.priority].sum() < floor.minimum:
            broken.append(f"the floor {floor.name}")
    return broken


def _frames(model: Model, inputs: Inputs, flows: np.ndarray | None) -> tuple[pl.DataFrame, ...]:
    values = np.zeros(model.arc_row.size, dtype=np.int64) if flows is None else flows
    used = values > 0
    rows, dests = model.arc_row[used], model.arc_dest[used]
    plan = pl.DataFrame({
        "from_region": [model.origins[model.row_origin[i]] for i in rows],
        "union": [model.row_union[i] for i in rows],
        "to_region": [model.destinations[j] for j in dests],
        "n": values[used],
    }, schema={"from_region": pl.String, "union": pl.String, "to_region": pl.String, "n": pl.Int64})
    if not inputs.split_by_union:
        plan = plan.drop("union")
    plan = plan.sort(plan.columns[:-1])
    origin_of_arc = model.row_origin[model.arc_row]
    stays = np.array([model.origins[o] == model.destinations[j]
                      for o, j in zip(origin_of_arc, model.arc_dest, strict=True)], dtype=bool)
    n_o = len(model.origins)
    sent = np.bincount(origin_of_arc, weights=values, minlength=n_o).astype(np.int64)
    kept = np.bincount(origin_of_arc, weights=values * stays, minlength=n_o).astype(np.int64)
    by_origin = pl.DataFrame({
        "region": list(model.origins), "supply": model.origin_supply, "sent": sent, "kept": kept,
        "unsent": model.origin_supply - sent,
    }, schema={"region": pl.String, "supply": pl.Int64, "sent": pl.Int64, "kept": pl.Int64, "unsent": pl.Int64})
    received = np.bincount(model.arc_dest, weights=values, minlength=len(model.destinations)).astype(np.int64)
    maximum = pl.Series(model.dest_max, dtype=pl.Int64).scatter(np.flatnonzero(~model.dest_limited), None)
    by_destination = pl.DataFrame({
        "region": list(model.destinations), "priority": model.dest_priority, "minimum": model.dest_min,
        "maximum": maximum, "received": received,
    }, schema={"region": pl.String, "priority": pl.Int64, "minimum": pl.Int64, "maximum": pl.Int64,
               "received": pl.Int64}).with_columns((pl.col("maximum") - pl.col("received")).alias("room"))
    return plan, by_origin, by_destination


def distribute(
    supply: pl.DataFrame,
    demand: pl.DataFrame,
    *,
    params: DistributionParams | None = None,
    ties: pl.DataFrame | None = None,
    union_ties: pl.DataFrame | None = None,
    distances: pl.DataFrame | None = None,
    regions: Collection[str] | None = None,
) -> Distribution:
    """Build the origin-destination plan of best score that keeps every rule, or prove that none does.

    ``supply``: region, supply [, union]; ``demand``: region [, minimum, maximum, priority]; ``ties``:
    from_region, to_region [, bonus] (patronage); ``union_ties``: union, to_region [, bonus] (textile to
    flax regions); ``distances``: from_region, to_region, distance (km; an unlisted pair is no route).
    ``regions``: the known codes, to catch misspellings. Cells may be text (as read from a file).

    Raises :class:`DistributionInputError` listing every bad cell of every table. A plan that cannot keep
    the rules is never relaxed into one that breaks them: the result is then ``INFEASIBLE`` with an empty
    plan and, in ``certificate.binding``, each rule that binds with its figures.
    """
    params = params or DistributionParams()
    inputs, issues = validate_inputs(supply, demand, ties=ties, union_ties=union_ties, distances=distances,
                                     regions=regions, priority_weights=params.priority_weights)
    if not issues.is_empty():
        raise DistributionInputError(issues)
    with stopwatch() as watch:
        model = build_model(inputs, params)
        binding: list[Binding] = structural_bindings(model)
        solved: Solved
        if binding:
            solved = Solved(status=Status.INFEASIBLE, flows=None, objective=None, bound=None, nodes=0,
                            message="infeasible: proven from the totals, before any solve")
        else:
            solved = solve_model(model, params)
            if solved.fractional:
                solved = solve_model(model, params, integer_flows=True)
            if solved.status is Status.INFEASIBLE:
                binding = elastic_bindings(model, solve_model(model, params, elastic=True))
        flows, objective, message = solved.flows, solved.objective, solved.message
        if flows is not None and solved.status in (Status.OPTIMAL, Status.FEASIBLE):
            broken = _check_answer(model, flows)
            if broken:
                message = f"the solver's answer breaks {', '.join(broken)}; it is not returned"
                solved, flows, objective = Solved(status=Status.ERROR, flows=None, objective=None, bound=None,
                                                  nodes=solved.nodes, message=message), None, None
            else:
                pairs_used = int((np.bincount(model.arc_pair, weights=flows) > 0).sum())
                objective = float(model.arc_score @ flows) - model.pair_cost * pairs_used
        else:
            flows = None
    bound = solved.bound
    if solved.status is Status.OPTIMAL and objective is not None and bound is not None \
            and abs(bound - objective) <= 1e-6 * max(1.0, abs(objective)):
        bound = objective  # the same number up to the solver's float noise; say so exactly
    plan, by_origin, by_destination = _frames(model, inputs, flows)
    certificate = Certificate(
        solver=SOLVER, status=solved.status, sense=Sense.MAXIMIZE, objective=objective, bound=bound,
        gap=relative_gap(objective, bound), seconds=watch.seconds, tolerance=params.gap,
        binding=tuple(binding), message=message,
        stats={"arcs": float(model.arc_row.size), "pairs": float(model.pair_origin.size),
               "nodes": float(solved.nodes), "min_group": float(model.min_group)},
    )
    return Distribution(plan=plan, by_origin=by_origin, by_destination=by_destination,
                        certificate=certificate, params=params)
