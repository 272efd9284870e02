"""A campaign's schema, rulebook and ladder, as engine objects."""

from __future__ import annotations

from functools import cache, lru_cache

from cadre import record
from cadre.engine.rulebook import Rulebook, RulebookError, parse_rulebook
from cadre.engine.schema import UNIONS_1929, Schema, personal_file_schema
from cadre.engine.screening import LADDER_1929, Ladder
from cadre.io import rulebook_source

__all__ = ["LADDERS", "ladder", "region_codes", "rulebook_parse", "schema", "template_rulebook_text"]

#: The screening ladders a campaign may use, by version.
LADDERS: dict[str, Ladder] = {LADDER_1929.version: LADDER_1929}


@cache
def region_codes() -> tuple[str, ...]:
    """The region codes of the record (``LEN``, ``MOS``...): every campaign's vocabulary of regions."""
    return tuple(record.regions().get_column("code").to_list())


@cache
def schema() -> Schema:
    """The personal-file schema of workspace campaigns: the record's regions, the 1929 unions."""
    return personal_file_schema(regions=region_codes(), unions=UNIONS_1929)


def ladder(version: str) -> Ladder:
    """The screening ladder of a campaign (``KeyError`` for an unknown version)."""
    return LADDERS[version]


def template_rulebook_text(template: str) -> str:
    """The TOML text of a bundled rulebook (the template's own)."""
    return rulebook_source(template)[0]


@lru_cache(maxsize=64)
def rulebook_parse(text: str, *, source: str = "rulebook") -> Rulebook:
    """Parse and check a rulebook's TOML against the schema; raises ``RulebookError`` saying what is wrong."""
    return parse_rulebook(text, schema(), source=source)


__all__ += ["RulebookError"]
