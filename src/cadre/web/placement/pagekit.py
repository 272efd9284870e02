"""What the after-selection pages share: the campaign a page shows, and refusals turned into pages.

Views call services and selectors; a service's refusal is a :class:`~cadre.web.errors.DomainError` with
its reason in words. :func:`refusals` makes every page show it: ``Forbidden`` as a 403 page that says
why, anything else as a message on the page the form came from (forms show their own field errors).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadre.web.campaigns.models import Campaign
from cadre.web.campaigns.selectors import campaign_get, campaign_list
from cadre.web.errors import DomainError, Forbidden

__all__ = ["campaign_of", "refusals", "refused", "say"]


def campaign_of(request: HttpRequest) -> Campaign | None:
    """The campaign named by ``?campaign=slug`` (or a form's ``campaign``), else the newest one."""
    slug = request.GET.get("campaign") or request.POST.get("campaign") or ""
    if slug:
        try:
            return campaign_get(slug=slug)
        except Campaign.DoesNotExist:
            return None
    return campaign_list().first()


def refused(request: HttpRequest, error: DomainError, *, status: int = 403) -> HttpResponse:
    """A page that says what was refused and why."""
    return render(request, "placement/refused.html", {"reason": error.reason}, status=status)


def say(request: HttpRequest, error: DomainError) -> None:
    """Put a service's refusal on the next page as an error message, with every problem."""
    messages.error(request, error.reason)


def refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; a ``Forbidden`` that escapes the view becomes the 403 page with its reason."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as error:
            return refused(request, error)

    return wrapped
