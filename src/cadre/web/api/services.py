"""Writes of the api app: making and revoking API tokens (each with its audit row)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.web.accounts.permissions import require_admin
from cadre.web.api.models import ApiToken
from cadre.web.audit.services import audit_record
from cadre.web.errors import Forbidden, IllegalMove, Invalid

__all__ = ["TOKEN_PREFIX", "token_create", "token_hash", "token_revoke"]

#: Every token starts with this, so that one found in a log or a repository is recognised for what it is.
TOKEN_PREFIX = "cadre_"
MAX_ACTIVE = 20


def token_hash(raw: str) -> str:
    """The stored form of a token (SHA-256: tokens are long random strings, so no slow hash is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, actor: Any, name: str, user: Any = None) -> tuple[ApiToken, str]:
    """Make a token for ``user`` (default: the actor; another user's: administrators only).

    Returns the row and the token itself, which is not kept and cannot be shown again.
    """
    with transaction.atomic():
        owner = user if user is not None else actor
        if not getattr(actor, "is_authenticated", False):
            raise Forbidden(_("sign in first"))
        if owner.pk != actor.pk:
            require_admin(actor)
        name = name.strip()
        problems = []
        if not name:
            problems.append(_("give the token a name (what will use it)"))
        if len(name) > 100:
            problems.append(_("a token's name has at most 100 characters"))
        if ApiToken.objects.filter(user=owner, revoked_at__isnull=True).count() >= MAX_ACTIVE:
            problems.append(_("at most %(n)d active tokens per user: revoke one first") % {"n": MAX_ACTIVE})
        if problems:
            raise Invalid(_("cannot make the token"), problems)
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(user=owner, name=name, prefix=raw[:12], key_hash=token_hash(raw))
        audit_record(actor=actor, action="api_token_create", obj=token,
                     after={"user": owner.get_username(), "name": name, "prefix": token.prefix})
        return token, raw


def token_revoke(*, actor: Any, token: ApiToken | int) -> ApiToken:
    """Revoke a token at once: its owner, or an administrator. A revoked token stays revoked."""
    with transaction.atomic():
        pk = token.pk if isinstance(token, ApiToken) else token
        locked = ApiToken.objects.select_for_update().select_related("user").get(pk=pk)
        if locked.user_id != getattr(actor, "pk", None):
            require_admin(actor)
        if locked.revoked_at is not None:
            raise IllegalMove(_("token %(name)s was revoked already") % {"name": locked.name})
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token_revoke", obj=locked,
                     after={"user": locked.user.get_username(), "name": locked.name, "prefix": locked.prefix})
        return locked
