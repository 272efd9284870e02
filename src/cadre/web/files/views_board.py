"""The quota board: plan against volunteers, approved and selected, refreshed every few seconds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.files.pages import campaign_of
from cadre.web.files.selectors_board import board_cells, board_factories, board_totals

#: Seconds between two refreshes of the board.
REFRESH_SECONDS = 5


def _board(request: HttpRequest) -> dict:
    campaign = campaign_of(request)
    context: dict = {"campaign": campaign, "refresh": REFRESH_SECONDS}
    if campaign is None:
        return context
    cells = board_cells(user=request.user, campaign=campaign)
    context.update(cells=cells, total=board_totals(cells))
    code = request.GET.get("union_region", "")
    union_region = OrgUnit.objects.filter(kind=UnitKind.UNION_REGION, code=code).first() if code else None
    if union_region is None and len([c for c in cells if c.link]) == 1:
        union_region = OrgUnit.objects.filter(kind=UnitKind.UNION_REGION, code=next(c.link for c in cells if c.link)).first()
    if union_region is not None:
        factories = board_factories(user=request.user, campaign=campaign, union_region=union_region)
        context.update(union_region=union_region, factories=factories, factory_total=board_totals(factories))
    return context


@login_required
def quota_board(request: HttpRequest) -> HttpResponse:
    """The board page; its table region re-polls :func:`quota_board_table`."""
    return render(request, "files/quota_board.html", _board(request))


@login_required
def quota_board_table(request: HttpRequest) -> HttpResponse:
    """The board's tables only (polled by the page)."""
    return render(request, "files/_board.html", _board(request))
