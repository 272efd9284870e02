"""Writes of the accounts app: org units, users and memberships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
from cadre.web.accounts.permissions import require_admin
from cadre.web.audit.services import audit_record, snapshot
from cadre.web.errors import Invalid

__all__ = ["SYSTEM_USERNAME", "membership_grant", "system_user", "unit_create", "unit_path", "user_create"]

#: The account that imports and scheduled work act as; it cannot sign in.
SYSTEM_USERNAME = "cadre-system"

#: Which kinds of unit may hang below which.
_PARENTS: dict[str, tuple[str, ...]] = {
    UnitKind.CENTER: (),
    UnitKind.REGION: (UnitKind.CENTER,),
    UnitKind.UNION_REGION: (UnitKind.REGION,),
    UnitKind.FACTORY: (UnitKind.UNION_REGION, UnitKind.REGION),
    UnitKind.DISTRICT: (UnitKind.REGION,),
}


def unit_path(parent: OrgUnit | None, code: str) -> str:
    """The materialized path of a unit with this code under ``parent``."""
    return f"{parent.path if parent else ''}{code}/"


def _check_unit(kind: str, code: str, parent: OrgUnit | None) -> list[str]:
    problems = []
    if kind not in UnitKind.values:
        problems.append(_("unknown unit kind %(kind)s") % {"kind": kind})
    elif (parent.kind if parent else None) not in _PARENTS[kind] and (parent is not None or kind != UnitKind.CENTER):
        problems.append(_("a %(kind)s cannot stand below %(parent)s") % {
            "kind": kind, "parent": parent.kind if parent else _("nothing")})
    if not code or "/" in code:
        problems.append(_("a unit code must be non-empty and contain no '/'"))
    elif OrgUnit.objects.filter(code=code).exists():
        problems.append(_("unit code %(code)s is taken") % {"code": code})
    return problems


def unit_create(*, actor: Any, kind: str, code: str, name: str, parent: OrgUnit | None = None,
                region_code: str = "", union: str = "") -> OrgUnit:
    """Create an org unit below ``parent`` (administrators only); the tree's shape rules are checked."""
    with transaction.atomic():
        require_admin(actor)
        problems = _check_unit(kind, code, parent)
        if problems:
            raise Invalid(_("cannot create the unit"), problems)
        unit = OrgUnit.objects.create(kind=kind, code=code, name=name, parent=parent, path=unit_path(parent, code),
                                      region_code=region_code or (parent.region_code if parent else ""),
                                      union=union)
        audit_record(actor=actor, action="unit_create", obj=unit, after=snapshot(unit))
        return unit


def user_create(*, actor: Any, username: str, password: str | None, email: str = "") -> Any:
    """Create a user account (administrators only); ``password=None`` makes an account that cannot sign in."""
    with transaction.atomic():
        require_admin(actor)
        model = get_user_model()
        if model.objects.filter(username=username).exists():
            raise Invalid(_("user name %(name)s is taken") % {"name": username})
        if password is not None:
            try:  # the password policy of settings.AUTH_PASSWORD_VALIDATORS
                validate_password(password, model(username=username, email=email))
            except ValidationError as error:
                raise Invalid(_("the password does not meet the policy"), list(error.messages)) from None
        user = model.objects.create_user(username=username, password=password, email=email)
        audit_record(actor=actor, action="user_create", obj=user, after={"username": username})
        return user


def membership_grant(*, actor: Any, user: Any, unit: OrgUnit, role: str) -> Membership:
    """Give ``user`` the role ``role`` at ``unit`` (administrators only)."""
    with transaction.atomic():
        require_admin(actor)
        if role not in Role.values:
            raise Invalid(_("unknown role %(role)s") % {"role": role})
        membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
        if created:
            audit_record(actor=actor, action="membership_grant", obj=membership, after=snapshot(membership))
        user.__dict__.pop("_cadre_memberships", None)
        return membership


def system_user() -> Any:
    """The system account (created on first use): an inactive superuser that imports act as.

    Bootstrapping a fresh database has no other actor, so creating this one account is the only write
    without an actor; it is recorded by the audit row of the first service it acts in.
    """
    model = get_user_model()
    user, created = model.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_superuser": True, "is_staff": False, "is_active": True})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
