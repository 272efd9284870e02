"""Reads of the courses app."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from cadre.web.accounts.permissions import Action, User, scope_q
from cadre.web.campaigns.models import Campaign
from cadre.web.courses.models import Cohort, Enrollment
from cadre.web.files.models import PersonalFile, Status

__all__ = ["cohort_get", "cohort_list", "enrollable_files", "enrollment_list"]


def cohort_list(*, user: User, campaign: Campaign) -> QuerySet[Cohort]:
    """The campaign's cohorts the user may see, with their enrollment counts."""
    return (Cohort.objects.filter(campaign=campaign).filter(scope_q(user, Action.FILE_VIEW, "organizer"))
            .annotate(enrolled=Count("enrollments")))


def enrollment_list(*, user: User, cohort: Cohort) -> QuerySet[Enrollment]:
    """A cohort's enrollments whose files the user may see."""
    return Enrollment.objects.filter(cohort=cohort).filter(
        scope_q(user, Action.FILE_VIEW, "file__source_unit", "file__destination")).select_related("file")


def cohort_get(*, user: User, campaign: Campaign, cohort_id: int) -> Cohort:
    """One cohort the user may see (``Cohort.DoesNotExist`` otherwise)."""
    return cohort_list(user=user, campaign=campaign).select_related("organizer").get(pk=cohort_id)


def enrollable_files(*, user: User, campaign: Campaign) -> QuerySet[PersonalFile]:
    """Selected files the user may see that are in no cohort yet (to be enrolled)."""
    return (PersonalFile.objects.filter(campaign=campaign, status=Status.SELECTED, enrollment__isnull=True)
            .filter(scope_q(user, Action.FILE_VIEW, "source_unit", "destination"))
            .order_by("source_region", "factory_id", "person_id"))
