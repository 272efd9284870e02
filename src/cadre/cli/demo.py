"""`cadre demo`: the main job. The record's key tables, then the engine on a bundled sample campaign.

Until the twin and the workspace exist, the demo shows what the foundation does for a user: it checks and
prints the historical record, draws a sample campaign of synthetic volunteers, validates and screens every
personal file against the 1929 rulebook, walks the files up the four-tier screening ladder, and summarizes
the outcome beside the record.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cadre import record
from cadre.cli.console import console, fail, save, show_frame
from cadre.cli.inputs import campaign_schema
from cadre.cli.record_cmd import check_summary
from cadre.engine.analytics import composition
from cadre.engine.certificate import Certificate
from cadre.engine.distribution import Distribution
from cadre.engine.eligibility import evaluate
from cadre.engine.placement import AssignmentResult, compile_instance, solve_assignment
from cadre.engine.selection import Selection
from cadre.engine.validation import validate
from cadre.io import load_rulebook
from cadre.twin.planning import plan_distribution
from cadre.twin.posts import assign_destinations, sample_posts
from cadre.twin.sample import TIER_REJECTION, sample_volunteers
from cadre.twin.screening import screen_and_select


def _certificate_line(name: str, cert: Certificate) -> str:
    bound = "" if cert.bound is None else f", bound {cert.bound:,.1f}"
    objective = "" if cert.objective is None else f", objective {cert.objective:,.1f}"
    return f"[bold]{name}[/]: {cert.status.value}{objective}{bound} ({cert.solver}, {cert.seconds:.2f} s)"


def _planning_report(selection: Selection, distribution: Distribution, placement: AssignmentResult | None,
                     posts: pl.DataFrame | None) -> None:
    console.rule("[bold]3. Planning: selection, distribution, placement")
    console.print(_certificate_line("selection", selection.certificate))
    show_frame(selection.targets.select("code", "bound", "share", "required", "count", "reached", "shortfall", "met"),
               title="Cohort targets of the 1929 rulebook, over the selected", limit=None)
    short = selection.fill.filter(pl.col("shortfall") > 0).sort("shortfall", descending=True)
    console.print(f"control figures: {selection.places:,} places could be filled; "
                  f"{short.height} region x union cells fall short of their quota")
    for b in selection.certificate.binding[:8]:
        console.print(f"  [yellow]-[/] {b.explanation}", highlight=False)
    console.print(_certificate_line("distribution", distribution.certificate))
    if distribution.ok:
        pairs = distribution.pairs.sort("n", descending=True)
        flows = pairs.group_by("from_region", maintain_order=True).agg(
            pl.col("n").sum().alias("sent"),
            pl.format("{} {}", pl.col("to_region"), pl.col("n")).str.join(", ").alias("destinations")).sort(
            "sent", descending=True)
        show_frame(flows, title=f"Where the selected go (groups of at least {distribution.params.min_group}; "
                   f"{(distribution.stay_share or 0):.0%} stay in their own region)", limit=None)
    for b in distribution.certificate.binding[:5]:
        console.print(f"  [yellow]-[/] {b.explanation}", highlight=False)
    if placement is not None and posts is not None:
        console.print(_certificate_line("placement", placement.certificate))
        placed = placement.assignment.join(posts.select("post_id", "post_type"), on="post_id")
        show_frame(placed.group_by("post_type").len().sort("len", descending=True).rename({"len": "workers"}),
                   title="Posts taken on arrival (a drawn set of posts; see cadre.twin.posts)", limit=None)




def _record_tables() -> None:
    errors, defects, findings = check_summary()
    console.rule("[bold]1. The historical record")
    console.print(f"record check: {len(record.TABLES)} tables, [green]{errors} errors[/], "
                  f"{defects} known defects of the sources, flagged:")
    for f in findings:
        console.print(f"  [yellow]-[/] {f.message}", highlight=False)
    quotas = record.quotas("region").select("key", "quota").rename({"key": "region"})
    regions = record.regions().select(pl.col("code").alias("region"), "name", "tempo_group")
    show_frame(regions.join(quotas, on="region", how="inner").sort("quota", descending=True),
               title=f"Control figures by source region (total {record.quota_total():,})", limit=None)
    show_frame(record.quotas("union").select(pl.col("key").alias("union"), "quota", "note"),
               title="Control figures by trade union", limit=None)
    plan = record.control_plan().sort("planned", descending=True)
    flows = plan.group_by("from_region", maintain_order=True).agg(
        pl.col("planned").sum().alias("planned"),
        pl.format("{} {}", pl.col("to_region"), pl.col("planned")).str.join(", ").alias("destinations (planned)"),
    ).sort("planned", descending=True)
    show_frame(flows, title=f"Distribution plan 1929 by source region (cells add up to {plan['planned'].sum():,})",
               limit=None)
    show_frame(record.composition(), title="Composition of the selected, 1930 (23,409 personal files)", limit=None)


def demo(
    n: int = typer.Option(70_000, "--n", min=100, max=2_000_000, help="Volunteers in the sample campaign."),
    seed: int = typer.Option(1929, "--seed", help="Seed of the sample campaign."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the sample's files and decisions here (a folder)."),
) -> None:
    """Run the main job: the record's key tables, then screen a sample campaign of 70,000 personal files."""
    console.rule("[bold]cadre: the campaign of the 25,000ers, 1929-1933")
    _record_tables()
    console.rule("[bold]2. A sample campaign, screened by the engine")
    rng = np.random.default_rng(seed)
    schema = campaign_schema()
    book = load_rulebook("ussr-1929", schema)
    timings: dict[str, float] = {}
    with Progress(TextColumn("{task.description:<34}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as progress:
        steps = progress.add_task("campaign", total=12)

        def step(name: str, started: float) -> None:
            timings[name] = time.perf_counter() - started
            progress.update(steps, advance=1, description=name)

        t = time.perf_counter()
        raw = sample_volunteers(n, rng=rng)
        step("draw volunteers' personal files", t)
        t = time.perf_counter()
        validation = validate(raw, schema)
        step("validate personal files", t)
        if not validation.ok:
            fail(f"the sample campaign has {validation.issues.height} invalid rows; this is a bug")
        files = validation.clean
        t = time.perf_counter()
        eligibility = evaluate(files, book)
        step(f"screen against {book.id}", t)
        elig = eligibility.frame

        t = time.perf_counter()
        screened = screen_and_select(files, eligibility, cuts=TIER_REJECTION, targets=book.targets, rng=rng,
                                     progress=lambda name: step(name, t))
        selection, funnel, decisions = screened.selection, screened.funnel, screened.log

        t = time.perf_counter()
        selected = files.join(selection.selected.select("person_id"), on="person_id")
        distribution = plan_distribution(selected)
        step("distribution plan (optimizer)", t)
        t = time.perf_counter()
        placement = None
        if distribution.ok:
            travelling = assign_destinations(selected, distribution.pairs)
            posts, arcs = sample_posts(travelling, rng=rng)
            placement = solve_assignment(compile_instance(arcs, posts, travelling.select("person_id")))
        step("placement in posts (optimizer)", t)

    console.print(f"screened {files.height:,} personal files against {book.ref} in "
                  f"[bold]{timings[f'screen against {book.id}'] * 1000:.0f} ms[/] "
                  f"(validation {timings['validate personal files'] * 1000:.0f} ms); "
                  f"{eligibility.eligible_count:,} meet every criterion")
    show_frame(pl.DataFrame(funnel, schema=["stage", "files"], orient="row")
               .with_columns((pl.col("files") / files.height * 100).round(1).alias("% of volunteers")),
               title="The screening ladder: files remaining after each tier", limit=None)
    show_frame(eligibility.reason_counts().sort("failed", descending=True)
               .select("code", "failed", "failed_alone", (pl.col("share") * 100).round(1).alias("% of files")),
               title="Why files fail the 1929 criteria (a file can fail several)", limit=None)
    ours = composition(selected).select("measure", "category", pl.col("percent").round(1).alias("sample (selected)"))
    show_frame(record.composition().rename({"percent": "record 1930"}).join(
        ours, on=["measure", "category"], how="left", maintain_order="left"),
        title="Composition of the selected: the record beside the sample (the sample is synthetic, not calibrated)",
        limit=None)
    _planning_report(selection, distribution, placement, posts if placement is not None else None)
    if out is not None:
        for name, frame in (("personal_files", files), ("eligibility", elig), ("decisions", decisions)):
            save(frame, out / f"{name}.parquet", say=False)
        console.print(f"wrote personal files, eligibility and {decisions.height:,} decisions to {out}/")
    console.print("\nnext: [bold]cadre engine --help[/] (screen, select, distribute and place your own campaign), "
                  "[bold]cadre twin run --report twin.html[/] (replay 1929-1933 against the record), "
                  "[bold]cadre record --help[/] (the historical record); see README.md")
