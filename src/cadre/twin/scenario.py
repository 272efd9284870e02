"""Scenarios: every parameter of the twin with its value, its source and the reason for it.

A scenario is a TOML file. It names itself, may extend another scenario (``extends = "ussr-1929"``) and
overrides only what it changes; every parameter carries a ``source`` (a record id, a section of
SYSTEM.md, "assumption" or "calibrated") and a ``note``. :data:`PARAMETERS` declares every parameter the
model reads, with its kind, default and bounds, so that a scenario that misspells a name, gives a value of
the wrong kind or out of bounds is refused with every problem named.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cadre.engine.problems import DocumentError
from cadre.twin.parameters import PARAMETERS, Parameter

__all__ = ["Scenario", "ScenarioError", "bundled_scenarios", "load_scenario", "parse_scenario"]

_TOP = {"id", "title", "description", "extends", "parameters"}
_ENTRY = {"value", "source", "note", "interval", "prior"}


class ScenarioError(DocumentError):
    """A scenario that cannot be used; ``problems`` names every problem with its place."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A complete set of parameter values, each with where it came from."""

    id: str
    title: str
    description: str
    values: dict[str, Any]
    sources: dict[str, str]
    notes: dict[str, str]
    chain: tuple[str, ...]  # this scenario, then what it extends
    # Calibrated parameters: the posterior's 90% interval (p5, p95) beside the value (its median).
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def changed_from(self, other: Scenario) -> dict[str, tuple[Any, Any]]:
        """Parameters whose values differ from ``other``: name -> (other's value, this value)."""
        return {k: (other.values[k], v) for k, v in self.values.items() if other.values.get(k) != v}


def _check(param: Parameter, value: Any, where: str) -> str | None:
    kind = param.kind
    if kind == "date":
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            return f"{where}: {param.name} takes a date (YYYY-MM-DD), not {value!r}"
        return None
    if kind == "regions":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"{where}: {param.name} takes a list of region codes, not {value!r}"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else f"{where}: {param.name} takes true or false, not {value!r}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{where}: {param.name} takes a number, not {value!r}"
    if not math.isfinite(value):
        # nan compares false with both bounds, so it would pass them unseen.
        return f"{where}: {param.name} takes a finite number, not {value!r}"
    if kind == "int" and not float(value).is_integer():
        return f"{where}: {param.name} takes a whole number, not {value!r}"
    if param.low is not None and value < param.low:
        return f"{where}: {param.name} = {value} is below its lower bound {param.low}"
    if param.high is not None and value > param.high:
        return f"{where}: {param.name} = {value} is above its upper bound {param.high}"
    return None


def _pair(value: Any) -> tuple[float, float] | None:
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value) and value[0] <= value[1]):
        return float(value[0]), float(value[1])
    return None


def _bounds(entry: dict[str, Any], name: str, where: str, problems: list[str]) -> tuple[float, float] | None:
    """The ``interval`` of a calibrated value (and its ``prior``), checked; None where there is none."""
    for key in ("interval", "prior"):
        if key in entry and _pair(entry[key]) is None:
            problems.append(f"{where}: {key} must be two numbers [low, high] with low <= high, not {entry[key]!r}")
            return None
    if "interval" not in entry:
        return None
    if entry.get("source") != "calibrated":
        problems.append(f"{where}: an interval belongs to a calibrated value (source = \"calibrated\")")
        return None
    low, high = _pair(entry["interval"]) or (0.0, 0.0)
    value = entry["value"]
    if isinstance(value, int | float) and not isinstance(value, bool) and not low <= value <= high:
        problems.append(f"{where}: the value {value} lies outside its interval [{low}, {high}]")
        return None
    return low, high


def parse_scenario(text: str, *, source: str, resolve: Any = None) -> Scenario:
    """Parse a scenario; ``resolve(name) -> Scenario`` loads what it extends (bundled ones by default)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(source, [f"not valid TOML: {e}"]) from None
    problems = [f"unknown key {k!r} (allowed: {', '.join(sorted(_TOP))})" for k in sorted(set(data) - _TOP)]
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append(f"{key!r} is required and must be a non-empty string")
    base: Scenario | None = None
    if "extends" in data:
        try:
            base = (resolve or load_scenario)(str(data["extends"]))
        except (ScenarioError, OSError, UnicodeError) as e:
            # OSError: a name no file system takes (too long); UnicodeError: a file that is not UTF-8 text.
            problems.append(f"extends {data['extends']!r}: {e}")
    values: dict[str, Any] = {} if base is None else dict(base.values)
    sources: dict[str, str] = {} if base is None else dict(base.sources)
    notes: dict[str, str] = {} if base is None else dict(base.notes)
    intervals: dict[str, tuple[float, float]] = {} if base is None else dict(base.intervals)
    raw = data.get("parameters", {})
    if not isinstance(raw, dict):
        problems.append("'parameters' must be a table")
        raw = {}
    for name, entry in raw.items():
        where = f"parameters.{name}"
        if name not in PARAMETERS:
            problems.append(f"{where}: unknown parameter (see `cadre twin parameters`)")
            continue
        if not isinstance(entry, dict) or "value" not in entry:
            problems.append(f"{where}: write it as {{ value = ..., source = \"...\", note = \"...\" }}")
            continue
        extra = sorted(set(entry) - _ENTRY)
        if extra:
            problems.append(f"{where}: unknown key(s) {extra}")
        if not isinstance(entry.get("source", ""), str) or not entry.get("source"):
            problems.append(f"{where}: every value needs a 'source' (a record id, a section, \"assumption\")")
        problem = _check(PARAMETERS[name], entry["value"], where)
        if problem:
            problems.append(problem)
            continue
        bounds = _bounds(entry, name, where, problems)
        values[name] = entry["value"]
        sources[name] = str(entry.get("source", ""))
        notes[name] = str(entry.get("note", ""))
        intervals.pop(name, None)
        if bounds is not None:
            intervals[name] = bounds
    if base is None and "extends" not in data:
        missing = [name for name in PARAMETERS if name not in values]
        if missing:
            problems.append(f"a scenario that extends none must set every parameter; missing: {', '.join(missing)}")
    if problems:
        raise ScenarioError(source, problems)
    chain = (data["id"], *(base.chain if base else ()))
    return Scenario(id=data["id"], title=data["title"], description=str(data.get("description", "")),
                    values=values, sources=sources, notes=notes, chain=chain, intervals=intervals)


def bundled_scenarios() -> list[str]:
    """Names of the scenarios that ship with cadre."""
    folder = resources.files("cadre.twin") / "scenarios"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


# The scenarios being loaded by this thread, outermost first: a file that extends itself, directly or
# through others, is refused instead of recursing without end.
_loading = threading.local()


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A bundled scenario by name, or a scenario file by path."""
    name = str(name_or_path)
    if name in bundled_scenarios():
        text = (resources.files("cadre.twin") / "scenarios" / f"{name}.toml").read_text(encoding="utf-8")
        return parse_scenario(text, source=f"{name} (bundled)")
    path = Path(name_or_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such scenario file, and not a bundled scenario "
                                f"({', '.join(bundled_scenarios())})")
    key = str(path.resolve())
    chain: list[str] = _loading.__dict__.setdefault("chain", [])
    if key in chain:
        raise ScenarioError(str(path), [f"extends itself: {' -> '.join([*chain, key])}"])
    chain.append(key)
    try:
        return parse_scenario(path.read_text(encoding="utf-8"), source=str(path))
    finally:
        chain.pop()
