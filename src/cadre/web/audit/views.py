"""The audit pages: a campaign's trail (filters by action, actor and date; pages), and one file's trail."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cadre.web.audit.selectors_trail import (
    audit_actions,
    audit_diff,
    audit_file_get,
    audit_file_trail,
    audit_trail,
)
from cadre.web.campaigns.selectors import campaign_list
from cadre.web.errors import Forbidden
from cadre.web.files.models import PersonalFile
from cadre.web.files.pages import campaign_of, refused

PAGE_SIZE = 50


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _rows(page: object) -> list[dict]:
    return [{"event": e, "diff": audit_diff(e.before, e.after)} for e in page.object_list]  # type: ignore[attr-defined]


@login_required
def campaign_trail(request: HttpRequest) -> HttpResponse:
    """Who did what, when, to what, before and after, under which rulebook version."""
    campaign = campaign_of(request)
    params = {k: request.GET.get(k, "").strip() for k in ("action", "actor", "since", "until")}
    try:
        rows = audit_trail(user=request.user, campaign_id=campaign.pk if campaign else None, action=params["action"],
                           actor=params["actor"], since=_day(params["since"]), until=_day(params["until"]))
        actions = audit_actions(user=request.user, campaign_id=campaign.pk if campaign else None)
    except Forbidden as error:
        return refused(request, error, back=reverse("ui:home"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/campaign.html", {"campaign": campaign, "page": page, "rows": _rows(page),
                                                   "params": params, "actions": actions, "query": query.urlencode()})


@login_required
def file_trail(request: HttpRequest, campaign: str, person_id: str) -> HttpResponse:
    """Everything recorded about one file, reads included."""
    found = get_object_or_404(campaign_list(), slug=campaign)
    try:
        file = audit_file_get(user=request.user, campaign=found, person_id=person_id)
        rows = audit_file_trail(user=request.user, file=file)
    except Forbidden as error:
        return refused(request, error, back=reverse("ui:home"))
    except PersonalFile.DoesNotExist as missing:
        raise Http404("no such file") from missing
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/file.html", {"campaign": found, "file": file, "page": page, "rows": _rows(page),
                                               "query": ""})
