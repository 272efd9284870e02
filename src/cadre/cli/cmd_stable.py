"""`cadre engine stable-example` and `cadre engine stable`: stable placement on files.

An instance is a directory of three tables (Parquet, or CSV/TSV/Excel with the same columns):
``volunteer_prefs`` (person_id, post_id, rank), ``post_prefs`` (post_id, person_id, rank) and
``capacities`` (post_id, capacity). Solving writes ``matching.parquet`` (person_id, post_id,
volunteer_rank, post_rank) and ``report.json`` (certificate, summary) into the output directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import typer

from cadre.cli.console import console, fail, save, show_frame
from cadre.engine.stable import PreferencesError, StableInstance, example_stable, place_stable
from cadre.io import TableError, read_table, write_text

TABLES = ("volunteer_prefs", "post_prefs", "capacities")
SUFFIXES = (".parquet", ".pq", ".csv", ".tsv", ".xlsx")


def _span(text: str, option: str) -> int | tuple[int, int]:
    """``"35"`` or ``"20-50"``; anything else ends the command naming the option."""
    low, dash, high = text.partition("-")
    try:
        return (int(low), int(high)) if dash else int(low)
    except ValueError:
        fail(f"{option} {text!r}: give a number (35) or a range (20-50)")


def stable_example(
    volunteers: int = typer.Option(27_500, "--volunteers", min=0, max=5_000_000, help="Number of volunteers."),
    posts: int = typer.Option(3_000, "--posts", min=1, max=5_000_000, help="Number of posts."),
    list_length: str = typer.Option("20-50", "--list-length", help="Posts each volunteer ranks: N or LOW-HIGH."),
    capacity: str | None = typer.Option(
        None, "--capacity", help="Seats per post: N or LOW-HIGH (default: about 1.1 seats per volunteer)."),
    seed: int = typer.Option(1929, "--seed", help="Seed of the random generator."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write the instance's three tables into."),
) -> None:
    """Write a generated stable-placement instance (correlated preferences) as three Parquet tables."""
    lengths = _span(list_length, "--list-length")
    seats = None if capacity is None else _span(capacity, "--capacity")
    try:
        instance = example_stable(volunteers=volunteers, posts=posts, list_length=lengths, capacity=seats,
                                  rng=np.random.default_rng(seed))
    except ValueError as e:
        fail(str(e))
    for name in TABLES:
        save(getattr(instance, name), out / f"{name}.parquet", say=False)
    console.print(f"wrote {out}: {instance.volunteer_prefs.height:,} volunteer preferences, "
                  f"{instance.post_prefs.height:,} post preferences, {instance.capacities.height:,} posts")


def _find(instance: Path, name: str) -> Path:
    for suffix in SUFFIXES:
        if (instance / f"{name}{suffix}").is_file():
            return instance / f"{name}{suffix}"
    fail(f"{instance}: no {name} table ({', '.join(name + s for s in SUFFIXES)})")


def stable(
    instance: Path = typer.Option(..., "--instance", "-i", help="Directory holding the instance's three tables."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write matching.parquet and report.json into."),
) -> None:
    """Place volunteers by stable matching (volunteer-optimal deferred acceptance), checked for stability."""
    if not instance.is_dir():
        fail(f"{instance}: not a directory")
    paths = {name: _find(instance, name) for name in TABLES}
    try:
        tables = {name: read_table(path) for name, path in paths.items()}
    except TableError as e:
        fail(str(e))
    try:
        result = place_stable(StableInstance(**tables))
    except PreferencesError as e:
        problems = e.problems.with_columns(
            file=pl.col("table").replace_strict({n: str(p) for n, p in paths.items()}, return_dtype=pl.String))
        show_frame(problems.select("file", "row", "column", "value", "message"), limit=40)
        where = "; ".join(f"{f} row {r if r is not None else '-'} column {c}"
                          for f, r, c in problems.head(3).select("file", "row", "column").iter_rows())
        fail(f"{problems.height:,} problem(s) in the instance ({where}{'; ...' if problems.height > 3 else ''}); "
             "nothing was written")
    certificate = result.certificate
    if not result.stability.stable:
        fail(f"the placement failed its stability check ({certificate.message}); nothing was written")
    summary = result.summary()
    report = {"instance": {n: str(p) for n, p in paths.items()}, "summary": summary,
              "certificate": certificate.as_dict()}
    save(result.matching, out / "matching.parquet", say=False)
    write_text(json.dumps(report, indent=2) + "\n", out / "report.json")
    console.print(
        f"placed {int(summary['matched']):,} of {int(summary['volunteers']):,} volunteers "
        f"({int(summary['unmatched']):,} unmatched) on {int(summary['posts']):,} posts with "
        f"{int(summary['seats']):,} seats; first choice: {summary['first_choice_share']:.1%}; "
        f"mean rank of the post taken: {summary['mean_volunteer_rank']:.2f}")
    console.print(
        f"status {certificate.status.value}: stable (blocking pairs: {int(summary['blocking_pairs'])}) and "
        f"volunteer-optimal; {int(summary['proposals']):,} proposals in {certificate.seconds:.3f} s")
    console.print(f"wrote {out / 'matching.parquet'} and {out / 'report.json'}")
