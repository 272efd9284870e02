"""Tabular files in and out: CSV, Parquet and Excel, read as text and written atomically.

Reading keeps every cell as the source wrote it (CSV and Excel cells are read as text) so that validation,
not the reader, decides what a value means and can name every bad cell. Writing goes to a temporary file
beside the target and is renamed into place only when complete: a failed write leaves nothing behind.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

__all__ = ["READABLE", "WRITABLE", "TableError", "read_table", "write_table", "write_text"]

READABLE = (".csv", ".tsv", ".parquet", ".pq", ".xlsx", ".xlsm", ".ods")
WRITABLE = (".csv", ".tsv", ".parquet", ".pq", ".xlsx", ".json")


class TableError(Exception):
    """A file that cannot be read or written as a table; the message names the file and, if known, the line."""


def _csv_problem(path: Path, separator: str) -> str:
    """Find the first structural problem of a text file the fast reader refused, with its line number."""
    with path.open(newline="", encoding="utf-8", errors="strict") as fh:
        reader = csv.reader(fh, delimiter=separator, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                return "the file is empty (no header line)"
            for record in reader:
                if record and len(record) != len(header):
                    return (f"line {reader.line_num} has {len(record)} fields but the header has {len(header)}")
        except csv.Error as e:
            return f"line {reader.line_num}: {e}"
    return "the file is not a well-formed table"


def read_table(path: str | Path, *, sheet: str | None = None) -> pl.DataFrame:
    """Read a CSV, TSV, Parquet or Excel file into a frame; text formats keep every cell as text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise TableError(f"{path}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(READABLE)}")
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    try:
        if suffix in (".csv", ".tsv"):
            separator = "\t" if suffix == ".tsv" else ","
            try:
                frame = pl.read_csv(path, infer_schema=False, separator=separator, raise_if_empty=True)
            except (pl.exceptions.ComputeError, pl.exceptions.NoDataError):
                raise TableError(f"{path}: {_csv_problem(path, separator)}") from None
            except UnicodeDecodeError:
                raise TableError(f"{path}: not UTF-8 text") from None
            if separator == "," and len(frame.columns) == 1 and ";" in frame.columns[0]:
                # A single column is fine, but one whose header holds ";" is a European-style CSV: say so.
                raise TableError(f"{path}: the header uses ';' as separator; save the file with ',' separators")
        elif suffix in (".parquet", ".pq"):
            frame = pl.read_parquet(path)
        else:
            frame = pl.read_excel(path, sheet_name=sheet, infer_schema_length=0)
    except TableError:
        raise
    except Exception as e:  # readers raise many types; the user needs the file and the reader's words
        raise TableError(f"{path}: cannot be read as {suffix[1:]}: {str(e).splitlines()[0]}") from None
    duplicates = sorted({c for c in frame.columns if frame.columns.count(c) > 1})
    if duplicates:
        raise TableError(f"{path}: duplicate column names: {', '.join(duplicates)}")
    return frame


def _flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """List columns become ';'-joined text, the form in which personal files keep them in text files."""
    lists = [n for n, t in frame.schema.items() if isinstance(t, pl.List)]
    return frame.with_columns(pl.col(n).cast(pl.List(pl.String)).list.join(";") for n in lists) if lists else frame


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write a frame as CSV, TSV, Parquet, Excel or JSON (by suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITABLE:
        raise TableError(f"{path}: unsupported output type {suffix or '(none)'!r}; use one of {', '.join(WRITABLE)}")
    if suffix in (".parquet", ".pq"):
        _atomic(path, lambda p: frame.write_parquet(p))
    elif suffix == ".json":
        _atomic(path, lambda p: frame.write_json(p))
    elif suffix == ".xlsx":
        _atomic(path, lambda p: _flatten(frame).write_excel(p))
    else:
        _atomic(path, lambda p: _flatten(frame).write_csv(p, separator="\t" if suffix == ".tsv" else ","))
    return path


def write_text(text: str, path: str | Path) -> Path:
    """Write a text file atomically."""
    path = Path(path)
    _atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path
