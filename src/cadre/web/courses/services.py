"""Writes of the courses app: cohorts, enrollment, attendance, completion and waivers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cadre.web.accounts.models import OrgUnit
from cadre.web.accounts.permissions import Action, require
from cadre.web.audit.services import audit_record, snapshot
from cadre.web.campaigns.models import Campaign
from cadre.web.courses.models import Cohort, Enrollment
from cadre.web.errors import IllegalMove, Invalid
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.workflow import Move, lifecycle_apply

__all__ = ["cohort_create", "enrollment_complete", "enrollment_create", "enrollment_waive"]


def cohort_create(*, actor: Any, campaign: Campaign, organizer: OrgUnit, name: str, starts_on: date,
                  ends_on: date, capacity: int) -> Cohort:
    """Open a course cohort run by ``organizer``."""
    with transaction.atomic():
        require(actor, Action.COURSE_MANAGE, organizer, what=_("courses"))
        problems = []
        if ends_on < starts_on:
            problems.append(_("a course cannot end before it starts"))
        if capacity < 1:
            problems.append(_("a course needs room for at least one person"))
        if problems:
            raise Invalid(_("cannot open the cohort"), problems)
        cohort = Cohort.objects.create(campaign=campaign, organizer=organizer, name=name, starts_on=starts_on,
                                       ends_on=ends_on, capacity=capacity)
        audit_record(actor=actor, action="cohort_create", obj=cohort, campaign=campaign, after=snapshot(cohort))
        return cohort


def enrollment_create(*, actor: Any, cohort: Cohort, file: PersonalFile) -> Enrollment:
    """Enroll a selected file in a cohort (within its capacity)."""
    with transaction.atomic():
        locked = Cohort.objects.select_for_update(of=("self",)).get(pk=cohort.pk)
        require(actor, Action.COURSE_MANAGE, locked.organizer, what=_("enroll"))
        # The file's row too: two enrollments of one file into two cohorts (two cohort locks) take turns
        # here, and the second sees the first's enrollment instead of hitting the unique constraint.
        file = PersonalFile.objects.select_for_update(of=("self",)).get(pk=file.pk)
        if file.status != Status.SELECTED:
            raise IllegalMove(_("only selected files are enrolled; file %(id)s is %(status)s")
                              % {"id": file.person_id, "status": file.status})
        if locked.enrollments.count() >= locked.capacity:
            raise Invalid(_("cohort %(name)s is full") % {"name": locked.name})
        if Enrollment.objects.filter(file=file).exists():
            raise Invalid(_("file %(id)s is already enrolled") % {"id": file.person_id})
        enrollment = Enrollment.objects.create(cohort=locked, file=file)
        audit_record(actor=actor, action="enrollment_create", obj=enrollment, campaign=locked.campaign,
                     after=snapshot(enrollment))
        return enrollment


def _finish(actor: Any, enrollment: Enrollment, move: Move, action: str, **changes: Any) -> Enrollment:
    locked = Enrollment.objects.select_for_update(of=("self",)).select_related("cohort__organizer").get(pk=enrollment.pk)
    require(actor, Action.COURSE_MANAGE, locked.cohort.organizer, what=_("courses"))
    file = PersonalFile.objects.select_for_update(of=("self",)).get(pk=locked.file_id)
    before = {**snapshot(locked), "file_status": file.status}
    lifecycle_apply(file, move)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    file.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, obj=locked, campaign=locked.cohort.campaign, before=before,
                 after={**snapshot(locked), "file_status": file.status})
    return locked


def enrollment_complete(*, actor: Any, enrollment: Enrollment, days_attended: int, completed_on: date) -> Enrollment:
    """Record that the file completed the course: the file becomes trained."""
    with transaction.atomic():
        if days_attended < 1:
            raise Invalid(_("a completed course has at least one day attended"))
        return _finish(actor, enrollment, Move.COMPLETE_COURSE, "enrollment_complete",
                       days_attended=days_attended, completed_on=completed_on)


def enrollment_waive(*, actor: Any, enrollment: Enrollment, reason: str) -> Enrollment:
    """Waive the course for the file, with a reason (late recruits in 1930 never took one)."""
    with transaction.atomic():
        if not reason.strip():
            raise Invalid(_("a waiver needs its reason"))
        return _finish(actor, enrollment, Move.WAIVE_COURSE, "enrollment_waive", waived=True,
                       waiver_reason=reason.strip())
