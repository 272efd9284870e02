"""Conditions on personal-file columns: the building block of rulebook criteria and cohort targets.

A condition is data (a column, operators and values, or a group of conditions with ``any``/``all``), parsed
from a plain mapping and checked against the schema, then compiled to one polars expression. Nothing in a
rulebook is ever evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from cadre.engine.schema import Kind, Schema

__all__ = ["OPERATORS", "Clause", "Condition", "Group", "parse_condition"]

# Operator -> the column kinds it applies to. Each operator is described in docs/rulebooks.md.
_NUMERIC = (Kind.INT, Kind.FLOAT, Kind.DATE)
OPERATORS: dict[str, tuple[Kind, ...]] = {
    "at_least": _NUMERIC,
    "at_most": _NUMERIC,
    "above": _NUMERIC,
    "below": _NUMERIC,
    "equals": (Kind.INT, Kind.FLOAT, Kind.DATE, Kind.TEXT, Kind.ENUM),
    "not_equals": (Kind.INT, Kind.FLOAT, Kind.DATE, Kind.TEXT, Kind.ENUM),
    "in": (Kind.TEXT, Kind.ENUM, Kind.INT),
    "not_in": (Kind.TEXT, Kind.ENUM, Kind.INT),
    "is": (Kind.BOOL,),
    "contains_any": (Kind.ENUM_LIST,),
    "contains_all": (Kind.ENUM_LIST,),
    "contains_none": (Kind.ENUM_LIST,),
    "present": tuple(Kind),
}
_LIST_OPERATORS = ("in", "not_in", "contains_any", "contains_all", "contains_none")


class ConditionError(ValueError):
    """A condition that cannot be compiled; ``problems`` lists every reason, each naming its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    """A clause on one column: every operator given must hold."""

    column: str
    kind: Kind
    operators: tuple[tuple[str, Any], ...]

    def expr(self) -> pl.Expr:
        col = pl.col(self.column)
        parts: list[pl.Expr] = []
        for op, value in self.operators:
            match op:
                case "at_least":
                    parts.append(col >= value)
                case "at_most":
                    parts.append(col <= value)
                case "above":
                    parts.append(col > value)
                case "below":
                    parts.append(col < value)
                case "equals":
                    parts.append(col == value)
                case "not_equals":
                    parts.append(col != value)
                case "in":
                    parts.append(col.is_in(list(value)))
                case "not_in":
                    parts.append(~col.is_in(list(value)))
                case "is":
                    parts.append(col == value)
                case "contains_any":
                    parts.append(col.list.set_intersection(list(value)).list.len() > 0)
                case "contains_all":
                    parts.append(col.list.set_intersection(list(value)).list.len() == len(set(value)))
                case "contains_none":
                    parts.append(col.list.set_intersection(list(value)).list.len() == 0)
                case "present":
                    parts.append(col.is_not_null() if value else col.is_null())
        out = parts[0]
        for p in parts[1:]:
            out = out & p
        return out

    def describe(self) -> str:
        return " and ".join(f"{self.column} {op.replace('_', ' ')} {_show(v)}" for op, v in self.operators)


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """``any`` (at least one member holds) or ``all`` (every member holds) of other conditions."""

    mode: str
    members: tuple[Condition, ...]

    def expr(self) -> pl.Expr:
        exprs = [m.expr() for m in self.members]
        return pl.any_horizontal(exprs) if self.mode == "any" else pl.all_horizontal(exprs)

    def describe(self) -> str:
        joiner = " or " if self.mode == "any" else " and "
        return "(" + joiner.join(m.describe() for m in self.members) + ")"


Condition = Clause | Group


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _check_value(op: str, value: Any, kind: Kind, allowed: tuple[str, ...], where: str) -> list[str]:
    """Problems with one operator's value for a column of ``kind``."""
    if op == "present":
        return [] if isinstance(value, bool) else [f"{where}: 'present' takes true or false"]
    values = value if op in _LIST_OPERATORS else [value]
    if op in _LIST_OPERATORS and (not isinstance(value, list) or not value):
        return [f"{where}: {op!r} takes a non-empty list"]
    problems: list[str] = []
    for v in values:
        ok: bool
        if kind in (Kind.INT, Kind.FLOAT):
            # nan compares false with everything (nobody would pass, silently); a list of an int column
            # must hold whole numbers, which is all polars can look up in it.
            ok = (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                  and not (kind is Kind.INT and op in _LIST_OPERATORS and isinstance(v, float)))
        elif kind is Kind.DATE:
            ok = isinstance(v, dt.date) and not isinstance(v, dt.datetime)
        elif kind is Kind.BOOL:
            ok = isinstance(v, bool)
        else:
            ok = isinstance(v, str)
        if not ok:
            problems.append(f"{where}: {op!r} value {v!r} does not fit a {kind.value} column")
        elif allowed and isinstance(v, str) and v not in allowed:
            problems.append(f"{where}: {v!r} is not a value of the column (allowed: {', '.join(allowed)})")
    return problems


def parse_condition(raw: Any, schema: Schema, where: str) -> Condition:
    """Parse a condition from a mapping (as read from TOML); raise ConditionError listing every problem."""
    if not isinstance(raw, dict):
        raise ConditionError([f"{where}: a condition must be a table, not {type(raw).__name__}"])
    groups = [k for k in ("any", "all") if k in raw]
    if groups:
        extra = sorted(set(raw) - {"any", "all"})
        if len(groups) > 1 or extra:
            raise ConditionError([f"{where}: a group takes only one of 'any' or 'all', found {sorted(raw)}"])
        mode = groups[0]
        members_raw = raw[mode]
        if not isinstance(members_raw, list) or not members_raw:
            raise ConditionError([f"{where}: {mode!r} takes a non-empty list of conditions"])
        problems: list[str] = []
        members: list[Condition] = []
        for i, m in enumerate(members_raw):
            try:
                members.append(parse_condition(m, schema, f"{where}.{mode}[{i}]"))
            except ConditionError as e:
                problems.extend(e.problems)
        if problems:
            raise ConditionError(problems)
        return Group(mode=mode, members=tuple(members))

    column = raw.get("column")
    if not isinstance(column, str):
        raise ConditionError([f"{where}: a condition needs a 'column' (or an 'any'/'all' group)"])
    if column not in schema:
        raise ConditionError([f"{where}: unknown column {column!r}"])
    col = schema[column]
    ops = [(k, v) for k, v in raw.items() if k != "column"]
    problems = []
    if not ops:
        problems.append(f"{where}: no operator for column {column!r} (one of: {', '.join(OPERATORS)})")
    for op, value in ops:
        if op not in OPERATORS:
            problems.append(f"{where}: unknown operator {op!r} (one of: {', '.join(OPERATORS)})")
        elif col.kind not in OPERATORS[op]:
            problems.append(f"{where}: operator {op!r} does not apply to {column!r}, a {col.kind.value} column")
        else:
            problems.extend(_check_value(op, value, col.kind, col.allowed, where))
    if problems:
        raise ConditionError(problems)
    frozen = tuple((op, tuple(v) if isinstance(v, list) else v) for op, v in ops)
    return Clause(column=column, kind=col.kind, operators=frozen)
