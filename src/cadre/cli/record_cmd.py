"""`cadre record ...`: the historical record of 1929-1933, its tables and its checks."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from cadre import record
from cadre.cli.console import console, fail, save, show_frame

app = typer.Typer(help="The historical record (1929-1933): list, show and check its tables.", no_args_is_help=True)


@app.command("list")
def list_cmd() -> None:
    """List the record's tables with their source."""
    rows = [
        {"table": name, "file": t.info.file, "rows": t.load().height, "title": t.info.title, "source": t.info.source}
        for name, t in record.TABLES.items()
    ]
    show_frame(pl.DataFrame(rows), title="The historical record", limit=None)


@app.command("show")
def show_cmd(
    table: str = typer.Argument(..., help=f"One of: {', '.join(record.TABLES)}."),
    reading: str = typer.Option("corrected", "--reading",
                                help="control_plan only: 'corrected' (cells where the totals require) or 'printed'."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the table (.csv, .parquet, .xlsx, .json)."),
    limit: int = typer.Option(200, "--limit", min=1, help="Rows to print at most."),
) -> None:
    """Print a table of the record, with its provenance and the sources' known defects."""
    if table not in record.TABLES:
        fail(f"no table {table!r} in the record; the tables are: {', '.join(record.TABLES)}")
    if reading not in ("corrected", "printed"):
        fail(f"--reading must be 'corrected' or 'printed', not {reading!r}")
    if reading != "corrected" and table != "control_plan":
        fail("--reading applies to the control_plan table only")
    entry = record.TABLES[table]
    frame = record.control_plan(reading="printed") if reading == "printed" else entry.load()
    info = entry.info
    console.print(f"[bold]{info.title}[/] ({info.file})\n[dim]{info.holds}\nsource: {info.source}[/]")
    show_frame(frame, limit=limit)
    for defect in info.defects:
        console.print(f"[yellow]known defect of the source[/] ({defect.code}, {defect.key}): {defect.text}")
    for caveat in info.caveats:
        console.print(f"[dim]note: {caveat}[/]")
    if out is not None:
        save(frame, out)


def check_summary() -> tuple[int, int, list[record.Finding]]:
    """Run every check of the record: (errors, known defects, findings)."""
    findings = record.check()
    errors = sum(f.severity == record.Severity.ERROR for f in findings)
    return errors, len(findings) - errors, findings


@app.command("check")
def check_cmd() -> None:
    """Validate every table of the record; known defects of the sources are listed, errors fail (exit 1)."""
    errors, defects, findings = check_summary()
    if findings:
        show_frame(
            pl.DataFrame([{"table": f.table, "severity": str(f.severity), "code": str(f.code), "finding": f.message}
                          for f in findings]),
            title="Findings", limit=None,
        )
    if errors:
        fail(f"the record has {errors} error(s) (and {defects} known defect(s) of the sources)")
    console.print(f"[green]record ok[/]: {len(record.TABLES)} tables checked, no errors; "
                  f"{defects} known defect(s) of the sources are flagged above, not hidden")
