"""Final selection: the engine's optimizer run as a job, its certificate, the shortfalls and why."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre.web.accounts.models import UnitKind
from cadre.web.accounts.permissions import Action, scope_units
from cadre.web.errors import DomainError
from cadre.web.files.pages import campaign_of, refused
from cadre.web.jobs.models import Job
from cadre.web.jobs.selectors import job_get, job_list
from cadre.web.jobs.services import job_submit


def _scopes(request: HttpRequest) -> list[tuple[str, str]]:
    """(region code or "", label) the user may run the selection for: their regions, or the whole campaign."""
    units = scope_units(request.user, Action.SELECTION_RUN)
    if units is None:
        return [("", _("the whole campaign"))]
    out = []
    for unit in units:
        if unit.kind == UnitKind.CENTER:
            out.insert(0, ("", _("the whole campaign")))
        elif unit.kind == UnitKind.REGION:
            out.append((unit.code, unit.name))
    return out


def _result(job: Job | None) -> dict[str, Any]:
    if job is None or not isinstance(job.result, dict):
        return {"job": job}
    result = job.result
    short_cells = [r for r in result.get("fill", []) if r.get("shortfall")]
    return {"job": job, "result": result, "short_cells": short_cells,
            "cells": sorted(result.get("fill", []), key=lambda r: (-(r.get("shortfall") or 0), r["source_region"]))}


@login_required
def selection(request: HttpRequest) -> HttpResponse:
    """The page: the selection date, the run button, the running job and the last result."""
    campaign = campaign_of(request)
    context: dict[str, Any] = {"campaign": campaign}
    if campaign is None:
        return render(request, "files/selection.html", context)
    today = timezone.now().date()
    jobs = job_list(user=request.user).filter(kind="selection", campaign=campaign)
    wanted = request.GET.get("job", "")
    job = jobs.filter(pk=int(wanted)).first() if wanted.isdigit() else jobs.first()
    context.update(_result(job), today=today, opens=campaign.selection_opens_on,
                   open=today >= campaign.selection_opens_on, scopes=_scopes(request))
    return render(request, "files/selection.html", context)


@login_required
@require_POST
def selection_start(request: HttpRequest) -> HttpResponse:
    """Start the selection job for the chosen region (or the whole campaign)."""
    campaign = campaign_of(request)
    if campaign is None:
        raise Http404(_("no campaign"))
    region = request.POST.get("region", "")
    try:
        job = job_submit(actor=request.user, kind="selection", campaign=campaign,
                         params={"region": region, "as_of": timezone.now().date().isoformat()})
    except DomainError as error:
        return refused(request, error, back=reverse("files:selection"))
    return redirect(f"{reverse('files:selection')}?campaign={campaign.slug}&job={job.pk}")


@login_required
def selection_result(request: HttpRequest, job_id: int) -> HttpResponse:
    """The result of one selection job (loaded when the job's status partial says it has finished)."""
    try:
        job = job_get(user=request.user, job_id=job_id)
    except Job.DoesNotExist as missing:
        raise Http404(_("no such job of yours")) from missing
    return render(request, "files/_selection_result.html", {**_result(job), "campaign": job.campaign})
