"""What every command shares: the console, how a frame is printed, and how a user error ends a command."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import polars as pl
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cadre.io import TableError, write_table

console = Console()
errors = Console(stderr=True)


def fail(message: str, *, code: int = 1) -> NoReturn:
    """End the command with a message that says what is wrong and where; nothing further is written."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def save(frame: pl.DataFrame, path: Path, *, say: bool = True) -> None:
    """Write a table (format by suffix), atomically; a failure ends the command with the reason."""
    try:
        write_table(frame, path)
    except TableError as e:
        fail(str(e))
    if say:
        console.print(f"wrote {path}")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def show_frame(frame: pl.DataFrame, *, title: str | None = None, limit: int | None = 60) -> None:
    """Print a frame as a table; numbers right-aligned, long frames cut with a note of how many rows."""
    table = Table(title=title, title_justify="left", header_style="bold", show_lines=False)
    numeric = {n for n, t in frame.schema.items() if t.is_numeric()}
    for name in frame.columns:
        if name in numeric:
            table.add_column(name, justify="right", no_wrap=True)
        else:
            table.add_column(name, overflow="fold")
    shown = frame if limit is None else frame.head(limit)
    for row in shown.iter_rows():
        table.add_row(*(Text(_cell(v)) for v in row))  # Text: cells are data, never markup
    console.print(table)
    if limit is not None and frame.height > limit:
        console.print(f"[dim]... {frame.height - limit:,} more rows ({frame.height:,} in all)[/]")
