"""What the checks of the record report: findings with a severity, a stable code and a location.

A finding is either an ``error`` (the data files break a rule of the record) or a ``known_defect`` (a
defect of the sources themselves, declared in ``manifest.toml`` and kept visible on purpose). The code says
what kind of problem it is; the key names the row or group it concerns, in the form the manifest uses, so
that a finding can be matched with its declaration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Code", "Declared", "Finding", "Severity", "locate", "make_finding"]


class Severity(StrEnum):
    """How serious a finding is."""

    ERROR = "error"  # the data files break a rule: someone has to fix them
    KNOWN_DEFECT = "known_defect"  # the source itself is wrong, and the manifest says so


class Code(StrEnum):
    """What kind of problem a finding reports."""

    MISSING_COLUMN = "missing_column"
    UNEXPECTED_COLUMN = "unexpected_column"
    MISSING_VALUE = "missing_value"
    UNPARSABLE_VALUE = "unparsable_value"
    OUT_OF_RANGE = "out_of_range"
    DUPLICATE_KEY = "duplicate_key"
    UNKNOWN_REGION = "unknown_region"
    UNKNOWN_TEMPO_GROUP = "unknown_tempo_group"
    MISSING_TOTAL = "missing_total"
    QUOTA_SUM_MISMATCH = "quota_sum_mismatch"
    COMPOSITION_SUM_MISMATCH = "composition_sum_mismatch"
    PLAN_ORIGIN_MISMATCH = "plan_origin_mismatch"
    PLAN_TOTAL_MISMATCH = "plan_total_mismatch"
    MISPRINTED_CELL = "misprinted_cell"
    DOUBTFUL_VALUE = "doubtful_value"
    NOTED_DEFECT = "noted_defect"  # a defect the source describes but the data cannot show
    STALE_DEFECT = "stale_defect"  # the manifest declares a defect the data no longer shows


# The declared defects of one table, as (code, key) pairs; see manifest.toml.
Declared = frozenset[tuple[Code, str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem found in one table of the record.

    ``rows`` are 1-based data rows of the table's file (the header is not counted); a finding about a
    column or a group of rows names all the rows involved, and a finding about a whole table names none.
    The message repeats the file, rows and column so that it can be read on its own.
    """

    table: str
    severity: Severity
    code: Code
    message: str
    rows: tuple[int, ...] = ()
    column: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.table}: {self.code}: {self.message}"


def locate(file: str, rows: Iterable[int] = (), column: str | None = None) -> str:
    """A place in a data file, written for people: ``quotas.csv, rows 3, 4, column quota``."""
    numbers = sorted(set(rows))
    parts = [file]
    if len(numbers) == 1:
        parts.append(f"row {numbers[0]}")
    elif numbers:
        parts.append("rows " + ", ".join(str(n) for n in numbers))
    if column is not None:
        parts.append(f"column {column}")
    return ", ".join(parts)


def make_finding(
    *,
    table: str,
    file: str,
    code: Code,
    text: str,
    declared: Declared,
    rows: Iterable[int] = (),
    column: str | None = None,
    key: str | None = None,
) -> Finding:
    """A finding located in ``file``; a known defect when ``(code, key)`` is declared, an error otherwise."""
    known = key is not None and (code, key) in declared
    numbers = tuple(sorted(set(rows)))
    return Finding(
        table=table,
        severity=Severity.KNOWN_DEFECT if known else Severity.ERROR,
        code=code,
        message=f"{locate(file, numbers, column)}: {text}",
        rows=numbers,
        column=column,
        key=key,
    )
