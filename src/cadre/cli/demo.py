"""`cadre demo`: the main job. A short look at the record and the engine, then the workspace itself.

1. The record: its checks, and the control figures of 1929 in two lines.
2. The engine: a sample campaign of synthetic volunteers validated, screened against the 1929 rulebook,
   walked up the four-tier ladder and selected, with the timings.
3. The workspace: the twin replays the 1929-1933 campaign (full scale by default: tens of thousands
   of personal files with their whole history), loaded into a fresh database with one demo account
   per role, then served on localhost until Ctrl-C (``serve.py`` says how, and why that server).
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl
import typer

from cadre import record
from cadre.cli.console import console, show_frame
from cadre.cli.inputs import campaign_schema
from cadre.cli.record_cmd import check_summary
from cadre.cli.serve import accounts_table, load_workspace, serve
from cadre.engine.eligibility import evaluate
from cadre.engine.validation import validate
from cadre.io import load_rulebook
from cadre.twin.sample import TIER_REJECTION, sample_volunteers
from cadre.twin.screening import screen_and_select


def _record_summary() -> None:
    errors, defects, _findings = check_summary()
    console.rule("[bold]1. The historical record")
    console.print(f"record check: {len(record.TABLES)} tables, [green]{errors} errors[/], {defects} known defects of "
                  "the sources, flagged (cadre record check)")
    regions = record.quotas("region").sort("quota", descending=True)
    unions = record.quotas("union").sort("quota", descending=True)
    console.print(f"Control figures: {record.quota_total():,} workers; by region "
                  + ", ".join(f"{k} {q:,}" for k, q in regions.select("key", "quota").head(6).iter_rows())
                  + "...; by union " + ", ".join(f"{k} {q:,}" for k, q in unions.select("key", "quota").iter_rows()),
                  highlight=False)


def _engine_summary(n: int, seed: int) -> None:
    console.rule("[bold]2. The engine on a sample campaign")
    rng = np.random.default_rng(seed)
    schema = campaign_schema()
    book = load_rulebook("ussr-1929", schema)
    started = time.perf_counter()
    raw = sample_volunteers(n, rng=rng)
    t = time.perf_counter()
    files = validate(raw, schema).clean
    validated = time.perf_counter() - t
    t = time.perf_counter()
    eligibility = evaluate(files, book)
    screened = time.perf_counter() - t
    result = screen_and_select(files, eligibility, cuts=TIER_REJECTION, targets=book.targets, rng=rng)
    cert = result.selection.certificate
    console.print(f"{files.height:,} synthetic personal files validated in {validated * 1000:.0f} ms and screened "
                  f"against {book.ref} in [bold]{screened * 1000:.0f} ms[/]; {eligibility.eligible_count:,} meet every "
                  f"criterion; the ladder and the selection optimizer chose {result.selection.selected.height:,} "
                  f"({cert.status.value}, {time.perf_counter() - started:.1f} s in all)")
    show_frame(pl.DataFrame(result.funnel, schema=["stage", "files"], orient="row").with_columns(
        (pl.col("files") / files.height * 100).round(1).alias("% of volunteers")),
        title="The screening ladder: files remaining after each tier", limit=None)


def demo(
    scale: float = typer.Option(1.0, "--scale", min=0.001, max=1.0,
                                help="Share of the full 1929 campaign the twin replays (1.0: about 49,000 files)."),
    port: int = typer.Option(8000, "--port", help="Port to serve the workspace on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Load the workspace and exit (serve later: cadre serve)."),
    seed: int = typer.Option(1929, "--seed", help="Seed of the sample campaign and of the twin's replicate."),
    n: int = typer.Option(20_000, "--n", min=100, max=2_000_000, help="Volunteers in the engine's sample campaign."),
) -> None:
    """Run the main job: the record and the engine in brief, then the 1929 campaign in the workspace, served."""
    console.rule("[bold]cadre: the campaign of the 25,000ers, 1929-1933")
    _record_summary()
    _engine_summary(n, seed)
    console.rule("[bold]3. The workspace: the 1929-1933 campaign replayed by the twin")
    started = time.perf_counter()
    summary, env = load_workspace(scale=scale, seed=seed)
    statuses = summary["statuses"]
    console.print(f"loaded {summary['files']:,} personal files, {summary['decisions']:,} decisions, "
                  f"{summary['placements']:,} placements and {summary['field_events']:,} field events "
                  f"(scale {scale:g}) in {time.perf_counter() - started:.0f} s into "
                  f"{env['DATABASE_URL'].split('@')[-1]}", highlight=False)
    console.print("files by status: " + ", ".join(f"{k} {v:,}" for k, v in statuses.items()), highlight=False)
    console.print(accounts_table(summary["accounts"]))
    if no_serve:
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        console.print(f"\nready: serve it with [bold]cadre serve --port {port}[/], then open http://{shown}:{port}/",
                      highlight=False)
        return
    serve(env=env, host=host, port=port)
