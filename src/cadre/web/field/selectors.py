"""Reads of the field app."""

from __future__ import annotations

from django.db.models import QuerySet

from cadre.web.accounts.permissions import Action, User, scope_q
from cadre.web.field.models import FieldEvent

__all__ = ["field_event_list"]


def field_event_list(*, user: User, campaign_id: int, kind: str = "") -> QuerySet[FieldEvent]:
    """Field events of files the user may see (by the file's factory or its destination)."""
    rows = FieldEvent.objects.filter(file__campaign_id=campaign_id).filter(
        scope_q(user, Action.FILE_VIEW, "file__source_unit", "file__destination"))
    return rows.filter(kind=kind) if kind else rows
