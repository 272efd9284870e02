"""Helpers the API's routes share: the campaign from the URL, paging, a unit named in the input."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cadre.web.accounts.models import OrgUnit
from cadre.web.accounts.selectors import unit_get
from cadre.web.api.problems import ProblemError
from cadre.web.campaigns.models import Campaign
from cadre.web.campaigns.selectors import campaign_get

__all__ = ["MAX_PAGE", "campaign_of", "page_of", "unit_named"]

MAX_PAGE = 500


def campaign_of(slug: str) -> Campaign:
    """The campaign of the URL (404 when there is none; campaigns are visible to every signed-in user)."""
    return campaign_get(slug=slug)


def unit_named(code: str, place: list[str | int]) -> OrgUnit:
    """The org unit with this code, or a 422 problem at ``place``."""
    try:
        return unit_get(code=code)
    except OrgUnit.DoesNotExist:
        raise ProblemError(422, _("no such unit"), [(place, _("no unit with code %(code)s") % {"code": code})]) from None


def page_of(rows: QuerySet[Any] | list[Any], page: int, page_size: int, out: Callable[[Any], Any]) -> dict[str, Any]:
    """One page of ``rows`` (already ordered) as ``{count, page, page_size, items}``."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (page - 1) * page_size
    # A page past the end is empty; never slice there (an offset beyond 64 bits is a database error).
    chunk: Iterable[Any] = rows[start:start + page_size] if start < count else []
    return {"count": count, "page": page, "page_size": page_size, "items": [out(r) for r in chunk]}
