"""A twin run: one replicate of the whole campaign, and ensembles of replicates on a process pool.

One replicate draws the work force and its volunteers, screens and selects them through the engine's
ladder and selection optimizer, plans the distribution with the engine's optimizer, deploys and places the
workers (the engine's placement), follows them through field service to January 1933, and hands the
tables to the output contract. Randomness: one ``SeedSequence`` per experiment, one spawned stream per
replicate, so a replicate's result does not depend on how many workers run the ensemble.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import polars as pl

from cadre import record
from cadre.engine.eligibility import evaluate
from cadre.engine.schema import personal_file_schema
from cadre.engine.validation import validate
from cadre.io import load_rulebook
from cadre.twin.contract import RunTables, aggregate, build_document
from cadre.twin.contract_aggregate import aggregate_section
from cadre.twin.deployment import deploy
from cadre.twin.diagnostics import DIAGNOSTIC_KEY, diagnostics
from cadre.twin.errors import InfeasibleRunError
from cadre.twin.farms import coverage
from cadre.twin.journal import field_events
from cadre.twin.planning import plan_distribution, planned_flows
from cadre.twin.posts import assign_destinations
from cadre.twin.recruitment import recruit
from cadre.twin.scenario import Scenario
from cadre.twin.screening import screen_and_select
from cadre.twin.service import serve

__all__ = ["DIAGNOSTIC_KEY", "EXPORTS", "Document", "Replicate", "run_ensemble", "run_replicate"]

Document = dict[str, Any]


def _cuts(scn: Scenario) -> list[tuple[float, float]]:
    factory = (scn["cut_unfit_factory"], scn["cut_fit_factory"])
    region = (scn["cut_unfit_region"], scn["cut_fit_region"])
    return [factory, factory, region, region, region]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Replicate:
    """One replicate: the contract's tables, and the tables the workspace imports (:data:`EXPORTS`)."""

    tables: RunTables
    exports: dict[str, pl.DataFrame]
    diagnostics: dict[str, Any]  # figures of the record outside the contract (cadre.twin.diagnostics)


#: What a replicate exports for the workspace, as Parquet files of these names.
EXPORTS = ("personal_files", "decisions", "placements", "spells", "outcomes", "field_events")


def run_replicate(scn: Scenario, *, seed: np.random.SeedSequence, scale: float,
                  progress: Callable[[str], None] | None = None) -> Replicate:
    """One replicate of the campaign under scenario ``scn`` (``scale`` = share of the full work force)."""
    note = progress or (lambda _: None)
    rng = np.random.default_rng(seed)
    schema = personal_file_schema(regions=tuple(record.regions().get_column("code").to_list()))
    book = load_rulebook("ussr-1929", schema)
    targets = tuple(dataclasses.replace(t, hard=True) if t.code == "women" and scn["women_hard"] else t
                    for t in book.targets)
    raw = recruit(scn, scale=scale, rng=rng)
    checked = validate(raw, schema)
    if not checked.ok:
        raise RuntimeError(f"the twin drew {checked.issues.height} invalid personal files: {checked.issues.head(3)}")
    files = checked.clean
    note("recruitment")
    screened = screen_and_select(files, evaluate(files, book), cuts=_cuts(scn), targets=targets, rng=rng, scale=scale)
    note("screening and selection")
    selected = files.join(screened.selection.selected.select("person_id"), on="person_id")
    distribution = plan_distribution(selected, scale=scale)
    if not distribution.ok:
        raise InfeasibleRunError("no distribution plan: " + "; ".join(b.explanation for b in distribution.certificate.binding))
    travelling = assign_destinations(selected, distribution.pairs)
    note("distribution")
    deployed = deploy(travelling, scn, rng=rng)
    note("deployment and placement")
    outcomes, spells = serve(deployed, scn, scale=scale, rng=rng)
    cover = coverage(spells, travelling.select("person_id", "destination"), scn, scale=scale)
    note("field service")
    tables = RunTables(
        volunteers=files.select("person_id", "source_region", "union", "declared_on"),
        selected=selected,
        planned_flows=planned_flows(scale=scale),
        actual_flows=distribution.pairs,
        arrivals=deployed.arrivals,
        spells=spells,
        outcomes=outcomes,
        coverage=cover,
    )
    placements = travelling.select("person_id", "source_region", "destination").join(
        deployed.arrivals, on="person_id", how="left")
    exports = {
        "personal_files": files.join(screened.states.select("person_id", "stage"), on="person_id", how="left"),
        "decisions": screened.log,
        "placements": placements,
        "spells": spells,
        "outcomes": outcomes,
        "field_events": field_events(outcomes, scn, rng=rng),
    }
    return Replicate(tables=tables, exports=exports,
                     diagnostics=diagnostics(files, screened.log, spells))


Job = tuple[Scenario, np.random.SeedSequence, float, int, bool]


def _one(args: Job) -> Document:
    """One replicate's document; with the job's last flag set, its diagnostics under ``DIAGNOSTIC_KEY``."""
    scn, seed, scale, entropy, with_diagnostics = args
    replicate = run_replicate(scn, seed=seed, scale=scale)
    document = build_document(replicate.tables, scenario=scn.id, seed=entropy)
    if with_diagnostics:
        document[DIAGNOSTIC_KEY] = replicate.diagnostics
    return document


def _batch(jobs: list[Job]) -> list[Document]:
    return [_one(job) for job in jobs]


def _on_ray(jobs: list[Job], address: str, scale: float,
            done: Callable[[int, Document], None]) -> list[Document]:
    """Run the replicates as Ray tasks, batched so that each task runs about a second or more."""
    import ray  # an optional extra: only this path needs it

    if not ray.is_initialized():
        ray.init(address=None if address == "local" else address, include_dashboard=False, log_to_driver=False)
    size = max(1, round(0.5 / max(scale, 0.01)))  # a full-scale replicate takes about a second here
    batches = [list(range(i, min(i + size, len(jobs)))) for i in range(0, len(jobs), size)]
    remote = ray.remote(_batch)
    pending = {remote.remote([jobs[i] for i in batch]): batch for batch in batches}
    results: list[Document | None] = [None] * len(jobs)
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        batch = pending.pop(ready[0])
        for index, document in zip(batch, ray.get(ready[0]), strict=True):
            results[index] = document
            done(index, document)
    return [d for d in results if d is not None]


def run_ensemble(scn: Scenario, *, seed: int, replicates: int, scale: float, workers: int = 1,
                 progress: Callable[[int], None] | None = None,
                 on_result: Callable[[int, Document], None] | None = None,
                 address: str | None = None, with_diagnostics: bool = False) -> tuple[Document, list[Document]]:
    """``replicates`` runs of ``scn``; returns the aggregated document (means and ci90) and each replicate's.

    Each replicate gets its own stream spawned from ``SeedSequence(seed)``, so results are identical for
    any ``workers``. With ``workers`` > 1 the replicates run on a local process pool. ``on_result`` gets
    each replicate's document (with its index) as soon as it is done, in order, so that a caller can
    stream results to disk. With ``address`` (a Ray cluster's address, or "local" for a Ray started
    here) the replicates run as Ray tasks instead; ``on_result`` then sees them in the order they finish.

    With ``with_diagnostics`` every document also carries the replicate's figures outside the contract
    (:mod:`cadre.twin.diagnostics`) under ``DIAGNOSTIC_KEY``, and the aggregate their means and ``ci90``;
    such documents are for calibration and validation, not the contract's ``--json``.
    """
    streams = np.random.SeedSequence(seed).spawn(replicates)
    jobs: list[Job] = [(scn, s, scale, seed, with_diagnostics) for s in streams]
    documents: list[Document] = []
    if address is not None:

        def done(index: int, document: Document) -> None:
            finished.append(index)
            if on_result:
                on_result(index, document)
            if progress:
                progress(len(finished))

        finished: list[int] = []
        documents = _on_ray(jobs, address, scale, done)
    elif workers <= 1 or replicates == 1:
        for job in jobs:
            documents.append(_one(job))
            if on_result:
                on_result(len(documents) - 1, documents[-1])
            if progress:
                progress(len(documents))
    else:
        # "spawn", not fork: polars' thread pool does not survive a fork (a forked child can deadlock).
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for doc in pool.map(_one, jobs):
                documents.append(doc)
                if on_result:
                    on_result(len(documents) - 1, doc)
                if progress:
                    progress(len(documents))
    if replicates == 1:
        return documents[0], documents
    extra = [doc.get(DIAGNOSTIC_KEY) for doc in documents]
    combined = aggregate([{k: v for k, v in doc.items() if k != DIAGNOSTIC_KEY} for doc in documents])
    if with_diagnostics:
        combined[DIAGNOSTIC_KEY], combined["ci90"][DIAGNOSTIC_KEY] = aggregate_section(extra, DIAGNOSTIC_KEY)
    return combined, documents

