"""Reads of the api app: a user's tokens, and the user a bearer token stands for."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cadre.web.accounts.permissions import User
from cadre.web.api.models import ApiToken
from cadre.web.api.services import TOKEN_PREFIX, token_hash

__all__ = ["token_list", "token_user"]

#: ``last_used_at`` is bookkeeping, not history: it is written at most once a minute per token.
_TOUCH = timedelta(minutes=1)


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones too, marked)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def token_user(*, raw: str) -> Any | None:
    """The active user that an unrevoked token belongs to, or ``None``."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
