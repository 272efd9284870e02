"""Personal files between the ORM and the engine's personal-file frame."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import polars as pl
from django.db.models import QuerySet

from cadre.engine.eligibility import evaluate
from cadre.engine.rulebook import Rulebook
from cadre.engine.schema import Kind
from cadre.engine.validation import validate
from cadre.web.bridge.schema import schema

__all__ = ["FILE_COLUMNS", "eligibility", "file_rows", "files_frame", "problems_of", "validate_rows"]


def _columns() -> tuple[str, ...]:
    return schema().names


FILE_COLUMNS: tuple[str, ...] = _columns()


def files_frame(files: QuerySet[Any] | Iterable[Any]) -> pl.DataFrame:
    """The engine's personal-file frame of these files (typed by the schema, one row per file)."""
    if isinstance(files, QuerySet):
        rows: list[Mapping[str, Any]] = list(files.values(*FILE_COLUMNS))
    else:
        rows = [{name: getattr(f, name) for name in FILE_COLUMNS} for f in files]
    return pl.DataFrame(rows, schema=schema().polars_schema, orient="row") if rows else pl.DataFrame(
        schema=schema().polars_schema)


def validate_rows(rows: list[Mapping[str, Any]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate questionnaire rows with the engine: ``(clean, issues)``, every problem at once."""
    data: dict[str, pl.Series] = {}
    for name in FILE_COLUMNS:
        if any(name in row for row in rows):
            dtype = pl.List(pl.String) if schema()[name].kind == Kind.ENUM_LIST else pl.String
            data[name] = pl.Series(name, [_text(row.get(name)) for row in rows], dtype=dtype)
    raw = pl.DataFrame(data)
    checked = validate(raw, schema())
    return checked.clean, checked.issues


def _text(value: Any) -> Any:
    if value is None or isinstance(value, list):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def problems_of(issues: pl.DataFrame) -> list[str]:
    """The validation issues as sentences (column: message)."""
    return [f"{column or '-'}: {message}" for column, message in issues.select("column", "message").iter_rows()]


def file_rows(clean: pl.DataFrame) -> list[dict[str, Any]]:
    """Clean engine rows as keyword arguments for ``PersonalFile`` (lists stay lists)."""
    return [{k: (v if v is not None or k != "activist_roles" else []) for k, v in row.items()}
            for row in clean.select(FILE_COLUMNS).iter_rows(named=True)]


def eligibility(files: QuerySet[Any] | Iterable[Any], rulebook: Rulebook) -> dict[str, list[str]]:
    """Per file number, the codes of the rulebook's criteria the file fails (empty: eligible).

    Verdicts are remembered per process for a file's exact answers under a rulebook's exact content (its
    fingerprint), so a queue page opened again asks the engine only about files it has not judged yet.
    """
    rows = list(files.values(*FILE_COLUMNS)) if isinstance(files, QuerySet) else [
        {name: getattr(f, name) for name in FILE_COLUMNS} for f in files]
    out: dict[str, list[str]] = {}
    unknown: list[Mapping[str, Any]] = []
    keys: dict[str, tuple[Any, ...]] = {}
    with _VERDICTS_LOCK:  # the server's threads share the memo
        for row in rows:
            key = (rulebook.fingerprint, *(tuple(v) if isinstance(v, list) else v for v in row.values()))
            keys[row["person_id"]] = key
            known = _VERDICTS.get(key)
            if known is None:
                unknown.append(row)
            else:
                _VERDICTS.move_to_end(key)
                out[row["person_id"]] = list(known)
    if unknown:
        frame = pl.DataFrame(unknown, schema=schema().polars_schema, orient="row")
        result = evaluate(frame, rulebook)
        judged = {pid: tuple(reasons) for pid, reasons in result.frame.select("person_id", "reasons").iter_rows()}
        with _VERDICTS_LOCK:
            for pid, reasons in judged.items():
                out[pid] = list(reasons)
                _VERDICTS[keys[pid]] = reasons
            while len(_VERDICTS) > _VERDICTS_KEPT:
                _VERDICTS.popitem(last=False)
    return out


#: How many verdicts a process remembers (a verdict is a few hundred bytes; a national campaign's files fit).
_VERDICTS_KEPT = 100_000
_VERDICTS: OrderedDict[tuple[Any, ...], tuple[str, ...]] = OrderedDict()
_VERDICTS_LOCK = threading.Lock()
