"""`cadre twin ...`: run the digital twin, compare it with the record, and write its report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cadre.cli.console import console, fail, save, show_frame
from cadre.io import write_text
from cadre.twin.contract import validate_document
from cadre.twin.parameters import PARAMETERS
from cadre.twin.replay import EXPORTS, Document, run_ensemble, run_replicate
from cadre.twin.report import render_report
from cadre.twin.scenario import Scenario, ScenarioError, bundled_scenarios, load_scenario
from cadre.twin.targets import compare, targets

app = typer.Typer(help="The digital twin: replay the 1929-1933 campaign, compare it with the record, ask what if.",
                  no_args_is_help=True)

SCENARIO_HELP = f"A scenario file (.toml) or a bundled one ({', '.join(bundled_scenarios())})."


def _scenario(name: str) -> Scenario:
    try:
        return load_scenario(name)
    except FileNotFoundError as e:
        fail(str(e))
    except ScenarioError as e:
        fail(e.summary("scenario"))


def _run(scn: Scenario, *, seed: int, replicates: int, scale: float, workers: int,
         stream: Path | None = None, address: str | None = None, with_diagnostics: bool = False) -> Document:
    sink = None
    if stream is not None:
        stream.parent.mkdir(parents=True, exist_ok=True)
        sink = stream.open("w", encoding="utf-8")

    def keep(index: int, document: Document) -> None:
        if sink is not None:  # one replicate per line, written as soon as it is done
            sink.write(json.dumps({"replicate": index, **document}) + "\n")
            sink.flush()

    with Progress(TextColumn(f"{scn.id:<18}"), BarColumn(), MofNCompleteColumn(), TextColumn("replicates"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("twin", total=replicates)
        try:
            document, _ = run_ensemble(scn, seed=seed, replicates=replicates, scale=scale, workers=workers,
                                       progress=lambda done: progress.update(task, completed=done), on_result=keep,
                                       address=address, with_diagnostics=with_diagnostics)
        finally:
            if sink is not None:
                sink.close()
    return document


def _comparison(document: Document, scale: float) -> pl.DataFrame:
    """Model beside the record; counts of people in the record are scaled to the run's share of the work force."""
    return compare(document, targets(scale=scale))


def _comparison_table(document: Document, scale: float) -> pl.DataFrame:
    table = _comparison(document, scale).filter(pl.col("role") != "input")
    return table.select("target_id", "unit", pl.col("record_value").alias("record"), "model",
                        pl.col("model_p5").alias("p5"), pl.col("model_p95").alias("p95"), "record_in_ci90")


def _read_documents(paths: list[Path]) -> list[Document]:
    documents = []
    for path in paths:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            fail(f"{path}: not a readable JSON document: {e}")
        problems = validate_document(doc)
        if problems:
            fail(f"{path}: not a twin output document ({len(problems)} problem(s)):\n  " + "\n  ".join(problems[:20]))
        documents.append(doc)
    return documents


@app.command("scenarios")
def scenarios_cmd() -> None:
    """List the bundled scenarios and what each changes from the historical replay."""
    base = load_scenario("ussr-1929")
    rows = []
    for name in bundled_scenarios():
        scn = load_scenario(name)
        changed = ", ".join(f"{k} = {v}" for k, (_, v) in scn.changed_from(base).items())
        rows.append({"scenario": name, "title": scn.title, "changes": changed or "(the historical replay)"})
    show_frame(pl.DataFrame(rows), title="Scenarios", limit=None)


@app.command("parameters")
def parameters_cmd(scenario: str = typer.Option("ussr-1929", "--scenario", "-s", help=SCENARIO_HELP)) -> None:
    """Every parameter of a scenario: value, source and why."""
    scn = _scenario(scenario)
    rows = [{"group": p.group, "parameter": name, "value": str(scn.values[name]), "source": scn.sources[name],
             "note": scn.notes[name]} for name, p in PARAMETERS.items()]
    show_frame(pl.DataFrame(rows), title=f"Parameters of {scn.id}", limit=None)


@app.command("run")
def run_cmd(
    scenario: str = typer.Option("ussr-1929", "--scenario", "-s", help=SCENARIO_HELP),
    seed: int = typer.Option(1929, "--seed", help="Seed of the experiment (each replicate gets its own stream)."),
    replicates: int = typer.Option(1, "--replicates", "-n", min=1, max=10_000, help="Replicates to run."),
    scale: float = typer.Option(1.0, "--scale", min=0.01, max=1.0, help="Share of the full work force to simulate."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Local processes for the replicates."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the output document (SYSTEM.md §6) here."),
    report: Path | None = typer.Option(None, "--report", help="Also write the HTML report here."),
    address: str | None = typer.Option(
        None, "--address", help="Run the replicates on a Ray cluster at this address ('local' starts one here; "
        "needs the ray extra)."),
    stream: Path | None = typer.Option(
        None, "--stream", help="Write each replicate's document to this JSON-lines file as soon as it is done."),
    export: Path | None = typer.Option(
        None, "--export", help="Write the first replicate's personal files, decisions, placements, spells and "
        "exits and field journal (complaints, transfers) as Parquet tables into this folder (for the workspace to import)."),
) -> None:
    """Run the twin and write its output document: counts, shares and dates as SYSTEM.md §6 defines them."""
    scn = _scenario(scenario)
    document = _run(scn, seed=seed, replicates=replicates, scale=scale, workers=workers, stream=stream,
                    address=address)
    if export is not None:
        # The first replicate again, from the same stream: the export matches the ensemble's first member.
        first = run_replicate(scn, seed=np.random.SeedSequence(seed).spawn(replicates)[0], scale=scale)
        for name in EXPORTS:
            save(first.exports[name], export / f"{name}.parquet", say=False)
        console.print(f"wrote {', '.join(EXPORTS)} (Parquet) to {export}/")
    problems = validate_document(document)
    if problems:
        fail("the run's document breaks the output contract (a bug):\n  " + "\n  ".join(problems[:20]))
    if json_out is not None:
        write_text(json.dumps(document, indent=1), json_out)
        console.print(f"wrote {json_out}")
    if report is not None:
        write_text(render_report([document], comparison=_comparison(document, scale)), report)
        console.print(f"wrote {report}")
    show_frame(_comparison_table(document, scale),
               title=f"{scn.id}: model beside the record (record counts scaled by {scale:g})", limit=None)


@app.command("validate")
def validate_cmd(
    scenario: str = typer.Option("ussr-1929", "--scenario", "-s", help=SCENARIO_HELP),
    seed: int = typer.Option(1929, "--seed"),
    replicates: int = typer.Option(10, "--replicates", "-n", min=2, max=10_000),
    scale: float = typer.Option(1.0, "--scale", min=0.01, max=1.0),
    workers: int = typer.Option(1, "--workers", min=1, max=64),
    from_json: Path | None = typer.Option(None, "--from", help="Compare a document already written instead."),
) -> None:
    """Model versus record for every calibration target, with the replicates' 90% interval."""
    document = (_read_documents([from_json])[0] if from_json is not None
                else _run(_scenario(scenario), seed=seed, replicates=replicates, scale=scale, workers=workers,
                          with_diagnostics=True))
    table = _comparison_table(document, 1.0 if from_json is not None else scale)
    show_frame(table, title="Model versus record (record_in_ci90: the record lies in the 90% interval)", limit=None)
    if "record_in_ci90" in table.columns:
        inside = table.get_column("record_in_ci90").drop_nulls()
        console.print(f"{int(inside.sum())} of {inside.len()} record figures lie in the model's 90% interval")


@app.command("calibrate")
def calibrate_cmd(
    scenario: str = typer.Option("ussr-1929", "--scenario", "-s", help=SCENARIO_HELP),
    stage: list[str] = typer.Option([], "--stage", help="Fit only these phases (recruitment, deployment, service); "
                                    "all of them in order by default."),
    population: int = typer.Option(150, "--population", min=4, max=100_000, help="Particles per generation."),
    generations: int = typer.Option(8, "--generations", min=1, max=100, help="At most this many generations."),
    scale: float = typer.Option(0.05, "--scale", min=0.01, max=1.0, help="Share of the work force per replicate."),
    workers: int = typer.Option(2, "--workers", min=1, max=256, help="Local processes for the replicates."),
    address: str | None = typer.Option(None, "--address", help="Run on a Ray cluster ('local' starts one here)."),
    min_epsilon: float = typer.Option(0.02, "--min-epsilon", min=0.0, help="Stop once the threshold is below this."),
    max_simulations: int | None = typer.Option(None, "--max-simulations", min=1, help="Stop after this many replicates."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write a scenario that extends the base with the fitted values."),
    update: Path | None = typer.Option(None, "--update", help="Rewrite the fitted parameters' lines of this scenario file."),
    posterior: Path | None = typer.Option(None, "--posterior", help="Write the last generation's particles (.parquet, .csv)."),
    database: Path | None = typer.Option(None, "--db", help="Keep pyabc's history (SQLite) here."),
) -> None:
    """Fit the scenario's assumptions to the record by ABC-SMC; write the fitted values with their intervals."""
    try:
        from cadre.twin.calibration import STAGES, Calibration, calibrate_stages, fitted_scenario
        from cadre.twin.scenario_text import overlay_text, update_text
    except ImportError as e:  # pragma: no cover - the extra is installed by `make`
        fail(f"calibration needs the calibrate extra (pip install 'cadre[calibrate]'): {e}")
    scn = _scenario(scenario)
    known = {s.name: s for s in STAGES}
    unknown = [name for name in stage if name not in known]
    if unknown:
        fail(f"no such stage: {', '.join(unknown)} (stages: {', '.join(known)})")
    chosen = [s for s in STAGES if not stage or s.name in stage]

    def shown(result: Calibration) -> None:
        show_frame(result.summary, title=f"Posterior, stage {result.stage} ({result.generations} generations, "
                   f"{result.simulations} replicates at scale {scale}; epsilon {result.epsilons[-1]:.4f}, "
                   f"effective sample size {result.effective_size:.0f} of {population})", limit=None)

    with console.status(f"calibrating {scn.id}: ABC-SMC, {population} particles x up to {generations} generations, "
                        f"stages {', '.join(s.name for s in chosen)}"):
        results = calibrate_stages(scn, chosen, on_stage=shown, population=population, generations=generations,
                                   scale=scale, workers=workers, address=address, min_epsilon=min_epsilon,
                                   max_simulations=max_simulations, database=database)
    entries = fitted_scenario(results, scn)
    if out is not None:
        text = overlay_text(entries, base=scn.id, scenario_id=f"{scn.id}-calibrated",
                            title=f"{scn.title}, calibrated", description="The fitted assumptions of "
                            f"`cadre twin calibrate` (ABC-SMC on the record), over {scn.id}.")
        write_text(text, out)
        console.print(f"wrote {out}")
    if update is not None:
        try:
            new = update_text(update.read_text(encoding="utf-8"), entries, source=str(update))
        except (OSError, ScenarioError) as e:
            fail(f"{update}: cannot update: {e}")
        write_text(new, update)
        console.print(f"updated {len(entries)} parameter(s) in {update}")
    if posterior is not None:
        save(pl.concat([r.particles.unpivot(index="weight", variable_name="parameter").with_columns(
            pl.lit(r.stage).alias("stage")) for r in results]), posterior)


@app.command("report")
def report_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the HTML report."),
    from_json: list[Path] = typer.Option([], "--from", help="Output documents to show (repeat for scenarios)."),
    scenario: list[str] = typer.Option([], "--scenario", "-s", help="Run these scenarios and show them side by side."),
    seed: int = typer.Option(1929, "--seed"),
    replicates: int = typer.Option(1, "--replicates", "-n", min=1, max=10_000),
    scale: float = typer.Option(1.0, "--scale", min=0.01, max=1.0),
    workers: int = typer.Option(1, "--workers", min=1, max=64),
) -> None:
    """Write a self-contained HTML report (charts and the model-versus-record table)."""
    documents: list[dict[str, Any]] = _read_documents(from_json)
    for name in scenario or ([] if from_json else ["ussr-1929"]):
        documents.append(_run(_scenario(name), seed=seed, replicates=replicates, scale=scale, workers=workers))
    write_text(render_report(documents, comparison=_comparison(documents[0], 1.0 if from_json else scale)), out)
    console.print(f"wrote {out} ({len(documents)} scenario(s))")
