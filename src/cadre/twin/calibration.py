"""Calibration of the twin's assumptions on the record, by ABC-SMC (pyabc, an optional extra).

What is fitted: the parameters of :data:`PRIORS`, every one an assumption of the scenario (a figure the
record does not give), each with a uniform prior over a range a historian would accept. What it is
fitted to: the calibration targets of :func:`cadre.twin.targets.targets` (the record's figures in
observations, the composition totals, arrivals, the summer-1930 status, Leningrad's tier cuts), and
nothing else. The method: approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009;
Beaumont et al. 2009) as pyabc implements it, with an adaptive acceptance threshold.

The distance between a replicate and the record is the root mean square of the targets' relative errors
(:func:`target_errors`): zero inside a range or above a lower bound, ``model / record - 1`` for a point.
Replicates run at a reduced ``scale`` of the work force for speed; counts of people are compared with the
record's figures scaled alike (the contract's counts scale linearly with the work force, checked in the
tests), shares as they are.

The posterior is summarized per parameter as its weighted median (the value written into the scenario)
and its 5th and 95th weighted percentiles (the ``interval`` written beside it). Every replicate draws its
own seed, so a calibration is not bit-for-bit repeatable; the scenario it writes is what makes the fitted
twin reproducible.
"""

from __future__ import annotations

import math
import multiprocessing
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from cadre.twin.contract import build_document
from cadre.twin.diagnostics import DIAGNOSTIC_KEY
from cadre.twin.errors import InfeasibleRunError
from cadre.twin.replay import run_replicate
from cadre.twin.scenario import Scenario
from cadre.twin.targets import Comparison, Role, compare, targets

__all__ = ["PRIORS", "STAGES", "Calibration", "Prior", "Stage", "calibrate", "calibrate_stages", "fitted_scenario",
           "target_errors"]


@dataclass(frozen=True, slots=True)
class Prior:
    """A uniform prior over ``[low, high]`` for one assumption of the scenario."""

    name: str
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of a modular calibration: assumptions of one phase, fitted to the figures that phase drives.

    ``targets`` are target ids, or prefixes ending in ``_`` (``composition_`` is every composition share).
    """

    name: str
    priors: tuple[Prior, ...]
    targets: tuple[str, ...]

    def selects(self, target_id: str) -> bool:
        return any(target_id == t or (t.endswith("_") and target_id.startswith(t)) for t in self.targets)


#: The phases of the campaign, fitted in order, each on the figures it drives, with the earlier phases'
#: fitted values in place (modular calibration: 17 assumptions in one joint fit, and 13 in a recruitment
#: stage that held the composition too, left the particle weights degenerate within a few generations).
#: Dates, the record's own figures and the counterfactual switches are never fitted.
STAGES: tuple[Stage, ...] = (
    Stage("recruitment", (
        Prior("willing_share", 0.02, 0.15),
        Prior("daily_hazard", 0.02, 0.30),
        Prior("uninformed_hazard", 0.05, 1.0),
        Prior("intervention_threshold", 0.5, 4.0),
        Prior("mobilized_share_of_gap", 0.0, 1.0),
        Prior("cut_unfit_factory", 0.05, 0.95),
        Prior("cut_fit_factory", 0.0, 0.40),
        Prior("cut_unfit_region", 0.05, 0.95),
        Prior("cut_fit_region", 0.0, 0.30),
    ), ("volunteers_total", "selected_total", "mobilized_share", "cut_tier_")),
    Stage("composition", (
        Prior("age_mean", 24.0, 38.0),
        Prior("age_sd", 3.0, 12.0),
        Prior("stazh_shape", 0.8, 6.0),
        Prior("stazh_scale", 1.0, 12.0),
    ), ("composition_",)),
    Stage("deployment", (
        Prior("dispatch_spread_days", 1.0, 30.0),
        Prior("km_per_day", 150.0, 1000.0),
        Prior("unaccounted_share", 0.0, 1.0),
        Prior("idle_days", 2.0, 60.0),
    ), ("arrived_", "unaccounted_spring_1930")),
    Stage("service", (
        Prior("removal_rate_before_retreat", 0.05, 3.0),
        Prior("posts_per_farm", 1.0, 3.0),
        Prior("farms_1930_ratio", 0.2, 1.0),
    ), ("remaining_summer_1930", "on_farms_summer_1930", "in_mts_summer_1930", "exits_summer_1930", "coverage_1930")),
)
#: Every assumption calibration moves, with its prior range.
PRIORS: tuple[Prior, ...] = tuple(p for stage in STAGES for p in stage.priors)


def target_errors(document: Mapping[str, Any], *, scale: float, table: pl.DataFrame | None = None) -> dict[str, float]:
    """Relative error of the document against every calibration target (0 where the record allows it).

    A target the document cannot measure (null) counts as a full miss, 1.0, so that no particle can hide
    from a target by not producing it.
    """
    frame = compare(dict(document), table if table is not None else calibration_targets(scale))
    out: dict[str, float] = {}
    for target_id, kind, record_value, error in frame.select(
            "target_id", "comparison", "record_value", "error").iter_rows():
        if error is None or record_value in (None, 0):
            out[target_id] = 1.0
        elif kind == Comparison.AT_LEAST.value:
            out[target_id] = min(0.0, error) / record_value  # only a shortfall counts
        else:
            out[target_id] = error / record_value
    return out


def calibration_targets(scale: float) -> pl.DataFrame:
    """The calibration targets (not the inputs a scenario takes as given), counts scaled to ``scale``."""
    return targets(scale=scale).filter(pl.col("role") == Role.CALIBRATION.value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Calibration:
    """The posterior: one row per particle of the last generation, with its weight, and its summary."""

    particles: pl.DataFrame  # one column per parameter, plus "weight"
    summary: pl.DataFrame  # parameter, prior_low, prior_high, median, p5, p95
    generations: int
    simulations: int
    epsilons: list[float]
    scale: float
    base: str
    stage: str = "all"
    effective_size: float = float("nan")  # of the last generation's weights


#: The error of every target for a replicate the campaign cannot be run with (no distribution plan, say).
INFEASIBLE = 10.0


def _simulate(scn: Scenario, values: dict[str, float], scale: float, seed: int) -> dict[str, float]:
    fitted = _with(scn, values)
    try:
        replicate = run_replicate(fitted, seed=np.random.SeedSequence(seed), scale=scale)
    except InfeasibleRunError:  # the replay found no plan for these values: far from the record
        return dict.fromkeys(calibration_targets(scale).get_column("target_id").to_list(), INFEASIBLE)
    document = build_document(replicate.tables, scenario=scn.id, seed=seed)
    document[DIAGNOSTIC_KEY] = replicate.diagnostics
    return target_errors(document, scale=scale)


def _with(scn: Scenario, values: Mapping[str, float]) -> Scenario:
    merged = dict(scn.values)
    merged.update({k: float(v) for k, v in values.items()})
    return Scenario(id=scn.id, title=scn.title, description=scn.description, values=merged,
                    sources=scn.sources, notes=scn.notes, chain=scn.chain, intervals=scn.intervals)


class _RayExecutor(Executor):
    """The concurrent.futures face of a Ray cluster, for pyabc's future-based sampler."""

    def __init__(self, address: str) -> None:
        import ray  # an optional extra: only this path needs it

        if not ray.is_initialized():
            ray.init(address=None if address == "local" else address, include_dashboard=False, log_to_driver=False)
        self._ray = ray
        self._call = ray.remote(lambda fn, *args, **kwargs: fn(*args, **kwargs))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = self._call.remote(fn, *args, **kwargs).future()
        return future


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float]) -> list[float]:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, cdf, v)) for q in qs]


def calibrate(scn: Scenario, *, population: int = 100, generations: int = 6, scale: float = 0.1,
              workers: int = 1, address: str | None = None, min_epsilon: float = 0.02,
              max_simulations: int | None = None, database: Path | None = None,
              progress: Callable[[int, float, int], None] | None = None,
              priors: Sequence[Prior] = PRIORS, stage: Stage | None = None) -> Calibration:
    """Fit ``priors`` of ``scn`` to the record by ABC-SMC; see the module's docstring.

    ``population`` particles per generation, at most ``generations`` generations (fewer once the
    threshold falls below ``min_epsilon`` or ``max_simulations`` replicates have run). Replicates run on a
    local process pool of ``workers`` (spawned processes), or as Ray tasks with ``address``. ``database``
    keeps pyabc's history (SQLite) for inspection; a temporary file by default. ``progress`` is called
    after each generation with (generation, epsilon, simulations so far). With ``stage``, its priors and
    only its targets are used.
    """
    import pyabc  # an optional extra (`cadre[calibrate]`): only calibration needs it

    if stage is not None:
        priors = stage.priors
    names = [p.name for p in priors]
    unknown = [n for n in names if n not in scn.values]
    if unknown:
        raise ValueError(f"no such parameter(s) in {scn.id}: {', '.join(unknown)}")
    table = calibration_targets(scale)
    if stage is not None:
        table = table.filter(pl.col("target_id").map_elements(stage.selects, return_dtype=pl.Boolean))
    observed = dict.fromkeys(table.get_column("target_id").to_list(), 0.0)

    def model(parameters: Mapping[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))
        errors = _simulate(scn, {n: float(parameters[n]) for n in names}, scale, seed)
        return {k: errors[k] for k in observed}

    def distance(x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        errors = np.array([x[k] - x0[k] for k in x0], dtype=np.float64)
        return float(math.sqrt(np.mean(errors**2)))

    prior = pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors})
    executor: Executor
    if address is not None:
        executor = _RayExecutor(address)
    else:
        executor = ProcessPoolExecutor(max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn"))
    sampler = pyabc.sampler.ConcurrentFutureSampler(executor, client_max_jobs=max(2, 2 * workers))
    # A kernel half again as wide as Silverman's rule: with the replicates' noise in the distance, narrower
    # kernels let a few particles take all the weight within a few generations (measured on this model).
    transition = pyabc.MultivariateNormalTransition(scaling=1.5)
    abc = pyabc.ABCSMC(model, prior, distance, population_size=population, sampler=sampler, transitions=transition,
                       eps=pyabc.QuantileEpsilon(alpha=0.5))
    with tempfile.TemporaryDirectory() as tmp:
        db = database or Path(tmp) / "calibration.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        abc.new(f"sqlite:///{db}", observed)
        stop = {"max_nr_populations": generations, "minimum_epsilon": min_epsilon}
        if max_simulations is not None:
            stop["max_total_nr_simulations"] = max_simulations
        history = abc.run(**stop)
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        populations = history.get_all_populations()
        epsilons = [float(e) for e in populations.loc[populations["t"] >= 0, "epsilon"]]
        simulations = int(populations["samples"].sum())
    if isinstance(executor, ProcessPoolExecutor):
        executor.shutdown()
    if progress:
        progress(len(epsilons), epsilons[-1] if epsilons else float("nan"), simulations)
    w = np.asarray(weights, dtype=np.float64)
    particles = pl.DataFrame({n: frame[n].to_numpy() for n in names}).with_columns(pl.Series("weight", w))
    rows = []
    for p in priors:
        p5, median, p95 = _weighted_quantiles(frame[p.name].to_numpy(), w, (0.05, 0.5, 0.95))
        rows.append({"parameter": p.name, "prior_low": p.low, "prior_high": p.high, "median": median,
                     "p5": p5, "p95": p95})
    ess = float(1.0 / np.sum((w / w.sum()) ** 2))
    return Calibration(particles=particles, summary=pl.DataFrame(rows), generations=len(epsilons),
                       simulations=simulations, epsilons=epsilons, scale=scale, base=scn.id,
                       stage=stage.name if stage else "all", effective_size=ess)


def calibrate_stages(scn: Scenario, stages: Sequence[Stage] = STAGES,
                     on_stage: Callable[[Calibration], None] | None = None,
                     **options: Any) -> list[Calibration]:
    """Fit ``stages`` in order, each with the medians of the earlier ones in place (see :data:`STAGES`)."""
    results = []
    current = scn
    for stage in stages:
        result = calibrate(current, stage=stage, **options)
        results.append(result)
        current = _with(current, dict(result.summary.select("parameter", "median").iter_rows()))
        if on_stage:
            on_stage(result)
    return results


def _base_note(note: str) -> str:
    """A note without the report of an earlier calibration, so that notes do not grow with each one."""
    return note.split("; ABC-SMC posterior")[0]


def fitted_scenario(calibrations: Calibration | Sequence[Calibration], scn: Scenario, *,
                    digits: int = 4) -> dict[str, dict[str, Any]]:
    """The scenario entries of the fitted parameters: value (posterior median), interval, prior, note."""
    entries: dict[str, dict[str, Any]] = {}
    for calibration in [calibrations] if isinstance(calibrations, Calibration) else calibrations:
        entries.update(_entries(calibration, scn, digits))
    return entries


def _entries(calibration: Calibration, scn: Scenario, digits: int) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for row in calibration.summary.iter_rows(named=True):
        name = row["parameter"]
        kind_int = isinstance(scn.values[name], int) and not isinstance(scn.values[name], bool)
        value = round(row["median"]) if kind_int else round(row["median"], digits)
        entries[name] = {
            "value": value,
            "source": "calibrated",
            "interval": [round(row["p5"], digits), round(row["p95"], digits)],
            "prior": [row["prior_low"], row["prior_high"]],
            "note": (f"{_base_note(scn.notes.get(name, ''))}; ABC-SMC posterior median, 90% interval beside it "
                     f"(stage {calibration.stage}: {calibration.generations} generations, "
                     f"{calibration.simulations} replicates at scale {calibration.scale})").lstrip("; "),
        }
    return entries
