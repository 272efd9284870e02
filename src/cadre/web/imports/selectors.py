"""Reads of the imports app: a user's uploads (administrators and the director: everyone's)."""

from __future__ import annotations

from django.db.models import QuerySet

from cadre.web.accounts.permissions import Action, User, holds, may
from cadre.web.imports.models import ImportBatch, ImportKind

__all__ = ["batch_get", "batch_list", "kinds_allowed"]


def batch_list(*, user: User) -> QuerySet[ImportBatch]:
    """Uploads the user may see: their own; the campaign's director sees every one. Newest first."""
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    rows = ImportBatch.objects.select_related("campaign", "created_by", "job").defer("data")
    return rows if may(user, Action.CAMPAIGN_MANAGE, None) else rows.filter(created_by=user)


def batch_get(*, user: User, batch_id: int) -> ImportBatch:
    """One visible upload (``ImportBatch.DoesNotExist`` otherwise)."""
    return batch_list(user=user).get(pk=batch_id)


def kinds_allowed(*, user: User) -> list[ImportKind]:
    """The kinds of list the user may import somewhere (volunteer lists: the director; posts: placement)."""
    from cadre.web.imports.services import NEEDS

    return [kind for kind, action in NEEDS.items() if holds(user, action)]
