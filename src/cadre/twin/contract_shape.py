"""The shape of the twin's output document (SYSTEM.md §6): its fixed keys, dates, and kinds of numbers.

The document is plain JSON: nested objects whose leaves are numbers or null. Three questions about a leaf
recur in building, aggregating, validating and comparing documents, and this module answers each once:

- is it a **share** (a fraction in [0, 1]) or a **count** (people, farms)? See :func:`is_share`.
- when a document lacks it, is it 0 or unknown? See :func:`absent_means_zero`: a region, union or
  origin-destination pair that a map of counts lacks had nobody in it; a date a document lacks was not
  measured, a share it lacks has nothing to divide, and a fixed key it lacks is a broken document.
- how is it written in a message? See :func:`format_path`: ``$.arrivals.1930-02-02``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from cadre import record
from cadre.engine.analytics import CATEGORIES, ExitChannel
from cadre.engine.schema import UNIONS_1929

__all__ = [
    "CHANNELS",
    "DATED_MAPS",
    "HEADCOUNT_KEYS",
    "REQUIRED_DATES",
    "SECTIONS",
    "SHARE_KEYS",
    "UNIONS",
    "ContractDates",
    "Document",
    "Path",
    "absent_means_zero",
    "format_path",
    "is_share",
    "leaves",
    "record_regions",
]

# A document as Python holds it: what json.loads returns for the contract.
Document = dict[str, Any]
# The keys from the document's root to a node, e.g. ("headcount", "1930-07-01", "on_farms").
Path = tuple[str, ...]

# The unions of §6, always all six, in this order.
UNIONS: tuple[str, ...] = UNIONS_1929
# The keys of SHARES, in the order of the engine's composition categories (male is not reported).
SHARE_KEYS: tuple[str, ...] = tuple(c.share for c in CATEGORIES if c.share is not None)
CHANNELS: tuple[str, ...] = tuple(c.value for c in ExitChannel)
HEADCOUNT_KEYS: tuple[str, ...] = ("rural_work", "on_farms", "in_mts", "farm_system")
# The measurement sections, in the order of §6; ``ci90`` repeats exactly these.
SECTIONS: tuple[str, ...] = (
    "volunteers",
    "selected",
    "composition",
    "flows",
    "arrivals",
    "headcount",
    "exits",
    "coverage",
    "farm_types",
)
# The maps keyed by ISO dates; exits has its dates one level down, in by_channel_until.
DATED_MAPS: tuple[Path, ...] = (
    ("arrivals",),
    ("headcount",),
    ("exits", "by_channel_until"),
    ("coverage",),
    ("farm_types",),
)
_SHARE_SECTIONS = frozenset({"composition", "coverage", "farm_types"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractDates:
    """The dates at which a document reports each dated section.

    The defaults are the dates §6 requires. A run may ask for more (weekly arrivals for a chart, say);
    :meth:`with_required` adds the required dates back so that a document always validates.
    """

    arrivals: tuple[date, ...] = (date(1930, 2, 2), date(1930, 2, 9), date(1930, 2, 15))
    headcount: tuple[date, ...] = (date(1930, 7, 1), date(1931, 4, 1), date(1932, 7, 1), date(1933, 1, 1))
    exits: tuple[date, ...] = (
        date(1930, 7, 1),
        date(1930, 10, 1),
        date(1931, 4, 1),
        date(1931, 8, 1),
        date(1932, 7, 1),
        date(1933, 1, 1),
    )
    coverage: tuple[date, ...] = (date(1930, 7, 1), date(1931, 6, 1))
    farm_types: tuple[date, ...] = (date(1930, 7, 1),)

    def with_required(self) -> ContractDates:
        """These dates together with the required ones, each once and sorted."""

        def merged(mine: tuple[date, ...], required: tuple[date, ...]) -> tuple[date, ...]:
            return tuple(sorted({*mine, *required}))

        return ContractDates(
            arrivals=merged(self.arrivals, REQUIRED_DATES.arrivals),
            headcount=merged(self.headcount, REQUIRED_DATES.headcount),
            exits=merged(self.exits, REQUIRED_DATES.exits),
            coverage=merged(self.coverage, REQUIRED_DATES.coverage),
            farm_types=merged(self.farm_types, REQUIRED_DATES.farm_types),
        )


REQUIRED_DATES = ContractDates()


def record_regions() -> tuple[str, ...]:
    """The region codes of the record (``regions.csv``), in its order: the default vocabulary of a run."""
    return tuple(record.regions().get_column("code").to_list())


def is_share(path: Path) -> bool:
    """True where the leaf at ``path`` is a fraction in [0, 1]; every other number is a count."""
    if not path:
        return False
    return path[0] in _SHARE_SECTIONS or path[:2] == ("selected", "mobilized_share")


def absent_means_zero(path: Path) -> bool:
    """True where the leaf at ``path`` is a count in a map keyed by region, union or origin-destination pair.

    Such a map lists who was there, so a key it lacks is a count of 0. Everywhere else a lacking key is
    unknown: dates (a cumulative count at an unreported date), shares, and the fixed keys of §6.
    """
    if len(path) < 2 or is_share(path):
        return False
    return path[0] == "flows" or path[-2] in ("by_source_region", "by_union")


def format_path(path: Path) -> str:
    """The path as written in problems and in the targets table: ``$`` then the keys joined by dots."""
    return "$" + "".join(f".{key}" for key in path)


def leaves(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every leaf under ``node`` (anything that is not a dict), with its path, in the document's order."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield from leaves(child, (*path, str(key)))
    else:
        yield path, node
