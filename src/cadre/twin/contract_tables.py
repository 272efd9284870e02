"""The tables one twin replicate hands to the output contract, with their schemas and checks.

A replicate of the twin ends with eight tables (:class:`RunTables`); :func:`cadre.twin.contract.build_document`
turns them into the document of SYSTEM.md §6 through the engine's analytics. Each table may be ``None``
when a run cannot measure it, and its part of the document is then null. The columns each table must have
are :data:`TABLE_COLUMNS`; extra columns are kept and ignored.

State vocabulary of the spells (:class:`ServiceState`) and how it maps to the headcounts of §6
(:data:`HEADCOUNT_STATES`):

=====================  =========  ========  ======  ===========
state                  rural_work on_farms  in_mts  farm_system
=====================  =========  ========  ======  ===========
farm                   yes        yes               yes
mts                    yes                  yes
state_farm             yes
district_office        yes                          yes
regional_office        yes                          yes
party_soviet_post      yes
waiting, study,
returned, unaccounted
=====================  =========  ========  ======  ===========
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from types import MappingProxyType

import polars as pl

from cadre.engine.analytics import check_outcomes
from cadre.engine.schema import PartyStatus, Recruitment, Sex
from cadre.twin.contract_shape import UNIONS

__all__ = ["HEADCOUNT_STATES", "TABLE_COLUMNS", "FarmType", "RunTables", "ServiceState"]


class ServiceState(StrEnum):
    """Where a worker is during one spell of field service (one row of the ``spells`` table)."""

    FARM = "farm"  # a post on a collective farm: chairman, board member, cell secretary, brigade leader
    MTS = "mts"  # a machine-tractor station
    STATE_FARM = "state_farm"  # a state farm, e.g. the internship before a chairmanship
    DISTRICT_OFFICE = "district_office"  # a district office of the collective-farm agency (Kolkhoztsentr)
    REGIONAL_OFFICE = "regional_office"  # an okrug or regional office of the agency
    PARTY_SOVIET_POST = "party_soviet_post"  # a district or regional party or soviet post
    WAITING = "waiting"  # arrived but without a post: idle in a regional or okrug center, in transit
    STUDY = "study"
    RETURNED = "returned"  # back at the factory, or gone for any other reason
    UNACCOUNTED = "unaccounted"  # lost from the placement agency's records


class FarmType(StrEnum):
    """The forms of collective farm (SYSTEM.md §8), the keys of the document's ``farm_types``."""

    KOMMUNA = "kommuna"
    ARTEL = "artel"
    TOZ = "toz"


_S = ServiceState
# §6: "rural_work = in any rural post (farms, stations, state farms, district and regional party, soviet
# or agency posts)"; "farm_system = on farms or in an office of the collective-farm agency". A worker who
# waits for a post holds none, so waiting counts in no headcount, like study and return.
HEADCOUNT_STATES: Mapping[str, tuple[ServiceState, ...]] = MappingProxyType(
    {
        "rural_work": (
            _S.FARM,
            _S.MTS,
            _S.STATE_FARM,
            _S.DISTRICT_OFFICE,
            _S.REGIONAL_OFFICE,
            _S.PARTY_SOVIET_POST,
        ),
        "on_farms": (_S.FARM,),
        "in_mts": (_S.MTS,),
        "farm_system": (_S.FARM, _S.DISTRICT_OFFICE, _S.REGIONAL_OFFICE),
    }
)

_ANY = None  # any dtype: identifiers may be text or integers, as the model prefers
_TEXT, _INT, _FLOAT, _DATE = pl.String(), pl.Int64(), pl.Float64(), pl.Date()
_FLOW: dict[str, pl.DataType | None] = {"from_region": _TEXT, "to_region": _TEXT, "n": _INT}

# The columns each table must have and the dtype it is read as (None: any dtype). Columns marked nullable
# below may hold nulls: a volunteer without a declaration date, a person who never arrived, an open spell.
TABLE_COLUMNS: Mapping[str, Mapping[str, pl.DataType | None]] = MappingProxyType(
    {
        "volunteers": {"person_id": _ANY, "source_region": _TEXT, "union": _TEXT, "declared_on": _DATE},
        "selected": {
            "person_id": _ANY,
            "source_region": _TEXT,
            "union": _TEXT,
            "sex": _TEXT,
            "age": _INT,
            "party_status": _TEXT,
            "years_at_factory": _FLOAT,
            "recruitment": _TEXT,
        },
        "planned_flows": _FLOW,
        "actual_flows": _FLOW,
        "arrivals": {"person_id": _ANY, "arrived_on": _DATE},
        "spells": {"person_id": _ANY, "state": _TEXT, "start": _DATE, "end": _DATE},
        "outcomes": {
            "person_id": _ANY,
            "source_region": _TEXT,
            "start": _DATE,
            "end": _DATE,
            "channel": _TEXT,
        },
        "coverage": {
            "date": _DATE,
            "region": _TEXT,
            "farm_type": _TEXT,
            "farms": _INT,
            "farms_with_worker": _INT,
        },
    }
)
# Unknown values are allowed here: the composition then counts the person in no band of that measure.
_NULLABLE = frozenset(
    {
        "declared_on",
        "arrived_on",
        "end",
        "channel",
        "sex",
        "age",
        "party_status",
        "years_at_factory",
        "recruitment",
    }
)
_VOCABULARY: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "union": UNIONS,
        "sex": tuple(v.value for v in Sex),
        "party_status": tuple(v.value for v in PartyStatus),
        "recruitment": tuple(v.value for v in Recruitment),
        "state": tuple(v.value for v in ServiceState),
        "farm_type": tuple(v.value for v in FarmType),
    }
)
# The columns that identify a row; a person appears once in each of these tables.
_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "volunteers": ("person_id",),
        "selected": ("person_id",),
        "arrivals": ("person_id",),
        "outcomes": ("person_id",),
        "coverage": ("date", "region", "farm_type"),
    }
)
_NON_NEGATIVE = ("n", "farms", "farms_with_worker")


@dataclass(frozen=True, slots=True, kw_only=True)
class RunTables:
    """The tables of one twin replicate; ``None`` for a table the run cannot measure.

    - ``volunteers``: everyone who declared; person_id, source_region, union, declared_on.
    - ``selected``: the personal files of everyone selected and sent (any personal-file columns; at least
      person_id, source_region, union, sex, age, party_status, years_at_factory, recruitment).
    - ``planned_flows`` and ``actual_flows``: from_region, to_region, n (rows of one pair are added up).
    - ``arrivals``: person_id, arrived_on (null: never arrived).
    - ``spells``: person_id, state (a :class:`ServiceState`), start, end (exclusive; null: still open).
      A person's spells must not overlap.
    - ``outcomes``: one row per person placed; person_id, source_region, start, end and channel (an exit
      channel; both null while serving), as the engine's exits analytics read it.
    - ``coverage``: farm counts at snapshot dates; date, region (where the farms are), farm_type,
      farms, farms_with_worker (farms where at least one worker of the campaign serves).

    Construction checks every table and raises ``ValueError`` listing every problem at once (a model that
    produces a bad table has a bug); columns are cast to the dtypes of :data:`TABLE_COLUMNS`.
    """

    volunteers: pl.DataFrame | None = None
    selected: pl.DataFrame | None = None
    planned_flows: pl.DataFrame | None = None
    actual_flows: pl.DataFrame | None = None
    arrivals: pl.DataFrame | None = None
    spells: pl.DataFrame | None = None
    outcomes: pl.DataFrame | None = None
    coverage: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        for field in fields(self):
            frame = getattr(self, field.name)
            if frame is None:
                continue
            if not isinstance(frame, pl.DataFrame):
                problems.append(f"{field.name}: expected a polars DataFrame, got {type(frame).__name__}")
                continue
            checked = _check_table(field.name, frame, problems)
            # Frozen, so that the tables cannot change once checked: the checked copy (with its columns
            # cast) takes the caller's frame's place here, before anyone reads it.
            object.__setattr__(self, field.name, checked)
        if problems:
            raise ValueError("RunTables: " + "; ".join(problems))

    def regions_used(self) -> dict[str, set[str]]:
        """Every region code in the tables, by ``table.column``: for checking against a vocabulary."""
        columns = {
            "volunteers": ("source_region",),
            "selected": ("source_region",),
            "planned_flows": ("from_region", "to_region"),
            "actual_flows": ("from_region", "to_region"),
            "outcomes": ("source_region",),
            "coverage": ("region",),
        }
        used: dict[str, set[str]] = {}
        for name, cols in columns.items():
            frame = getattr(self, name)
            for col in cols if frame is not None else ():
                used[f"{name}.{col}"] = set(frame.get_column(col).drop_nulls().unique().to_list())
        return used


def _check_table(name: str, frame: pl.DataFrame, problems: list[str]) -> pl.DataFrame:
    """Cast ``frame`` to its table's dtypes and append every problem found to ``problems``."""
    spec = TABLE_COLUMNS[name]
    missing = [c for c in spec if c not in frame.columns]
    if missing:
        problems.append(f"{name}: missing column(s) {', '.join(missing)}")
        return frame
    casts, unreadable = [], []
    for column, dtype in spec.items():
        if dtype is None or frame.schema[column] == dtype:
            continue
        try:
            casts.append(frame.get_column(column).cast(dtype, strict=True))
        except (pl.exceptions.PolarsError, ValueError):
            unreadable.append(
                f"{name}: column {column!r} cannot be read as {dtype} (it is {frame.schema[column]})"
            )
    if unreadable:
        # The checks below compare values of the declared dtypes; on other dtypes they would only add noise.
        problems.extend(unreadable)
        return frame
    frame = frame.with_columns(casts) if casts else frame
    for column in spec:
        if column not in _NULLABLE and frame.get_column(column).null_count():
            problems.append(f"{name}: column {column!r} has {frame.get_column(column).null_count()} null(s)")
        allowed = _VOCABULARY.get(column)
        if allowed is not None:
            values = frame.get_column(column).drop_nulls().unique()
            unknown = sorted(set(values.to_list()) - set(allowed))
            if unknown:
                problems.append(f"{name}: column {column!r} has value(s) {unknown} outside {list(allowed)}")
        if column in _NON_NEGATIVE and (frame.get_column(column) < 0).any():
            problems.append(f"{name}: column {column!r} has negative values")
    keys = _KEYS.get(name)
    if keys and frame.select(keys).is_duplicated().any():
        problems.append(f"{name}: {', '.join(keys)} must identify a row, and some appear more than once")
    if name == "coverage" and (frame.get_column("farms_with_worker") > frame.get_column("farms")).any():
        problems.append("coverage: farms_with_worker exceeds farms in some rows")
    if name == "spells":
        _check_spells(frame, problems)
    if name == "outcomes":
        try:
            check_outcomes(frame, extra=["source_region"])
        except ValueError as error:
            problems.append(str(error))
    return frame


def _check_spells(spells: pl.DataFrame, problems: list[str]) -> None:
    """A spell ends after it starts, and a person's spells follow one another without overlapping."""
    if (spells.get_column("end") < spells.get_column("start")).any():
        problems.append("spells: some spell ends before it starts")
    # The engine counts a person once per spell; overlapping spells would count one worker twice.
    ordered = spells.sort("person_id", "start")
    previous_end = pl.col("end").shift(1).over("person_id")
    first = pl.int_range(pl.len()).over("person_id") == 0
    overlap = ordered.filter(~first & (previous_end.is_null() | (previous_end > pl.col("start"))))
    if overlap.height:
        ids = overlap.get_column("person_id").unique(maintain_order=True).head(10).to_list()
        problems.append(f"spells: overlapping spells for person_id(s) {ids}")
