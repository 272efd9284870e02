"""The home page: who you are, where you sit, and the sections your roles open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadre.web.accounts.selectors import membership_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = membership_list(user=request.user).select_related("unit")
    return render(request, "ui/home.html", {"memberships": memberships})
