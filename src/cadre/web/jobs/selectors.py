"""Reads of the jobs app."""

from __future__ import annotations

from django.db.models import QuerySet

from cadre.web.accounts.permissions import User
from cadre.web.jobs.models import Job
from cadre.web.jobs.progress import with_live_progress

__all__ = ["job_get", "job_list"]


def job_list(*, user: User) -> QuerySet[Job]:
    """The user's own jobs (administrators: all), newest first."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.all() if getattr(user, "is_superuser", False) else Job.objects.filter(created_by=user)


def job_get(*, user: User, job_id: int) -> Job:
    """One of the user's jobs (``Job.DoesNotExist`` otherwise), for polling its progress (the live
    progress of a running job, as its runner last published it)."""
    return with_live_progress(job_list(user=user).get(pk=job_id))
