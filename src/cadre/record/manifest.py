"""The provenance of the record: ``data/manifest.toml`` read into frozen objects.

The manifest is the one place that says where each table comes from and which defects of the sources it
carries. The checks read their list of known defects from it, so a defect is documented and recognised by
the same entry.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from cadre.record.findings import Code, Declared

__all__ = ["Defect", "TableInfo", "data_file", "manifest"]

_PACKAGE = "cadre.record"
_DATA = "data"


@dataclass(frozen=True, slots=True, kw_only=True)
class Defect:
    """A defect of a source that a check can see; ``code`` and ``key`` match it with its finding."""

    code: Code
    key: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TableInfo:
    """What the manifest says about one table: its file, what it holds and where it comes from."""

    name: str
    file: str
    title: str
    holds: str
    source: str
    defects: tuple[Defect, ...]
    caveats: tuple[str, ...]

    @property
    def declared(self) -> Declared:
        """The table's known defects as ``(code, key)`` pairs, the form the checks match against."""
        return frozenset((d.code, d.key) for d in self.defects)


def data_file(name: str) -> bytes:
    """The bytes of one file of the package's data folder, wherever the package is installed."""
    return resources.files(_PACKAGE).joinpath(_DATA, name).read_bytes()


def _text(entry: Mapping[str, Any], field: str, where: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str) or not value:
        raise ValueError(f"manifest.toml, {where}: '{field}' must be a non-empty string")
    return value


def _table(name: str, entry: Mapping[str, Any]) -> TableInfo:
    where = f"[tables.{name}]"
    defects = tuple(
        Defect(
            code=Code(_text(d, "code", where)),
            key=_text(d, "key", where),
            text=_text(d, "text", where),
        )
        for d in entry.get("defects", [])
    )
    caveats = entry.get("caveats", [])
    if not isinstance(caveats, list) or not all(isinstance(c, str) for c in caveats):
        raise ValueError(f"manifest.toml, {where}: 'caveats' must be a list of strings")
    return TableInfo(
        name=name,
        file=_text(entry, "file", where),
        title=_text(entry, "title", where),
        holds=_text(entry, "holds", where),
        source=_text(entry, "source", where),
        defects=defects,
        caveats=tuple(caveats),
    )


@cache
def manifest() -> Mapping[str, TableInfo]:
    """Every table of the record by name, in the manifest's order.

    A malformed manifest is a programmer error (it ships with the package), so it raises ``ValueError``.
    """
    document = tomllib.loads(data_file("manifest.toml").decode("utf-8"))
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise ValueError("manifest.toml: no [tables.*] sections")
    return MappingProxyType({name: _table(name, entry) for name, entry in tables.items()})
