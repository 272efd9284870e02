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
from cadre.twin.replay import run_replicate
from cadre.twin.scenario import Scenario
from cadre.twin.targets import Comparison, Role, compare, targets

__all__ = ["PRIORS", "Calibration", "Prior", "calibrate", "fitted_scenario", "target_errors"]


@dataclass(frozen=True, slots=True)
class Prior:
    """A uniform prior over ``[low, high]`` for one assumption of the scenario."""

    name: str
    low: float
    high: float


#: The assumptions calibration moves, with their prior ranges. Dates, the record's own figures and the
#: counterfactual switches are never fitted.
PRIORS: tuple[Prior, ...] = (
    Prior("willing_share", 0.02, 0.15),
    Prior("daily_hazard", 0.02, 0.30),
    Prior("uninformed_hazard", 0.05, 1.0),
    Prior("mobilized_share_of_gap", 0.0, 1.0),
    Prior("age_mean", 24.0, 38.0),
    Prior("age_sd", 3.0, 12.0),
    Prior("stazh_shape", 0.8, 6.0),
    Prior("stazh_scale", 1.0, 12.0),
    Prior("cut_unfit_factory", 0.05, 0.95),
    Prior("cut_fit_factory", 0.0, 0.40),
    Prior("cut_unfit_region", 0.05, 0.95),
    Prior("cut_fit_region", 0.0, 0.30),
    Prior("dispatch_spread_days", 1.0, 30.0),
    Prior("km_per_day", 150.0, 1000.0),
    Prior("unaccounted_share", 0.0, 1.0),
    Prior("removal_rate_before_retreat", 0.05, 3.0),
    Prior("posts_per_farm", 1.0, 3.0),
)


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


def _simulate(scn: Scenario, values: dict[str, float], scale: float, seed: int) -> dict[str, float]:
    fitted = _with(scn, values)
    replicate = run_replicate(fitted, seed=np.random.SeedSequence(seed), scale=scale)
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
              priors: Sequence[Prior] = PRIORS) -> Calibration:
    """Fit ``priors`` of ``scn`` to the record by ABC-SMC; see the module's docstring.

    ``population`` particles per generation, at most ``generations`` generations (fewer once the
    threshold falls below ``min_epsilon`` or ``max_simulations`` replicates have run). Replicates run on a
    local process pool of ``workers`` (spawned processes), or as Ray tasks with ``address``. ``database``
    keeps pyabc's history (SQLite) for inspection; a temporary file by default. ``progress`` is called
    after each generation with (generation, epsilon, simulations so far).
    """
    import pyabc  # an optional extra (`cadre[calibrate]`): only calibration needs it

    names = [p.name for p in priors]
    unknown = [n for n in names if n not in scn.values]
    if unknown:
        raise ValueError(f"no such parameter(s) in {scn.id}: {', '.join(unknown)}")
    table = calibration_targets(scale)
    observed = dict.fromkeys(table.get_column("target_id").to_list(), 0.0)

    def model(parameters: Mapping[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))
        return _simulate(scn, {n: float(parameters[n]) for n in names}, scale, seed)

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
    abc = pyabc.ABCSMC(model, prior, distance, population_size=population, sampler=sampler,
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
    return Calibration(particles=particles, summary=pl.DataFrame(rows), generations=len(epsilons),
                       simulations=simulations, epsilons=epsilons, scale=scale, base=scn.id)


def fitted_scenario(calibration: Calibration, scn: Scenario, *, digits: int = 4) -> dict[str, dict[str, Any]]:
    """The scenario entries of the fitted parameters: value (posterior median), interval, prior, note."""
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
            "note": (f"{scn.notes.get(name, '')}; ABC-SMC posterior median, 90% interval beside it "
                     f"({calibration.generations} generations, {calibration.simulations} replicates "
                     f"at scale {calibration.scale})").lstrip("; "),
        }
    return entries
