"""Reads for the volunteer's own page: their file, its history, their course and their post."""

from __future__ import annotations

from typing import Any

from cadre.web.accounts.models import OrgUnit, Role, UnitKind
from cadre.web.accounts.permissions import User
from cadre.web.accounts.selectors import membership_list
from cadre.web.campaigns.models import Campaign
from cadre.web.files.models import PersonalFile, Reference
from cadre.web.files.selectors import decision_list, file_list

__all__ = ["my_factories", "my_file", "my_service"]


def my_factories(*, user: User) -> list[OrgUnit]:
    """The factories where the user may declare (their volunteer memberships)."""
    return [m.unit for m in membership_list(user=user) if m.role == Role.VOLUNTEER and m.unit.kind == UnitKind.FACTORY]


def my_file(*, user: User, campaign: Campaign) -> PersonalFile | None:
    """The user's own file in the campaign, if they have declared."""
    if not user.is_authenticated:
        return None
    return file_list(user=user, campaign=campaign).filter(owner=user).first()


def my_service(*, user: User, file: PersonalFile, visible: bool = False) -> dict[str, Any]:
    """The file's decisions, references, course enrollment and posts (the latter once they exist);
    ``visible`` as for :func:`decision_list`."""
    from cadre.web.courses.models import Enrollment
    from cadre.web.placement.models import Placement

    return {
        "decisions": list(decision_list(user=user, file=file, visible=visible)),
        "references": list(Reference.objects.filter(file=file).order_by("given_at")),
        "enrollment": Enrollment.objects.filter(file=file).select_related("cohort").first(),
        "placements": list(Placement.objects.filter(file=file).select_related("post", "post__district")
                           .order_by("-start")),
    }
