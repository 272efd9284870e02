"""The shapes the API reads and writes (OpenAPI components)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from ninja import Field, Schema

from cadre.engine.screening import Action as LadderAction
from cadre.web.field.models import Channel, EventKind

T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list: ``count`` rows in all, this page's ``items``."""

    count: int
    page: int
    page_size: int
    items: list[T]


class Me(Schema):
    username: str
    superuser: bool
    roles: list[dict[str, str]]


class RulebookOut(Schema):
    number: int
    ref: str


class CampaignOut(Schema):
    slug: str
    name: str
    template: str
    historical: bool
    ladder_version: str
    selection_opens_on: date
    rulebook: RulebookOut | None = None


class FileOut(Schema):
    """A personal file in a list: who, where, and where it stands."""

    person_id: str
    status: str
    status_label: str
    source_region: str
    factory_id: str
    union: str
    sex: str
    age: int
    party_status: str
    destination: str | None
    updated_at: datetime


class DecisionOut(Schema):
    seq: int
    action: str
    role: str
    tier: int | None
    from_status: str
    to_status: str
    reason_code: str
    reason: str
    rulebook: str | None
    decided_by: str | None
    decided_at: datetime
    as_of: date


class FileDetail(FileOut):
    """A personal file with its questionnaire (the engine's columns) and its decisions in order."""

    answers: dict[str, Any]
    decisions: list[DecisionOut]


class DeclareIn(Schema):
    """A volunteer's own declaration: the questionnaire of ``cadre engine schema`` (without the columns the
    factory gives: person_id, source_region, factory_id, union)."""

    factory: str = Field(..., description="code of the volunteer's factory unit", min_length=1)
    answers: dict[str, Any]
    submit: bool = True
    as_of: date | None = None


class DecideIn(Schema):
    action: LadderAction
    reason_code: str = Field("", description="a criterion of the rulebook, committee_judgement, or empty for the default")
    reason: str = Field("", max_length=4000)
    as_of: date | None = None
    as_role: str | None = Field(None, description="the ladder body to decide as, when the user sits on several")


class BulkDecideIn(Schema):
    person_ids: list[str] = Field(..., min_length=1, max_length=5000)
    action: LadderAction
    reason_code: str = ""
    reason: str = Field("", max_length=4000)
    as_of: date | None = None


class BulkDecided(Schema):
    decided: int
    person_ids: list[str]


class QuotaRow(Schema):
    region: str
    union: str
    plan: int | None
    volunteers: int
    approved: int
    selected: int
    shortfall: int


class SelectionIn(Schema):
    region: str | None = Field(None, description="a region's code: select in that region only")
    as_of: date | None = None


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress: float
    message: str
    result: Any = None
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class PostOut(Schema):
    id: int
    name: str
    kind: str
    district: str
    capacity: int
    held: int
    farm_type: str


class PlacementOut(Schema):
    id: int
    person_id: str
    post_id: int
    post: str
    start: date
    end: date | None
    explanation: str


class FieldEventOut(Schema):
    id: int
    person_id: str
    kind: str
    on: date
    channel: str
    post_id: int | None
    amount: Decimal | None
    addressee: str
    text: str
    recorded_at: datetime


class FieldEventIn(Schema):
    kind: EventKind
    on: date
    text: str = Field("", max_length=4000)
    post_id: int | None = None
    amount: Decimal | None = Field(None, max_digits=10, decimal_places=2)
    addressee: str = Field("", max_length=200)


class ExitIn(Schema):
    on: date
    channel: Channel  # type: ignore[valid-type]
    text: str = Field("", max_length=4000)


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    campaign: str | None
    before: Any = None
    after: Any = None
