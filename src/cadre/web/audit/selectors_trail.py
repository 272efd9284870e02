"""Reading the audit trail for its pages: filters, one file's trail, and before/after as a readable diff."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cadre.web.accounts.permissions import Action, User, require
from cadre.web.audit.models import AuditEvent
from cadre.web.audit.selectors import audit_event_list

__all__ = ["audit_actions", "audit_diff", "audit_file_get", "audit_file_trail", "audit_trail"]


def _allowed(user: User) -> None:
    require(user, Action.AUDIT_VIEW, None, what=_("the audit trail"))


def audit_trail(*, user: User, campaign_id: int | None, action: str = "", actor: str = "",
                since: date | None = None, until: date | None = None) -> QuerySet[AuditEvent]:
    """The campaign's audit rows, newest first, filtered; ``Forbidden`` (with the reason) for non-auditors."""
    _allowed(user)
    rows = audit_event_list(user=user, campaign_id=campaign_id).select_related("rulebook_version")
    if action:
        rows = rows.filter(action=action)
    if actor:
        rows = rows.filter(actor__username__icontains=actor)
    if since:
        rows = rows.filter(at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        rows = rows.filter(at__lte=datetime.combine(until, time.max, tzinfo=UTC))
    return rows


def audit_actions(*, user: User, campaign_id: int | None) -> list[str]:
    """The actions recorded in the campaign (for the filter menu)."""
    _allowed(user)
    return sorted(set(audit_event_list(user=user, campaign_id=campaign_id).order_by()
                      .values_list("action", flat=True).distinct()))


def audit_file_get(*, user: User, campaign: Any, person_id: str) -> Any:
    """The file whose trail an auditor opens (``PersonalFile.DoesNotExist`` if none); auditors only."""
    from cadre.web.files.models import PersonalFile

    _allowed(user)
    return PersonalFile.objects.get(campaign=campaign, person_id=person_id)


def audit_file_trail(*, user: User, file: Any) -> QuerySet[AuditEvent]:
    """Every audit row about one file: its declaration, decisions, reads, and its references."""
    _allowed(user)
    return audit_event_list(user=user).select_related("rulebook_version").filter(
        Q(object_type="files.personalfile", object_id=str(file.pk))
        | Q(object_type="files.reference", after__file=file.person_id))


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def audit_diff(before: Any, after: Any) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field that changed (all of ``after`` for a creation)."""
    if isinstance(before, dict) or isinstance(after, dict):
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        keys = list(dict.fromkeys([*old, *new]))
        return [(k, _show(old.get(k)) if k in old else "", _show(new.get(k)) if k in new else "")
                for k in keys if old.get(k) != new.get(k) or k not in old]
    if before == after:
        return []
    return [("", _show(before), _show(after))]
