"""The personal file: the questionnaire of SYSTEM.md §3.3 as a table schema.

A personal file is one row. The schema says, for every column, its kind, whether it is required and which
values it may take. Region and union vocabularies belong to a campaign, so a schema is built for one
(:func:`personal_file_schema`); the 1929 unions are the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class PartyStatus(StrEnum):
    PARTY = "party"
    KOMSOMOL = "komsomol"
    NONPARTY = "nonparty"


class VillageTie(StrEnum):
    """How a worker is tied to the land; anything but NONE fails the 1929 criterion."""

    NONE = "none"
    FAMILY = "family"  # immediate family living in the village
    FARM = "farm"  # owns a farm or a household plot in the village
    COMMUTER = "commuter"  # lives in a nearby village and commutes to the factory
    RECENT_ARRIVAL = "recent_arrival"  # came from the countryside only recently


class Education(StrEnum):
    ILLITERATE = "illiterate"
    LITERATE = "literate"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    HIGHER = "higher"


class Health(StrEnum):
    FIT = "fit"
    LIMITED = "limited"
    UNFIT = "unfit"


class Recruitment(StrEnum):
    VOLUNTEERED = "volunteered"
    MOBILIZED = "mobilized"


class ReferenceFrom(StrEnum):
    PARTY_CELL = "party_cell"
    FACTORY_COMMITTEE = "factory_committee"
    NONE = "none"


class ActivistRole(StrEnum):
    FACTORY_COMMITTEE = "factory_committee"
    SHOP_BUREAU = "shop_bureau"
    SHOCK_WORKER = "shock_worker"
    PARTY_WORK = "party_work"
    UNION_WORK = "union_work"
    KOMSOMOL_WORK = "komsomol_work"
    PATRONAGE_BRIGADE = "patronage_brigade"
    WORKER_CORRESPONDENT = "worker_correspondent"


UNIONS_1929: tuple[str, ...] = ("metalworkers", "textile", "railroad", "miners", "chemical", "other")


class Kind(StrEnum):
    """How a column is typed once validated."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    ENUM = "enum"  # one value of a closed vocabulary
    ENUM_LIST = "enum_list"  # several values of a closed vocabulary; ";"-separated in text files


DTYPES: dict[Kind, pl.DataType] = {
    Kind.TEXT: pl.String(),
    Kind.INT: pl.Int64(),
    Kind.FLOAT: pl.Float64(),
    Kind.BOOL: pl.Boolean(),
    Kind.DATE: pl.Date(),
    Kind.ENUM: pl.String(),
    Kind.ENUM_LIST: pl.List(pl.String()),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """One column of the personal file."""

    name: str
    kind: Kind
    description: str
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    # Columns that exist only as labeled data of the historical 1929 scenario (SYSTEM.md §7).
    historical: bool = False

    @property
    def dtype(self) -> pl.DataType:
        return DTYPES[self.kind]


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    """A personal-file schema: columns in order, looked up by name."""

    columns: tuple[Column, ...]
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def __getitem__(self, name: str) -> Column:
        return self.by_name[name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.dtype for c in self.columns}


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


def personal_file_schema(
    *, regions: tuple[str, ...], unions: tuple[str, ...] = UNIONS_1929
) -> Schema:
    """The personal-file schema of a campaign whose source regions and unions are the given codes."""
    c = Column
    return Schema(
        columns=(
            c(name="person_id", kind=Kind.TEXT, description="Identifier of the personal file, unique in a campaign"),
            c(name="source_region", kind=Kind.ENUM, allowed=regions, description="Region where the worker is recruited"),
            c(name="factory_id", kind=Kind.TEXT, description="Factory (source organization) that puts the worker forward"),
            c(name="union", kind=Kind.ENUM, allowed=unions, description="Trade union of the worker"),
            c(name="sex", kind=Kind.ENUM, allowed=_values(Sex), description="Sex"),
            c(name="age", kind=Kind.INT, minimum=14, maximum=80, description="Age in years at declaration"),
            c(name="trade", kind=Kind.TEXT, required=False, description="Trade (profession) at the factory"),
            c(name="skill_grade", kind=Kind.INT, minimum=1, maximum=8, description="Skill (tariff) grade, 1 to 8"),
            c(name="years_at_factory", kind=Kind.FLOAT, minimum=0, maximum=60, description="Years of work at the factory bench (stazh)"),
            c(name="party_status", kind=Kind.ENUM, allowed=_values(PartyStatus), description="Party status (partiinost')"),
            c(name="party_joined", kind=Kind.INT, required=False, minimum=1890, maximum=2100, description="Year of joining the party or the Komsomol"),
            c(name="activist_roles", kind=Kind.ENUM_LIST, required=False, allowed=_values(ActivistRole), description="Activist roles held (';'-separated in text files)"),
            c(name="civil_war_service", kind=Kind.BOOL, description="Served in the civil war"),
            c(name="village_ties", kind=Kind.ENUM, allowed=_values(VillageTie), description="Ties to the land"),
            c(name="dependents", kind=Kind.INT, minimum=0, maximum=30, description="Family members dependent on the worker"),
            c(name="education", kind=Kind.ENUM, allowed=_values(Education), description="Education"),
            c(name="wage", kind=Kind.FLOAT, minimum=0, maximum=10_000, description="Monthly wage at the factory, in the campaign's currency"),
            c(name="health", kind=Kind.ENUM, allowed=_values(Health), description="Fitness for the work"),
            c(name="heavy_drinking", kind=Kind.BOOL, description="Record of heavy drinking"),
            c(name="labor_violations", kind=Kind.BOOL, description="Record of labor-discipline violations"),
            c(name="recruitment", kind=Kind.ENUM, allowed=_values(Recruitment), description="Volunteered, or mobilized as a party or Komsomol member"),
            c(name="reference_from", kind=Kind.ENUM, allowed=_values(ReferenceFrom), description="Body that gave the reference"),
            c(name="declared_on", kind=Kind.DATE, required=False, description="Date of the written declaration (ISO)"),
            c(name="quality", kind=Kind.FLOAT, required=False, minimum=0, maximum=1, description="Committee-judged quality, 0 to 1"),
            c(name="opposition_past", kind=Kind.BOOL, required=False, historical=True, description="HISTORICAL DATA (1929 political criterion): past membership of an opposition group; not a default of the workspace"),
        )
    )
