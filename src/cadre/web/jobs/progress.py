"""A running job's progress, shared through the cache with every server process that polls it.

The job row keeps the outcome; while the job runs, its progress travels here, because the operations
write in one transaction and an update of the row from inside it stays invisible until the commit.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

__all__ = ["publish_progress", "with_live_progress"]

#: A job's last progress is kept this long after its last report (a job that stops reporting is over).
PROGRESS_SECONDS = 6 * 3600


def _key(job_id: int) -> str:
    return f"job-progress:{job_id}"


def publish_progress(job_id: int, fraction: float, message: str) -> None:
    cache.set(_key(job_id), (fraction, message), PROGRESS_SECONDS)


def with_live_progress(job: Any) -> Any:
    """``job`` with the progress its runner last published, while it is queued or running."""
    from cadre.web.jobs.models import JobStatus

    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        live = cache.get(_key(job.pk))
        if live is not None:
            job.progress, job.message = live
    return job
