"""Reading the audit trail, within what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from cadre.web.accounts.permissions import Action, User, may
from cadre.web.audit.models import AuditEvent

__all__ = ["audit_event_list"]


def audit_event_list(*, user: User, campaign_id: int | None = None, object_type: str = "",
                     object_id: str = "") -> QuerySet[AuditEvent]:
    """Audit rows, newest first; the trail is visible to roles granted AUDIT_VIEW at the center."""
    if not may(user, Action.AUDIT_VIEW, None):
        return AuditEvent.objects.none()
    rows = AuditEvent.objects.select_related("actor")
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=object_id)
    return rows
