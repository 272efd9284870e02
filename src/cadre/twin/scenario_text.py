"""Writing scenario entries back as TOML: a calibration's fitted values, with their intervals.

Two forms: an overlay scenario that extends the base and sets only the fitted parameters
(:func:`overlay_text`), and the base scenario's own file with those parameters' lines replaced in place,
comments and order kept (:func:`update_text`). Both results are parsed again before they are returned,
so a file that would not load is never written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from cadre.twin.scenario import ScenarioError, parse_scenario

__all__ = ["entry_line", "overlay_text", "update_text"]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"no TOML form for {value!r}")


def entry_line(name: str, entry: Mapping[str, Any]) -> str:
    """``name = { value = ..., source = ..., ... }`` on one line, keys in a fixed order."""
    order = ("value", "source", "interval", "prior", "note")
    parts = [f"{key} = {_toml(entry[key])}" for key in order if key in entry]
    return f"{name} = {{ {', '.join(parts)} }}"


def overlay_text(entries: Mapping[str, Mapping[str, Any]], *, base: str, scenario_id: str, title: str,
                 description: str) -> str:
    """A scenario that extends ``base`` and sets ``entries``; checked by parsing it."""
    lines = [f"id = {_toml(scenario_id)}", f"title = {_toml(title)}", f"extends = {_toml(base)}",
             f'description = """\n{description}"""', "", "[parameters]"]
    lines += [entry_line(name, entry) for name, entry in entries.items()]
    text = "\n".join(lines) + "\n"
    parse_scenario(text, source=f"{scenario_id} (written)")
    return text


def _literal(line: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: line


def update_text(text: str, entries: Mapping[str, Mapping[str, Any]], *, source: str) -> str:
    """``text`` (a scenario file) with the line of each parameter of ``entries`` replaced; checked by parsing."""
    out = text
    missing = []
    for name, entry in entries.items():
        pattern = re.compile(rf"^{re.escape(name)}\s*=\s*\{{.*\}}\s*$", re.MULTILINE)
        if not pattern.search(out):
            missing.append(name)
            continue
        # A function as the replacement, so that backslashes in a note are taken literally.
        out = pattern.sub(_literal(entry_line(name, entry)), out, count=1)
    if missing:
        raise ScenarioError(source, [f"parameters.{n}: no one-line entry to replace" for n in missing])
    parse_scenario(out, source=source)
    return out
