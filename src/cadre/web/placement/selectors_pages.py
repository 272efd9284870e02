"""Reads behind the placement pages: where a user may act, detachments, arrivals due, assignments.

Like every selector these take the user and return only what the user's roles reach; a view never
filters by role itself.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.accounts.permissions import Action, User, scope_q, scope_units
from cadre.web.campaigns.models import Campaign
from cadre.web.files.models import PersonalFile, Status
from cadre.web.placement.models import Dispatch, Placement, Post

__all__ = ["arrivals_due", "assignment_summary", "detachment_list", "dispatch_counts", "unit_choices"]


def _reach(user: User, action: Action) -> Q:
    """Units the user acts on with ``action``: their subtrees and, for a district, its region above it."""
    units = scope_units(user, action)
    if units is None:
        return Q()
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(path__startswith=unit.path)
        ancestors = list(unit.path.strip("/").split("/")[:-1])
        q |= Q(code__in=ancestors, kind=UnitKind.REGION)
    return q


def unit_choices(*, user: User, action: Action, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, label) of the units of ``kinds`` where the user may take ``action`` (for a form's menu)."""
    units = scope_units(user, action)
    rows = OrgUnit.objects.filter(kind__in=kinds)
    if units is not None:
        q = Q(pk__in=[])
        for unit in units:
            q |= Q(path__startswith=unit.path)
        rows = rows.filter(q)
    return [(u.code, f"{u.name} ({u.code})" if u.name != u.code else u.code) for u in rows.order_by("path")]


def detachment_list(*, user: User, campaign: Campaign) -> list[dict[str, Any]]:
    """Trained files waiting to leave, as detachments: one per source region and destination region."""
    rows = (PersonalFile.objects.filter(campaign=campaign, status=Status.TRAINED)
            .filter(scope_q(user, Action.FILE_VIEW, "source_unit", "destination"))
            .select_related("destination").order_by("source_region", "destination__code", "factory_id", "person_id"))
    groups: dict[tuple[str, str], list[PersonalFile]] = defaultdict(list)
    for file in rows:
        groups[(file.source_region, file.destination.code if file.destination else "")].append(file)
    return [{"origin": o, "destination": d, "files": files, "factories": len({f.factory_id for f in files})}
            for (o, d), files in groups.items()]


def dispatch_counts(*, campaign: Campaign) -> dict[tuple[str, str], int]:
    """How many have left along each origin-destination pair (the plan's actual side; campaign-wide)."""
    rows = (Dispatch.objects.filter(file__campaign=campaign).values("file__source_region", "destination__code")
            .annotate(n=Count("id")))
    return {(r["file__source_region"], r["destination__code"]): r["n"] for r in rows}


def arrivals_due(*, user: User, campaign: Campaign) -> QuerySet[PersonalFile]:
    """Dispatched files heading for a region or district where the user records arrivals."""
    reach = OrgUnit.objects.filter(_reach(user, Action.ARRIVAL_RECORD))
    return (PersonalFile.objects.filter(campaign=campaign, status=Status.DISPATCHED, destination__in=reach)
            .select_related("destination", "dispatch").order_by("destination__code", "source_region", "person_id"))


def assignment_summary(*, user: User, campaign: Campaign) -> list[dict[str, Any]]:
    """Per district and kind of post: posts, places, and workers holding them now (the user's posts)."""
    posts = (Post.objects.filter(campaign=campaign).filter(scope_q(user, Action.FILE_VIEW, "district"))
             .values("district__region_code", "district__code", "kind")
             .annotate(posts=Count("id"), places=Sum("capacity")).order_by("district__code", "kind"))
    held = {(r["post__district__code"], r["post__kind"]): r["n"] for r in Placement.objects.filter(
        post__campaign=campaign, end__isnull=True).filter(scope_q(user, Action.FILE_VIEW, "post__district"))
        .values("post__district__code", "post__kind").annotate(n=Count("id"))}
    return [{"region": r["district__region_code"], "district": r["district__code"], "kind": r["kind"],
             "posts": r["posts"], "places": r["places"] or 0, "held": held.get((r["district__code"], r["kind"]), 0)}
            for r in posts]
