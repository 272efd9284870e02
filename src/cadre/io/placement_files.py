"""The explicit-cost placement format on disk (docs/placement-format.md): read, write, and write answers.

An instance is a directory holding ``arcs`` (person_id, post_id, cost), ``posts`` (post_id, capacity) and
optionally ``people`` (person_id and any attributes), each as ``.parquet`` or ``.csv``. Errors name the
file, the line (CSV; the header is line 1) or row (Parquet), and the column. Every write goes to a
temporary file renamed into place, and a solution's files are written all or none.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from cadre.engine.certificate import Certificate
from cadre.engine.placement import AssignmentInstance, PlacementInputError, compile_instance
from cadre.io.tables import TableError, read_table, write_table, write_text

__all__ = [
    "SOLUTION_FILES",
    "InstanceFileError",
    "compile_read",
    "load_instance",
    "read_instance",
    "write_instance",
    "write_solution",
]

TABLES = ("arcs", "posts", "people")
SUFFIXES = (".parquet", ".csv")
SOLUTION_FILES = ("assignment.parquet", "certificate.json", "unplaced.csv")
_SHOWN = 10


class InstanceFileError(ValueError):
    """An instance directory that cannot be read: every problem, each naming its file, line and column."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems) if len(problems) == 1
                         else f"{len(problems)} problems:\n  " + "\n  ".join(problems))


def _locate(directory: Path, name: str, *, required: bool) -> Path | None:
    found = [directory / f"{name}{s}" for s in SUFFIXES if (directory / f"{name}{s}").is_file()]
    if len(found) > 1:
        raise InstanceFileError([f"{directory}: both {found[0].name} and {found[1].name}; keep one of them"])
    if not found and required:
        raise InstanceFileError([f"{directory}: no {name}.parquet or {name}.csv (see docs/placement-format.md)"])
    return found[0] if found else None


def _where(path: Path, rows: pl.Series) -> str:
    """'line 5, 9' for CSV (header is line 1), 'row 4, 8' for Parquet."""
    offset, unit = (2, "line") if path.suffix == ".csv" else (1, "row")
    shown = ", ".join(str(r + offset) for r in rows.head(_SHOWN).to_list())
    more = f" ({rows.len():,} in all)" if rows.len() > _SHOWN else ""
    return f"{unit}{'s' if rows.len() > 1 else ''} {shown}{more}"


def _numbers(frame: pl.DataFrame, column: str, path: Path, problems: list[str], *, whole: bool) -> pl.DataFrame:
    """Text cells to numbers (CSV); every cell that is not one becomes a problem naming its line."""
    if column not in frame.columns or frame.schema[column] != pl.String:
        return frame
    text = frame.get_column(column).str.strip_chars()
    number = text.cast(pl.Float64, strict=False)
    bad = (text.is_not_null() & (text != "") & number.is_null()).arg_true()
    if bad.len():
        values = ", ".join(repr(v) for v in text.gather(bad.head(3)).to_list())
        problems.append(f"{path}, column {column}, {_where(path, bad)}: not a number ({values})")
    if whole:
        fractional = (number.is_not_null() & (number.floor() != number)).arg_true()
        if fractional.len():
            problems.append(f"{path}, column {column}, {_where(path, fractional)}: not a whole number")
            return frame
        return frame.with_columns(number.cast(pl.Int64).alias(column))
    valid = number.drop_nulls()
    is_int = valid.len() > 0 and bool((valid.floor() == valid).all()) and bool((valid.abs() < 2.0**53).all())
    return frame.with_columns((number.cast(pl.Int64) if is_int else number).alias(column))


def _unify_ids(frames: dict[str, pl.DataFrame], column: str) -> dict[str, pl.DataFrame]:
    """Ids read as text become integers when every file's ids are integers; otherwise all stay text."""
    holders = {n: f for n, f in frames.items() if column in f.columns}
    series = [f.get_column(column) for f in holders.values()]
    if all(s.dtype == pl.String for s in series):
        stripped = [s.str.strip_chars() for s in series]
        if all(s.cast(pl.Int64, strict=False).null_count() == s.null_count() for s in stripped):
            return frames | {n: f.with_columns(s.cast(pl.Int64).alias(column))
                             for (n, f), s in zip(holders.items(), stripped, strict=True)}
        return frames | {n: f.with_columns(s.alias(column)) for (n, f), s in zip(holders.items(), stripped, strict=True)}
    if any(s.dtype == pl.String for s in series):  # text in one file, integers in another: compare as text
        return frames | {n: f.with_columns(pl.col(column).cast(pl.String)) for n, f in holders.items()}
    return frames


def read_instance(directory: str | Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """Read ``(arcs, posts, people)`` from an instance directory; ``people`` is None when absent.

    CSV cells are converted (ids to integers when all are, costs and capacities to numbers); a cell that
    cannot be converted raises ``InstanceFileError`` naming the file, line and column.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InstanceFileError([f"{directory}: no such directory"])
    paths = {name: _locate(directory, name, required=name != "people") for name in TABLES}
    frames: dict[str, pl.DataFrame] = {}
    problems: list[str] = []
    for name, path in paths.items():
        if path is None:
            continue
        try:
            frame = read_table(path)
        except TableError as e:
            problems.append(str(e))
            continue
        frame = _numbers(frame, "cost", path, problems, whole=False) if name == "arcs" else frame
        frames[name] = _numbers(frame, "capacity", path, problems, whole=True) if name == "posts" else frame
    if problems:
        raise InstanceFileError(problems)
    frames = _unify_ids(_unify_ids(frames, "person_id"), "post_id")
    return frames["arcs"], frames["posts"], frames.get("people")


def compile_read(
    directory: str | Path, arcs: pl.DataFrame, posts: pl.DataFrame, people: pl.DataFrame | None
) -> AssignmentInstance:
    """Compile frames read from ``directory``, reporting the engine's input problems against its files."""
    directory = Path(directory)
    try:
        return compile_instance(arcs, posts, people)
    except PlacementInputError as e:
        files = {name: _locate(directory, name, required=False) for name in TABLES}
        lines = []
        for p in e.problems:
            path = files.get(p.table)
            offset = 2 if path is not None and path.suffix == ".csv" else None
            lines.append(p.describe(str(path) if path else p.table, line_offset=offset))
        raise InstanceFileError(lines) from None


def load_instance(directory: str | Path) -> tuple[AssignmentInstance, pl.DataFrame]:
    """Read and compile an instance directory; returns the instance and the posts frame (with attributes)."""
    arcs, posts, people = read_instance(directory)
    return compile_read(directory, arcs, posts, people), posts


def write_instance(
    directory: str | Path, arcs: pl.DataFrame, posts: pl.DataFrame, people: pl.DataFrame | None = None, *,
    suffix: str = ".parquet",
) -> list[Path]:
    """Write an instance directory (``suffix``: .parquet or .csv); returns the files written."""
    if suffix not in SUFFIXES:
        raise ValueError(f"suffix must be one of {', '.join(SUFFIXES)}")
    directory = Path(directory)
    written = []
    for name, frame in (("arcs", arcs), ("posts", posts), ("people", people)):
        if frame is None:
            continue
        for other in SUFFIXES:  # a stale file of the other format would make the directory ambiguous
            if other != suffix:
                (directory / f"{name}{other}").unlink(missing_ok=True)
        written.append(write_table(frame, directory / f"{name}{suffix}"))
    return written


def write_solution(
    directory: str | Path, assignment: pl.DataFrame, certificate: Certificate, *,
    unplaced: pl.DataFrame | None = None, extra: dict[str, object] | None = None,
) -> list[Path]:
    """Write ``assignment.parquet`` and ``certificate.json`` (plus ``unplaced.csv`` if given), all or none.

    Earlier solution files in the directory are removed first, so an assignment never sits beside
    another run's certificate; an infeasible answer is written as its certificate (and who is unplaced)
    without an assignment file.
    """
    directory = Path(directory)
    for name in SOLUTION_FILES:
        (directory / name).unlink(missing_ok=True)
    document = certificate.as_dict() | (extra or {})
    written: list[Path] = []
    try:
        if assignment.height or certificate.proven_optimal:
            written.append(write_table(assignment, directory / "assignment.parquet"))
        if unplaced is not None and unplaced.height:
            written.append(write_table(unplaced, directory / "unplaced.csv"))
        written.append(write_text(json.dumps(document, indent=2, default=str) + "\n", directory / "certificate.json"))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
