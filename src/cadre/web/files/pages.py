"""What every page of the screening side shares: the campaign being worked on, and refusals as pages.

A service's refusal (:mod:`cadre.web.errors`) is shown with its reason: ``Forbidden`` as a 403 page,
``IllegalMove`` and ``Conflict`` as 409, ``Invalid`` as 422 with every problem listed. Views never decide
who may do what; they only show what the services said.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadre.web.campaigns.models import Campaign
from cadre.web.campaigns.selectors import campaign_list
from cadre.web.errors import Conflict, DomainError, Forbidden, IllegalMove, Invalid

__all__ = ["campaign_of", "problems_of", "refusal_lines", "refused", "status_of"]


def campaign_of(request: HttpRequest) -> Campaign | None:
    """The campaign a page works on: ``?campaign=<slug>`` (GET or POST), else the newest one."""
    slug = request.POST.get("campaign") or request.GET.get("campaign") or ""
    campaigns = campaign_list()
    if slug:
        found = campaigns.filter(slug=slug).first()
        if found is not None:
            return found
    return campaigns.first()


def status_of(error: DomainError) -> int:
    """The HTTP status of a refusal."""
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, IllegalMove | Conflict):
        return 409
    return 422


def problems_of(error: DomainError) -> list[str]:
    """Every problem a refusal names (an ``Invalid`` lists them; the others have one reason)."""
    if isinstance(error, Invalid) and error.problems:
        return list(error.problems)
    return [error.reason]


def refusal_lines(error: DomainError) -> tuple[str, list[str]]:
    """A refusal as a headline and its items (a bulk refusal names every file it refused)."""
    if isinstance(error, Invalid) and error.problems:
        return error.reason.split(": ", 1)[0], list(error.problems)
    head, _sep, rest = error.reason.partition(": ")
    if not rest or (isinstance(error, Forbidden) and "; " not in rest):
        return error.reason, []
    return head, rest.split("; ")


def refused(request: HttpRequest, error: DomainError, *, back: str = "", title: str = "") -> HttpResponse:
    """The refusal page: what was refused and why, with the right status (403, 409 or 422)."""
    context: dict[str, Any] = {"error": error, "problems": problems_of(error), "back": back, "title": title,
                               "forbidden": isinstance(error, Forbidden)}
    return render(request, "files/refused.html", context, status=status_of(error))
