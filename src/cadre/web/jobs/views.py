"""The job status partial: every page that starts a long operation polls it until the job ends."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cadre.web.jobs.models import Job, JobStatus
from cadre.web.jobs.selectors import job_get


@login_required
def status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The partial ``jobs/_status.html`` for one of the user's jobs.

    While the job runs, the partial re-polls itself every second; once it has ended, the response also
    carries an htmx event ``jobFinished`` (with the job's id and status) so that the page around it can
    load the job's result (``hx-trigger="jobFinished from:body"``).
    """
    try:
        job = job_get(user=request.user, job_id=job_id)
    except Job.DoesNotExist as missing:
        raise Http404("no such job of yours") from missing
    response = render(request, "jobs/_status.html", {"job": job})
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        response["HX-Trigger"] = json.dumps({"jobFinished": {"id": job.pk, "status": job.status}})
    return response
