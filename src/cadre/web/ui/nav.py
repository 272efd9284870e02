"""Navigation: which sections a user's roles open, in the order the campaign runs.

Only links are decided here; what each page shows is decided by selectors (visibility) and services
(permission). A section is a (URL name, label) pair; pages register their own URL names in their apps'
``urls.py`` under the namespaces below.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from cadre.web.accounts.models import Role
from cadre.web.accounts.permissions import memberships_of

__all__ = ["SECTIONS", "sections_for"]

R = Role
#: URL name -> (label, roles that see the link; empty: every signed-in user).
SECTIONS: tuple[tuple[str, Any, frozenset[str]], ...] = (
    ("ui:home", _("Home"), frozenset()),
    ("campaigns:list", _("Campaigns"), frozenset({R.DIRECTOR, R.HISTORIAN, R.REGIONAL_COUNCIL,
                                                  R.REGIONAL_PARTY_COMMITTEE, R.PLACEMENT_AGENCY})),
    ("files:mine", _("My file"), frozenset({R.VOLUNTEER})),
    ("files:queue", _("Review queue"), frozenset({R.PARTY_CELL, R.FACTORY_COMMITTEE, R.REGIONAL_UNION,
                                                  R.REGIONAL_COUNCIL, R.REGIONAL_PARTY_COMMITTEE})),
    ("files:quota_board", _("Quota board"), frozenset({R.DIRECTOR, R.PARTY_CELL, R.FACTORY_COMMITTEE,
                                                       R.REGIONAL_UNION, R.REGIONAL_COUNCIL,
                                                       R.REGIONAL_PARTY_COMMITTEE, R.HISTORIAN})),
    ("files:selection", _("Final selection"), frozenset({R.REGIONAL_PARTY_COMMITTEE, R.DIRECTOR})),
    ("courses:cohorts", _("Courses"), frozenset({R.COURSE_ORGANIZER, R.PLACEMENT_AGENCY})),
    ("placement:plan", _("Distribution"), frozenset({R.PLACEMENT_AGENCY, R.DIRECTOR})),
    ("placement:posts", _("Posts and placement"), frozenset({R.PLACEMENT_AGENCY, R.DISTRICT_OFFICE})),
    ("field:workers", _("Field journal"), frozenset({R.DISTRICT_OFFICE, R.PLACEMENT_AGENCY})),
    ("analytics:overview", _("Analytics"), frozenset({R.DIRECTOR, R.HISTORIAN, R.PLACEMENT_AGENCY,
                                                      R.REGIONAL_COUNCIL, R.REGIONAL_PARTY_COMMITTEE})),
    ("imports:start", _("Import"), frozenset({R.DIRECTOR, R.PLACEMENT_AGENCY})),
    ("exports:index", _("Exports"), frozenset({R.HISTORIAN, R.DIRECTOR})),
    ("audit:campaign", _("Audit"), frozenset({R.DIRECTOR, R.HISTORIAN})),
    ("api:tokens", _("API tokens"), frozenset()),
)


def sections_for(user: Any) -> list[tuple[str, str]]:
    """(url, label) of the sections the user's roles open; a section whose page is not built is left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = {m.role for m in memberships_of(user)}
    out = []
    for name, label, who in SECTIONS:
        if who and not (roles & who) and not user.is_superuser:
            continue
        url = _url(name)
        if url:
            out.append((url, str(label)))
    return out


@cache
def _url(name: str) -> str:
    """The path of a section ("" for a page not built); the URL patterns do not change while serving."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
