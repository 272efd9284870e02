"""Reads of the files app: every list is cut to what the user may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from cadre.web.accounts.permissions import Action, User, scope_q
from cadre.web.campaigns.models import Campaign
from cadre.web.files.models import Decision, PersonalFile

__all__ = ["decision_list", "file_get", "file_list", "status_counts"]


def _visible(user: User) -> QuerySet[PersonalFile]:
    own = PersonalFile.objects.filter(owner=user) if user.is_authenticated else PersonalFile.objects.none()
    return PersonalFile.objects.filter(scope_q(user, Action.FILE_VIEW, "source_unit", "destination")) | own


def file_list(*, user: User, campaign: Campaign, status: str = "", unit_path: str = "") -> QuerySet[PersonalFile]:
    """The campaign's files the user may see: under their units (source or destination) and their own."""
    rows = _visible(user).filter(campaign=campaign)
    if status:
        rows = rows.filter(status=status)
    if unit_path:
        rows = rows.filter(source_unit__path__startswith=unit_path)
    return rows.select_related("source_unit", "destination").order_by("person_id")


def file_get(*, user: User, campaign: Campaign, person_id: str) -> PersonalFile:
    """One file, if the user may see it (``PersonalFile.DoesNotExist`` otherwise: no hint that it exists)."""
    return _visible(user).select_related("source_unit", "destination", "owner").get(campaign=campaign, person_id=person_id)


def decision_list(*, user: User, file: PersonalFile, visible: bool = False) -> QuerySet[Decision]:
    """A visible file's decisions in order (``visible``: the caller has just read the file through
    ``file_get``, so its visibility is not asked again)."""
    if not visible and not _visible(user).filter(pk=file.pk).exists():
        return Decision.objects.none()
    return Decision.objects.filter(file=file).select_related("rulebook_version", "decided_by").order_by("seq")


def status_counts(*, user: User, campaign: Campaign) -> dict[str, int]:
    """How many visible files stand at each status."""
    rows = file_list(user=user, campaign=campaign).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
