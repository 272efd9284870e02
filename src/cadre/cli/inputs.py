"""Inputs every engine command reads the same way: the campaign's schema, personal files, rulebooks."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cadre import record
from cadre.cli.console import console, fail, save, show_frame
from cadre.engine.rulebook import Rulebook, RulebookError
from cadre.engine.schema import Schema, personal_file_schema
from cadre.engine.validation import Validation, validate
from cadre.io import TableError, bundled_rulebooks, load_rulebook, read_table

FILES_HELP = "Personal files: .csv, .tsv, .parquet or .xlsx (columns: see `cadre engine schema`)."
RULEBOOK_HELP = f"A rulebook file (.toml) or the name of a bundled one ({', '.join(bundled_rulebooks())})."


def campaign_schema() -> Schema:
    """The personal-file schema with the record's region codes and the 1929 unions."""
    return personal_file_schema(regions=tuple(record.regions().get_column("code").to_list()))


def rulebook_or_fail(name: str, schema: Schema) -> Rulebook:
    """Load a rulebook (bundled name or file), or end the command with every problem it has."""
    try:
        return load_rulebook(name, schema)
    except FileNotFoundError as e:
        fail(str(e))
    except RulebookError as e:
        fail(e.summary("rulebook"))


def report_issues(validation: Validation, source: str, *, limit: int = 40) -> None:
    """Print every issue of a validation, naming the file, the row and the column."""
    issues = validation.issues
    by_code = issues.group_by("code").agg(pl.len().alias("n")).sort("n", descending=True)
    console.print(
        f"[bold red]{source}: {issues.height:,} problem(s)[/] in "
        f"{validation.rejected_rows:,} of {validation.rows_in:,} rows "
        f"({', '.join(f'{c}: {n:,}' for c, n in by_code.iter_rows())})"
    )
    shown = issues.select(
        pl.lit(source).alias("file"),
        pl.col("row").cast(pl.String).fill_null("(column)"),
        "column", "value", "message",
    )
    show_frame(shown, limit=limit)


def load_files(path: Path, schema: Schema, *, skip_invalid: bool, issues_out: Path | None = None) -> pl.DataFrame:
    """Read and validate personal files; stop with every problem listed unless ``skip_invalid``."""
    try:
        raw = read_table(path)
    except TableError as e:
        fail(str(e))
    validation = validate(raw, schema)
    if not validation.ok:
        if issues_out is not None:
            save(validation.issues, issues_out, say=False)
            console.print(f"all problems written to {issues_out}")
        report_issues(validation, str(path))
        if not skip_invalid:
            fail(f"{path}: {validation.issues.height:,} problem(s); nothing was written "
                 "(fix the file, or pass --skip-invalid to go on with the valid rows)")
        console.print(f"[yellow]going on with the {validation.clean.height:,} valid rows[/]")
    return validation.clean
