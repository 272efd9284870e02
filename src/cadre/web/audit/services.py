"""Writing the audit trail. Only services call :func:`audit_record`, inside their own transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cadre.web.audit.models import AuditEvent

__all__ = ["audit_record", "audit_record_many", "snapshot"]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's field values as JSON-ready data (foreign keys as their ids), for before/after."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    campaign: Any = None,
    before: Any = None,
    after: Any = None,
    rulebook_version: Any = None,
) -> AuditEvent:
    """Write one audit row for a write that is happening now, in the caller's transaction.

    Refuses to run outside a transaction: an audit row must commit or roll back with the write it
    describes, so a service that forgot ``transaction.atomic`` fails loudly in its first test.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction.atomic block")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor, action=action, object_type=object_type, object_id=str(object_id), campaign=campaign,
        before=_plain(before), after=_plain(after), rulebook_version=rulebook_version, at=timezone.now(),
    )


def audit_record_many(*, actor: Any, action: str, object_type: str, rows: list[tuple[str, Any, Any]],
                      campaign: Any = None, rulebook_version: Any = None) -> int:
    """Write one audit row per ``(object_id, before, after)`` at once (bulk services); returns the count."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the service's transaction.atomic block")
    at = timezone.now()
    events = [AuditEvent(actor=actor, action=action, object_type=object_type, object_id=str(oid),
                         campaign=campaign, before=_plain(before), after=_plain(after),
                         rulebook_version=rulebook_version, at=at) for oid, before, after in rows]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)
