"""Reads of the courses app."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from cadre.web.accounts.permissions import Action, User, scope_q
from cadre.web.campaigns.models import Campaign
from cadre.web.courses.models import Cohort, Enrollment

__all__ = ["cohort_list", "enrollment_list"]


def cohort_list(*, user: User, campaign: Campaign) -> QuerySet[Cohort]:
    """The campaign's cohorts the user may see, with their enrollment counts."""
    return (Cohort.objects.filter(campaign=campaign).filter(scope_q(user, Action.FILE_VIEW, "organizer"))
            .annotate(enrolled=Count("enrollments")))


def enrollment_list(*, user: User, cohort: Cohort) -> QuerySet[Enrollment]:
    """A cohort's enrollments whose files the user may see."""
    return Enrollment.objects.filter(cohort=cohort).filter(
        scope_q(user, Action.FILE_VIEW, "file__source_unit", "file__destination")).select_related("file")
