"""Running jobs: a registered operation in a background thread of the server process, or inline.

An operation is a service that accepts ``progress(fraction, message)``; :data:`KINDS` maps a job kind to
an adapter that reads the job's JSON params, calls the service as the job's creator and returns a
JSON-ready result. The thread updates the row as it goes (progress, then done or failed with the
domain error's reason). ``settings.CADRE_JOBS_SYNC`` (tests, commands) runs the job inline instead.

A thread in the web process is enough for one server and the campaign's sizes (a selection or a
placement of tens of thousands takes seconds); a job left ``running`` by a restart is marked failed
by :func:`jobs_recover` at start-up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from cadre.web.errors import DomainError
from cadre.web.jobs.models import Job, JobStatus
from cadre.web.jobs.progress import publish_progress

__all__ = ["KINDS", "execute", "jobs_recover", "start"]

log = logging.getLogger("cadre.web.jobs")
Adapter = Callable[[Job, Callable[[float, str], None]], Any]


def _selection(job: Job, progress: Callable[[float, str], None]) -> Any:
    from cadre.web.accounts.models import OrgUnit
    from cadre.web.files.selection import selection_run

    region = OrgUnit.objects.get(code=job.params["region"]) if job.params.get("region") else None
    as_of = date.fromisoformat(job.params["as_of"]) if job.params.get("as_of") else None
    return selection_run(actor=job.created_by, campaign=job.campaign, region=region, as_of=as_of, progress=progress)


def _distribution(job: Job, progress: Callable[[float, str], None]) -> Any:
    from cadre.web.placement.services import distribution_plan_run

    plan = distribution_plan_run(actor=job.created_by, campaign=job.campaign, progress=progress)
    return {"plan": plan.pk, "status": plan.status}


def _placement(job: Job, progress: Callable[[float, str], None]) -> Any:
    from cadre.web.accounts.models import OrgUnit
    from cadre.web.placement.services import placement_run

    return placement_run(actor=job.created_by, campaign=job.campaign, region=OrgUnit.objects.get(code=job.params["region"]),
                         start=date.fromisoformat(job.params["start"]), progress=progress)


def _twin_load(job: Job, progress: Callable[[float, str], None]) -> Any:
    from cadre.web.twinload.loader import twin_run_and_load

    return twin_run_and_load(actor=job.created_by, scenario=job.params.get("scenario", "ussr-1929"),
                             seed=int(job.params.get("seed", 1)), scale=float(job.params.get("scale", 0.05)),
                             slug=job.params.get("slug", "ussr-1929"), progress=progress)


def _import(job: Job, progress: Callable[[float, str], None]) -> Any:
    from cadre.web.imports.services import import_run

    return import_run(actor=job.created_by, batch=int(job.params["batch"]), progress=progress)


KINDS: dict[str, Adapter] = {
    "selection": _selection,
    "distribution": _distribution,
    "placement": _placement,
    "twin_load": _twin_load,
    "import": _import,
}


def _progress(job_id: int) -> Callable[[float, str], None]:
    """The job's ``progress(fraction, message)``: published through the cache at once, since a job that
    writes in one transaction (an import, a selection) would hold its own row update invisible until it
    commits; written to the row as well whenever the job is not inside a transaction."""
    def report(fraction: float, message: str) -> None:
        fraction, message = max(0.0, min(1.0, fraction)), message[:300]
        publish_progress(job_id, fraction, message)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=job_id).update(progress=fraction, message=message)
    return report


def execute(job_id: int) -> Job:
    """Run a queued job to its end, recording the outcome in its row (never raises a domain error)."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    job = Job.objects.select_related("created_by", "campaign").get(pk=job_id)
    try:
        result = KINDS[job.kind](job, _progress(job_id))
    except DomainError as error:
        Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=error.reason, finished_at=timezone.now())
    except Exception as error:  # the job must end in a state a person can read, whatever went wrong
        log.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=f"{type(error).__name__}: {error}",
                                             finished_at=timezone.now())
    else:
        Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, progress=1.0, result=result,
                                             finished_at=timezone.now())
    return Job.objects.get(pk=job_id)


def _thread(job_id: int) -> None:
    close_old_connections()
    try:
        execute(job_id)
    finally:
        connection.close()


def start(job: Job, *, sync: bool | None = None) -> threading.Thread | None:
    """Start a queued job: inline when ``sync`` (default: settings.CADRE_JOBS_SYNC), else in a thread."""
    if sync if sync is not None else settings.CADRE_JOBS_SYNC:
        execute(job.pk)
        job.refresh_from_db()
        return None
    thread = threading.Thread(target=_thread, args=(job.pk,), name=f"cadre-job-{job.pk}", daemon=True)
    thread.start()
    return thread


def jobs_recover() -> int:
    """Mark jobs left running by a stopped process as failed; returns how many."""
    return Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, error="the server stopped before the job finished", finished_at=timezone.now())
