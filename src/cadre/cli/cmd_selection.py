"""`cadre engine select`: choose the cohort among the eligible candidates that fills the control figures.

Reads personal files, keeps the candidates eligible under the rulebook, selects with
:func:`cadre.engine.selection.select` against quotas per region x union (by default the 1929 control
figures fitted to the candidates, :func:`quotas_1929`) and optional factory sub-quotas, writes the selected,
the fill and target tables and the certificate, and prints why any target or quota was missed.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import polars as pl
import typer

from cadre.cli.console import console, fail, save, show_frame
from cadre.cli.inputs import FILES_HELP, RULEBOOK_HELP, campaign_schema, load_files, rulebook_or_fail
from cadre.engine.certificate import Status
from cadre.engine.eligibility import evaluate
from cadre.engine.rulebook import Rulebook
from cadre.engine.selection import Fill, Selection, SelectionInputError, SelectionParams
from cadre.engine.selection import select as run_selection
from cadre.io import TableError, read_table, write_text
from cadre.twin.planning import quotas_1929

__all__ = ["select"]

_SHOWN_BINDINGS = 25


def _read_counts(path: Path, key: list[str]) -> pl.DataFrame:
    """A quota file: the key columns as text and quota as numbers; cells that are not numbers end the command."""
    try:
        frame = read_table(path)
    except TableError as e:
        fail(str(e))
    missing = [c for c in [*key, "quota"] if c not in frame.columns]
    if missing:
        fail(f"{path}: missing column(s) {', '.join(missing)} (columns: {', '.join(frame.columns)})")
    if frame.schema["quota"] == pl.String:
        parsed = pl.col("quota").str.strip_chars().cast(pl.Float64, strict=False)
        bad = frame.with_row_index("row", offset=1).filter(pl.col("quota").is_not_null() & parsed.is_null())
        if bad.height:
            rows = ", ".join(f"row {r} ({v!r})" for r, v in bad.select("row", "quota").head(6).iter_rows())
            fail(f"{path}: 'quota' must be a whole number: {rows}")
        frame = frame.with_columns(parsed.alias("quota"))
    return frame.select(*key, "quota")


def _with_overrides(book: Rulebook, hard: list[str], soft: list[str]) -> Rulebook:
    codes = {t.code for t in book.targets}
    unknown = sorted((set(hard) | set(soft)) - codes)
    if unknown:
        fail(f"--hard/--soft: {', '.join(unknown)} is not a target of {book.ref} (targets: {', '.join(sorted(codes))})")
    both = sorted(set(hard) & set(soft))
    if both:
        fail(f"--hard and --soft both name {', '.join(both)}")
    targets = tuple(dataclasses.replace(t, hard=True) if t.code in hard else
                    dataclasses.replace(t, hard=False) if t.code in soft else t for t in book.targets)
    return dataclasses.replace(book, targets=targets)


def _report(result: Selection, book: Rulebook, eligible: int, files: int) -> None:
    cert = result.certificate
    colour = {Status.OPTIMAL: "green", Status.FEASIBLE: "yellow"}.get(cert.status, "red")
    console.print(
        f"{files:,} files, {eligible:,} eligible under {book.ref}; places to fill: {result.places:,}; "
        f"[bold]{result.selected.height:,} selected[/]")
    objective = "—" if cert.objective is None else f"{cert.objective:,.3f}"
    bound = "—" if cert.bound is None else f"{cert.bound:,.3f}"
    gap = "—" if cert.gap is None else f"{cert.gap:.4%}"
    console.print(f"[bold {colour}]{cert.status.value}[/]: objective {objective} (quality less penalties), "
                  f"bound {bound}, gap {gap}, {cert.seconds:.2f} s ({cert.solver})")
    fill = result.fill.sort("shortfall", "source_region", "union", descending=[True, False, False])
    totals = fill.select(pl.col("quota", "candidates", "available", "selected", "shortfall").sum()).row(0, named=True)
    show_frame(fill, title="Fill by cell (shortfall first)", limit=20)
    console.print("total: " + ", ".join(f"{k} {v:,}" for k, v in totals.items()))
    show_frame(result.targets.drop("label"), title="Cohort targets", limit=None)
    if cert.binding:
        console.print("[bold]What bound the answer:[/]")
        for b in cert.binding[:_SHOWN_BINDINGS]:
            console.print(f"  - ({b.kind}) {b.explanation}", markup=False, highlight=False, soft_wrap=True)
        if len(cert.binding) > _SHOWN_BINDINGS:
            console.print(f"  ... {len(cert.binding) - _SHOWN_BINDINGS:,} more in certificate.json")
    if cert.message:
        console.print(cert.message, style="dim", markup=False, highlight=False)


def select(
    files: Path = typer.Option(..., "--files", "-f", help=FILES_HELP),
    rulebook: str = typer.Option("ussr-1929", "--rulebook", "-r", help=RULEBOOK_HELP),
    quotas: Path | None = typer.Option(
        None, "--quotas", "-q",
        help="Quotas per cell (columns source_region, union, quota). Default: the 1929 control figures, "
             "fitted to the candidates per region x union."),
    factory_quotas: Path | None = typer.Option(
        None, "--factory-quotas", help="Factory sub-quotas (columns factory_id, quota)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for selected, fill and targets tables and certificate.json."),
    fmt: str = typer.Option("csv", "--format", help="Format of the tables: csv or parquet."),
    hard: list[str] = typer.Option([], "--hard", help="Make this target hard (its code); may be repeated."),
    soft: list[str] = typer.Option([], "--soft", help="Make this target soft (its code); may be repeated."),
    fill: Fill = typer.Option(Fill.ALL, "--fill", help="all: fill every place, hard targets must hold; "
                              "hard_first: fill as many places as the hard targets allow."),
    time_limit: float | None = typer.Option(None, "--time-limit", min=0.1, help="Seconds; the best answer so far is kept."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Use the valid rows even if some are bad."),
    without_historical: bool = typer.Option(
        False, "--without-historical", help="Leave out the criteria kept only as historical data (1929 political)."),
) -> None:
    """Select the cohort: fill the quotas, meet the cohort targets, maximize committee-judged quality."""
    if fmt not in ("csv", "parquet"):
        fail(f"--format {fmt!r}: use csv or parquet")
    schema = campaign_schema()
    book = rulebook_or_fail(rulebook, schema)
    book = _with_overrides(book.without_historical() if without_historical else book, hard, soft)
    clean = load_files(files, schema, skip_invalid=skip_invalid)
    eligible_ids = evaluate(clean, book).frame.filter(pl.col("eligible")).get_column("person_id")
    candidates = clean.filter(pl.col("person_id").is_in(eligible_ids.implode()))
    cells = quotas_1929(candidates) if quotas is None else _read_counts(quotas, ["source_region", "union"])
    facs = None if factory_quotas is None else _read_counts(factory_quotas, ["factory_id"])
    params = SelectionParams(fill=fill, time_limit=time_limit,
                             regions=schema["source_region"].allowed, unions=schema["union"].allowed)
    try:
        result = run_selection(candidates, cells, targets=book.targets, factory_quotas=facs, params=params)
    except SelectionInputError as e:
        source = {"quotas": quotas, "factory quotas": factory_quotas}.get(e.what) or e.what
        fail(f"{source}: " + "\n  ".join(e.problems))
    _report(result, book, candidates.height, clean.height)

    answer = result.status in (Status.OPTIMAL, Status.FEASIBLE)
    document = {"rulebook": book.ref, "fill": fill.value, "places": result.places,
                "selected": result.selected.height, **result.certificate.as_dict()}
    if answer:
        save(result.selected, out / f"selected.{fmt}", say=False)
    save(result.fill, out / f"fill.{fmt}", say=False)
    save(result.targets, out / f"targets.{fmt}", say=False)
    write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", out / "certificate.json")
    console.print(f"wrote {'selected, ' if answer else ''}fill and targets ({fmt}) and certificate.json to {out}")
    if not answer:
        # No cohort was selected (a hard target cannot be met, or no answer in time): the reasons are written.
        raise typer.Exit(2)
