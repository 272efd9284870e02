"""The inputs that ship with cadre: rulebooks (and, with the twin, scenarios), read from package data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cadre.engine.rulebook import Rulebook, parse_rulebook
from cadre.engine.schema import Schema

__all__ = ["bundled_rulebooks", "load_rulebook", "rulebook_source"]


def bundled_rulebooks() -> list[str]:
    """Names of the rulebooks that ship with cadre (usable wherever a rulebook path is expected)."""
    folder = resources.files("cadre.io") / "rulebooks"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def rulebook_source(name_or_path: str | Path) -> tuple[str, str]:
    """Return (text, source name) of a bundled rulebook by name, or of a rulebook file by path."""
    name = str(name_or_path)
    if name in bundled_rulebooks():
        text = (resources.files("cadre.io") / "rulebooks" / f"{name}.toml").read_text(encoding="utf-8")
        return text, f"{name} (bundled)"
    path = Path(name_or_path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no such rulebook file, and not a bundled rulebook ({', '.join(bundled_rulebooks())})"
        )
    return path.read_text(encoding="utf-8"), str(path)


def load_rulebook(name_or_path: str | Path, schema: Schema) -> Rulebook:
    """Load and check a rulebook (bundled name or file path) against a personal-file schema."""
    text, source = rulebook_source(name_or_path)
    return parse_rulebook(text, schema, source=source)
