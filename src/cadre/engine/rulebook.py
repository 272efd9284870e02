"""Rulebooks: a campaign's criteria and cohort targets as versioned data (TOML).

A rulebook has person-level **criteria** (a candidate who fails one is not eligible; the criterion's code is
the reason) and cohort-level **targets** (shares over everyone selected, hard or soft). The format is
documented in docs/rulebooks.md. Parsing checks the rulebook against the personal-file schema and reports
every problem at once, each naming its place; contradictory criteria or targets are errors.

A rulebook is identified by ``id``, ``version`` and a fingerprint of its content, so that a decision stored
with :attr:`Rulebook.ref` can be recomputed and explained later.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from cadre.engine.conditions import Clause, Condition, ConditionError, parse_condition
from cadre.engine.problems import DocumentError
from cadre.engine.schema import Schema

__all__ = ["FORMAT", "MAX_CRITERIA", "Criterion", "Rulebook", "RulebookError", "Target", "parse_rulebook"]

FORMAT = 1
# Eligibility packs each person's failed criteria into the bits of one 64-bit integer.
MAX_CRITERIA = 62
_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
_TOP_KEYS = {"format", "id", "version", "title", "description", "criteria", "targets"}
_CRITERION_KEYS = {"code", "label", "historical", "category", "missing", "when"}
_TARGET_KEYS = {"code", "label", "min_share", "max_share", "hard", "penalty", "historical"}


class RulebookError(DocumentError):
    """A rulebook that cannot be used. ``problems`` lists every problem, each naming its place."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """A person-level rule. Failing it makes a candidate ineligible, with ``code`` as the reason."""

    code: str
    label: str
    condition: Condition
    # A rule that applies only to some candidates (e.g. "a party member's reference comes from the cell").
    when: Condition | None = None
    missing_passes: bool = False
    historical: bool = False
    category: str = ""

    def passes(self) -> pl.Expr:
        """True where the candidate meets the rule; a missing value fails unless ``missing_passes``."""
        holds = self.condition.expr().fill_null(self.missing_passes)
        if self.when is None:
            return holds
        return ~self.when.expr().fill_null(False) | holds


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A cohort-level target: the share of the selected who meet ``condition`` must lie in bounds."""

    code: str
    label: str
    condition: Condition
    min_share: float | None = None
    max_share: float | None = None
    hard: bool = False
    # Soft targets: cost of each person short of the target, in units of committee-judged quality.
    penalty: float = 1.0
    historical: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Rulebook:
    """A versioned set of criteria and cohort targets."""

    id: str
    version: str
    title: str
    description: str
    criteria: tuple[Criterion, ...]
    targets: tuple[Target, ...]
    fingerprint: str

    @property
    def ref(self) -> str:
        """The identity stored with every decision: ``id@version#fingerprint``."""
        return f"{self.id}@{self.version}#{self.fingerprint}"

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(f"rulebook {self.ref} has no criterion {code!r}")

    def without_historical(self) -> Rulebook:
        """The same rulebook less the rules kept only as historical data (SYSTEM.md §7)."""
        return Rulebook(
            id=self.id, version=self.version, title=self.title, description=self.description,
            criteria=tuple(c for c in self.criteria if not c.historical),
            targets=tuple(t for t in self.targets if not t.historical),
            fingerprint=self.fingerprint + "-h",
        )


def _fingerprint(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _code_problems(code: Any, where: str, seen: set[str]) -> list[str]:
    if not isinstance(code, str) or not code or not set(code) <= _CODE_CHARS:
        return [f"{where}: 'code' must be a non-empty lower_snake_case string, got {code!r}"]
    if code in seen:
        return [f"{where}: duplicate code {code!r}"]
    seen.add(code)
    return []


def _share(value: Any, key: str, where: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        problems.append(f"{where}: {key!r} must be a share between 0 and 1, got {value!r}")
        return None
    return float(value)


def _entries(data: dict[str, Any], key: str, seen: set[str], problems: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The tables of an array of tables (``[[criteria]]``), each with its place; malformed ones are reported."""
    raw_entries = data.get(key, [])
    if not isinstance(raw_entries, list):
        problems.append(f"{key!r} must be an array of tables ([[{key}]])")
        return
    for i, raw in enumerate(raw_entries):
        where = f"{key}[{i}]" + (f" ({raw.get('code')!r})" if isinstance(raw, dict) else "")
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a table")
            continue
        problems.extend(_code_problems(raw.get("code"), where, seen))
        yield where, raw


def parse_rulebook(text: str, schema: Schema, *, source: str = "<rulebook>") -> Rulebook:
    """Parse and check a TOML rulebook against ``schema``; raise :class:`RulebookError` with every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulebookError(source, [f"not valid TOML: {e}"]) from None
    problems: list[str] = []
    for key in sorted(set(data) - _TOP_KEYS):
        problems.append(f"unknown key {key!r} (allowed: {', '.join(sorted(_TOP_KEYS))})")
    if data.get("format", FORMAT) != FORMAT:
        problems.append(f"format {data.get('format')!r} is not supported (this cadre reads format {FORMAT})")
    for key in ("id", "version", "title"):
        if not isinstance(data.get(key), str) or not data.get(key):
            problems.append(f"{key!r} is required and must be a non-empty string")

    seen: set[str] = set()
    criteria: list[Criterion] = []
    for where, raw in _entries(data, "criteria", seen, problems):
        body = {k: v for k, v in raw.items() if k not in _CRITERION_KEYS}
        missing = raw.get("missing", "fail")
        if missing not in ("fail", "pass"):
            problems.append(f"{where}: 'missing' must be \"fail\" or \"pass\", got {missing!r}")
        try:
            condition = parse_condition(body, schema, where)
            when = parse_condition(raw["when"], schema, f"{where}.when") if "when" in raw else None
        except ConditionError as e:
            problems.extend(e.problems)
            continue
        criteria.append(Criterion(
            code=str(raw.get("code")), label=str(raw.get("label", raw.get("code"))), condition=condition, when=when,
            missing_passes=missing == "pass", historical=bool(raw.get("historical", False)),
            category=str(raw.get("category", "")),
        ))

    if len(criteria) > MAX_CRITERIA:
        problems.append(f"{len(criteria)} criteria: a rulebook holds at most {MAX_CRITERIA}; group rules with 'any'/'all'")

    targets: list[Target] = []
    for where, raw in _entries(data, "targets", seen, problems):
        lo = _share(raw.get("min_share"), "min_share", where, problems)
        hi = _share(raw.get("max_share"), "max_share", where, problems)
        if lo is None and hi is None and "min_share" not in raw and "max_share" not in raw:
            problems.append(f"{where}: a target needs 'min_share' or 'max_share'")
        if lo is not None and hi is not None and lo > hi:
            problems.append(f"{where}: min_share {lo} is above max_share {hi}")
        penalty = raw.get("penalty", 1.0)
        if isinstance(penalty, bool) or not isinstance(penalty, (int, float)) or penalty < 0 or not math.isfinite(penalty):
            problems.append(f"{where}: 'penalty' must be a non-negative number, got {penalty!r}")
            penalty = 1.0
        body = {k: v for k, v in raw.items() if k not in _TARGET_KEYS}
        try:
            condition = parse_condition(body, schema, where)
        except ConditionError as e:
            problems.extend(e.problems)
            continue
        targets.append(Target(
            code=str(raw.get("code")), label=str(raw.get("label", raw.get("code"))), condition=condition,
            min_share=lo, max_share=hi, hard=bool(raw.get("hard", False)), penalty=float(penalty),
            historical=bool(raw.get("historical", False)),
        ))

    # Contradictions are looked for among the rules that did parse, so that they are reported together
    # with every other problem rather than after the others are fixed.
    problems.extend(_contradictions(criteria, targets, schema))
    if problems:
        raise RulebookError(source, problems)
    return Rulebook(
        id=data["id"], version=data["version"], title=data["title"], description=str(data.get("description", "")),
        criteria=tuple(criteria), targets=tuple(targets), fingerprint=_fingerprint(data),
    )


def _contradictions(criteria: list[Criterion], targets: list[Target], schema: Schema) -> list[str]:
    """Criteria that no candidate can meet together, and targets that no cohort can meet."""
    from cadre.engine.feasible import Domain  # local: the domain algebra is only needed here

    problems: list[str] = []
    domains: dict[str, Domain] = {}
    owners: dict[str, list[str]] = {}
    for crit in criteria:
        if crit.when is not None or not isinstance(crit.condition, Clause) or crit.missing_passes:
            continue  # only unconditional single-column rules narrow a column for everyone
        test = crit.condition
        dom = domains.get(test.column, Domain.full(schema[test.column]))
        narrowed = dom.narrow(test)
        owners.setdefault(test.column, []).append(crit.code)
        if narrowed.empty and not dom.empty:
            problems.append(
                f"criteria {', '.join(repr(o) for o in owners[test.column])} contradict each other: no value of "
                f"{test.column!r} meets them all, so nobody could be eligible"
            )
        domains[test.column] = narrowed
    # Targets over one enumerated column whose value sets are disjoint cannot ask for more than everyone.
    disjoint: dict[str, list[tuple[frozenset[Any], Target]]] = {}
    for t in targets:
        cond = t.condition
        if not isinstance(cond, Clause):
            continue
        admitted = domains.get(cond.column)
        if t.min_share and admitted is not None and admitted.narrow(cond).empty:
            problems.append(
                f"target {t.code!r} asks for at least {t.min_share:.0%} with {cond.describe()}, "
                f"but the criteria {', '.join(repr(o) for o in owners.get(cond.column, []))} exclude everyone who has it"
            )
        values = Domain.full(schema[cond.column]).narrow(cond).values
        if t.min_share and values is not None:
            disjoint.setdefault(cond.column, []).append((values, t))
    for column, entries in disjoint.items():
        union: set[Any] = set()
        if sum(len(v) for v, _ in entries) != len(union.union(*(v for v, _ in entries))):
            continue
        total = sum(t.min_share or 0.0 for _, t in entries)
        if total > 1 + 1e-9:
            names = ", ".join(repr(t.code) for _, t in entries)
            problems.append(f"targets {names} on {column!r} ask for {total:.0%} of the cohort together; at most 100% is possible")
    return problems
