"""`cadre engine ...`: the engine's computations on files (screening, composition, the ladder, rulebooks)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl
import typer

from cadre.cli import cmd_distribution, cmd_placement, cmd_selection, cmd_stable
from cadre.cli.console import console, fail, save, show_frame
from cadre.cli.inputs import FILES_HELP, RULEBOOK_HELP, campaign_schema, load_files, rulebook_or_fail
from cadre.engine.analytics import composition
from cadre.engine.eligibility import evaluate
from cadre.engine.screening import LADDER_1929
from cadre.io import bundled_rulebooks, load_rulebook
from cadre.twin.sample import sample_volunteers

app = typer.Typer(help="The engine on files: validate, screen, compose; rulebooks and the screening ladder.",
                  no_args_is_help=True)
rulebook_app = typer.Typer(help="Rulebooks: list the bundled ones, check a file.", no_args_is_help=True)
app.add_typer(rulebook_app, name="rulebook")

@app.command("schema")
def schema_cmd() -> None:
    """Print the personal-file columns: name, kind, required, allowed values or range."""
    rows = []
    for c in campaign_schema().columns:
        allowed = ", ".join(c.allowed) if c.allowed else ""
        if c.minimum is not None or c.maximum is not None:
            allowed = f"{c.minimum:g} to {c.maximum:g}"
        rows.append({"column": c.name, "kind": c.kind.value, "required": "yes" if c.required else "",
                     "values": allowed, "meaning": c.description})
    show_frame(pl.DataFrame(rows), title="The personal file (one row per person)", limit=None)


@app.command("sample")
def sample_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the files (.csv, .parquet, .xlsx)."),
    n: int = typer.Option(70_000, "--n", min=1, max=5_000_000, help="Number of volunteers."),
    seed: int = typer.Option(1929, "--seed", help="Seed of the random generator."),
) -> None:
    """Write a synthetic sample of volunteers' personal files (the bundled sample campaign)."""
    frame = sample_volunteers(n, rng=np.random.default_rng(seed))
    save(frame, out, say=False)
    console.print(f"wrote {frame.height:,} personal files to {out}")


@app.command("validate")
def validate_cmd(
    files: Path = typer.Option(..., "--files", "-f", help=FILES_HELP),
    issues_out: Path | None = typer.Option(None, "--issues", help="Also write every problem to this file."),
) -> None:
    """Check personal files against the schema and list every problem at once (exit 1 if any)."""
    clean = load_files(files, campaign_schema(), skip_invalid=False, issues_out=issues_out)
    console.print(f"[green]{files}: all {clean.height:,} rows are valid[/]")


@app.command("screen")
def screen_cmd(
    files: Path = typer.Option(..., "--files", "-f", help=FILES_HELP),
    rulebook: str = typer.Option("ussr-1929", "--rulebook", "-r", help=RULEBOOK_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write eligibility and reasons per person."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Screen the valid rows even if some are bad."),
    without_historical: bool = typer.Option(
        False, "--without-historical", help="Leave out the criteria kept only as historical data (1929 political)."),
) -> None:
    """Evaluate a rulebook over personal files: eligible or not, with a reason code for every failed rule."""
    schema = campaign_schema()
    book = rulebook_or_fail(rulebook, schema)
    if without_historical:
        book = book.without_historical()
    clean = load_files(files, schema, skip_invalid=skip_invalid)
    started = time.perf_counter()
    result = evaluate(clean, book)
    elapsed = time.perf_counter() - started
    save(result.frame, out, say=False)
    console.print(f"screened {clean.height:,} files against {book.ref} in {elapsed * 1000:.0f} ms: "
                  f"[bold]{result.eligible_count:,} eligible[/] ({result.eligible_count / max(clean.height, 1):.1%})")
    show_frame(result.reason_counts(), title="Failed criteria", limit=None)
    console.print(f"wrote {out}")


@app.command("compose")
def compose_cmd(
    files: Path = typer.Option(..., "--files", "-f", help=FILES_HELP),
    by: str | None = typer.Option(None, "--by", help="Group by a column, e.g. source_region or union."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the table (.csv, .parquet, .xlsx)."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Use the valid rows even if some are bad."),
) -> None:
    """The composition table (sex, age band, party status, years at the factory), as in the record."""
    schema = campaign_schema()
    if by is not None and by not in schema:
        fail(f"--by {by!r} is not a column of the personal file ({', '.join(schema.names)})")
    clean = load_files(files, schema, skip_invalid=skip_invalid)
    table = composition(clean, by=by)
    show_frame(table, title=f"Composition of {clean.height:,} personal files", limit=None)
    if out is not None:
        save(table, out)


@app.command("ladder")
def ladder_cmd() -> None:
    """Print the screening ladder of 1929 as its transition table (who may do what, from which stage)."""
    show_frame(LADDER_1929.table(), title="Screening ladder (1929): every legal transition", limit=None)


@rulebook_app.command("list")
def rulebook_list() -> None:
    """List the bundled rulebooks."""
    schema = campaign_schema()
    rows = []
    for name in bundled_rulebooks():
        book = load_rulebook(name, schema)
        rows.append({"name": name, "ref": book.ref, "criteria": len(book.criteria),
                     "targets": len(book.targets), "title": book.title})
    show_frame(pl.DataFrame(rows), title="Bundled rulebooks", limit=None)


@rulebook_app.command("check")
def rulebook_check(rulebook: str = typer.Argument(..., help=RULEBOOK_HELP)) -> None:
    """Check a rulebook; print its criteria and targets, or every problem (exit 1)."""
    book = rulebook_or_fail(rulebook, campaign_schema())
    crit = pl.DataFrame({
        "code": [c.code for c in book.criteria],
        "rule": [(f"if {c.when.describe()}: " if c.when else "") + c.condition.describe() for c in book.criteria],
        "label": [c.label + (" [historical data]" if c.historical else "") for c in book.criteria],
    })
    show_frame(crit, title=f"{book.ref}: criteria (a candidate who fails one is not eligible)", limit=None)
    if book.targets:
        tg = pl.DataFrame({
            "code": [t.code for t in book.targets],
            "condition": [t.condition.describe() for t in book.targets],
            "min_share": [t.min_share for t in book.targets],
            "max_share": [t.max_share for t in book.targets],
            "hard": [t.hard for t in book.targets],
            "label": [t.label for t in book.targets],
        })
        show_frame(tg, title="cohort targets", limit=None)
    console.print(f"[green]{book.ref}: ok[/]")


# The planning optimizers, each in its own module (registered after the core commands, in pipeline order).
app.command("select")(cmd_selection.select)
app.command("distribute")(cmd_distribution.distribute)
app.command("example")(cmd_placement.example)
app.command("place")(cmd_placement.place)
app.command("stable-example")(cmd_stable.stable_example)
app.command("stable")(cmd_stable.stable)
