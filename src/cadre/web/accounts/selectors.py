"""Reads of the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from cadre.web.accounts.models import Membership, OrgUnit
from cadre.web.accounts.permissions import User

__all__ = ["membership_list", "unit_get", "unit_list", "unit_subtree"]


def unit_get(*, code: str) -> OrgUnit:
    """The unit with this code (``OrgUnit.DoesNotExist`` if none)."""
    return OrgUnit.objects.get(code=code)


def unit_subtree(*, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and every unit below it, in tree order."""
    return OrgUnit.objects.filter(path__startswith=unit.path)


def unit_list(*, kind: str = "", region_code: str = "") -> QuerySet[OrgUnit]:
    """Units, optionally of one kind and one region; the tree itself is public within the workspace."""
    rows = OrgUnit.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    if region_code:
        rows = rows.filter(region_code=region_code)
    return rows


def membership_list(*, user: User) -> QuerySet[Membership]:
    """The memberships of ``user`` (their roles and units)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("unit")
