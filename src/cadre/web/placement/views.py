"""Pages of the placement agency: the distribution plan and the engine's runs (as jobs), dispatch lists."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre.web.accounts.permissions import Action, holds
from cadre.web.errors import DomainError
from cadre.web.files.selectors import file_list
from cadre.web.jobs.models import Job
from cadre.web.jobs.selectors import job_get
from cadre.web.jobs.services import job_submit
from cadre.web.placement.bulk import dispatch_bulk
from cadre.web.placement.forms import DateForm, FlowForm
from cadre.web.placement.pagekit import campaign_of, refusals, say
from cadre.web.placement.plans import distribution_flow_set, distribution_plan_approve
from cadre.web.placement.selectors import plan_current, plan_flows, plan_verdict
from cadre.web.placement.selectors_pages import detachment_list, dispatch_counts


def _back(name: str, request: HttpRequest, **query: Any) -> HttpResponse:
    params = {k: v for k, v in query.items() if v}
    campaign = request.POST.get("campaign") or request.GET.get("campaign")
    if campaign:
        params["campaign"] = campaign
    tail = "&".join(f"{k}={v}" for k, v in params.items())
    return redirect(reverse(name) + (f"?{tail}" if tail else ""))


def job_of(request: HttpRequest) -> Job | None:
    """The job named by ``?job=`` if it is the user's own (its status partial is shown on the page)."""
    try:
        return job_get(user=request.user, job_id=int(request.GET.get("job", "")))
    except (ValueError, Job.DoesNotExist):
        return None


def _matrix(plan: Any, campaign: Any) -> dict[str, Any]:
    """The plan as an origin x destination table: planned and actually dispatched in each cell."""
    flows = list(plan_flows(plan=plan)) if plan else []
    actual = dispatch_counts(campaign=campaign)
    planned = {(f.origin.code, f.destination.code): f.n for f in flows}
    origins = sorted({o for o, _ in planned} | {o for o, _ in actual})
    dests = sorted({d for _, d in planned} | {d for _, d in actual})
    rows, col_planned, col_actual = [], defaultdict(int), defaultdict(int)
    for o in origins:
        cells = []
        for d in dests:
            p, a = planned.get((o, d), 0), actual.get((o, d), 0)
            col_planned[d] += p
            col_actual[d] += a
            cells.append({"origin": o, "destination": d, "planned": p, "actual": a})
        rows.append({"origin": o, "cells": cells, "planned": sum(c["planned"] for c in cells),
                     "actual": sum(c["actual"] for c in cells)})
    totals = [{"planned": col_planned[d], "actual": col_actual[d]} for d in dests]
    return {"origins": origins, "destinations": dests, "rows": rows, "totals": totals,
            "planned": sum(planned.values()), "actual": sum(actual.values())}


@refusals
def plan(request: HttpRequest) -> HttpResponse:
    """The distribution plan: the matrix, what the engine proved, its check of the plan as edited."""
    campaign = campaign_of(request)
    current = plan_current(campaign=campaign) if campaign else None
    verdict = plan_verdict(plan=current) if current else None
    return render(request, "placement/plan.html", {
        "campaign": campaign, "plan": current, "verdict": verdict, "matrix": _matrix(current, campaign),
        "can_plan": holds(request.user, Action.DISTRIBUTION_PLAN), "job": job_of(request),
        "flow_form": FlowForm()})


@require_POST
@refusals
def plan_run(request: HttpRequest) -> HttpResponse:
    """Run the engine's distribution as a job; the page polls its progress."""
    campaign = campaign_of(request)
    try:
        job = job_submit(actor=request.user, kind="distribution", params={}, campaign=campaign)
    except DomainError as error:
        say(request, error)
        return _back("placement:plan", request)
    return _back("placement:plan", request, job=job.pk)


@require_POST
@refusals
def plan_cell(request: HttpRequest) -> HttpResponse:
    """Change one cell of the plan (audited); the page then shows the engine's check of the edited plan."""
    campaign = campaign_of(request)
    current = plan_current(campaign=campaign) if campaign else None
    form = FlowForm(request.POST)
    if current is None:
        messages.error(request, _("there is no plan to edit yet: run the distribution first"))
    elif not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else field}: {' '.join(errors)}")
    else:
        try:
            distribution_flow_set(actor=request.user, plan=current, origin=form.cleaned_data["origin"],
                                  destination=form.cleaned_data["destination"], n=form.cleaned_data["n"])
            messages.success(request, _("%(o)s to %(d)s set to %(n)s; the engine re-checked the plan below") % {
                "o": form.cleaned_data["origin"], "d": form.cleaned_data["destination"], "n": form.cleaned_data["n"]})
        except DomainError as error:
            say(request, error)
    return _back("placement:plan", request)


@require_POST
@refusals
def plan_approve(request: HttpRequest) -> HttpResponse:
    """Approve the plan (refused, with every problem, when the engine's check finds one)."""
    campaign = campaign_of(request)
    current = plan_current(campaign=campaign) if campaign else None
    if current is None:
        messages.error(request, _("there is no plan to approve yet: run the distribution first"))
        return _back("placement:plan", request)
    try:
        distribution_plan_approve(actor=request.user, plan=current)
        messages.success(request, _("The plan is approved; every worker waiting to leave has a destination."))
    except DomainError as error:
        say(request, error)
    return _back("placement:plan", request)


@refusals
def dispatch_list(request: HttpRequest) -> HttpResponse:
    """Trained workers by detachment (source region to destination), printable; mark them dispatched."""
    campaign = campaign_of(request)
    form = DateForm(request.POST or None)
    if request.method == "POST" and campaign is not None:
        ids = request.POST.getlist("file")
        files = list(file_list(user=request.user, campaign=campaign).filter(person_id__in=ids))
        if form.is_valid():
            try:
                n = dispatch_bulk(actor=request.user, files=files, departed_on=form.cleaned_data["on"])
                messages.success(request, _("%(n)s workers dispatched on %(day)s") % {
                    "n": n, "day": form.cleaned_data["on"].isoformat()})
                return _back("placement:dispatch", request)
            except DomainError as error:
                say(request, error)
    groups = detachment_list(user=request.user, campaign=campaign) if campaign else []
    return render(request, "placement/dispatch.html", {
        "campaign": campaign, "groups": groups, "form": form, "can_dispatch": holds(request.user, Action.DISPATCH),
        "untrained": file_list(user=request.user, campaign=campaign, status="selected").count() if campaign else 0})
