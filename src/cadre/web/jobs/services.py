"""Writes of the jobs app: submitting a long operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cadre.web.accounts.permissions import Action, holds, require, require_admin
from cadre.web.audit.services import audit_record
from cadre.web.errors import Invalid
from cadre.web.jobs.models import Job
from cadre.web.jobs.runner import KINDS, start

__all__ = ["job_submit"]

#: The permission a kind of job needs at submission (the service itself checks again, with the unit).
_NEEDS = {"selection": Action.SELECTION_RUN, "distribution": Action.DISTRIBUTION_PLAN,
          "placement": Action.PLACEMENT_RUN, "twin_load": None,
          # An import needs CAMPAIGN_MANAGE (files) or PLACEMENT_RUN (posts): imports.services checks which.
          "import": Action.JOB_VIEW}


def job_submit(*, actor: Any, kind: str, params: dict[str, Any], campaign: Any = None,
               sync: bool | None = None, on_queued: Callable[[Job], None] | None = None) -> Job:
    """Queue a job and start it (in a thread, or inline when ``sync``); returns the job row.

    The row is committed before the job starts, so the thread sees it; the operation's own service
    checks permissions again with the exact unit and writes its own audit rows. ``on_queued(job)`` runs
    in the transaction that creates the row, before the job can start (to link the job to what it works
    on: once started, the job may hold that row locked until it ends).
    """
    if kind not in KINDS:
        raise Invalid(_("unknown job kind %(kind)s") % {"kind": kind})
    with transaction.atomic():
        needed = _NEEDS[kind]
        if needed is None:
            require_admin(actor)
        elif not holds(actor, needed):
            require(actor, needed, None, what=kind)
        job = Job.objects.create(kind=kind, params=params, campaign=campaign, created_by=actor)
        if on_queued is not None:
            on_queued(job)
        audit_record(actor=actor, action="job_submit", obj=job, campaign=campaign, after={"kind": kind, "params": params})
    start(job, sync=sync)
    job.refresh_from_db()
    return job
