"""Writes of the posts in a district: opening a post and changing it (the district office's own list)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.accounts.permissions import Action, require
from cadre.web.audit.services import audit_record, snapshot
from cadre.web.campaigns.models import Campaign
from cadre.web.errors import Invalid
from cadre.web.placement.models import FarmType, Post, PostKind

__all__ = ["FARM_KINDS", "post_create", "post_update"]

#: Posts on a collective farm, which have a farm type (kommuna, artel, TOZ).
FARM_KINDS = (PostKind.CHAIRMAN, PostKind.BOARD_MEMBER, PostKind.CELL_SECRETARY)


def _problems(*, district: OrgUnit, kind: str, name: str, capacity: int, farm_type: str) -> list[str]:
    problems = []
    if district.kind != UnitKind.DISTRICT:
        problems.append(_("%(code)s is not a district: posts are opened in districts") % {"code": district.code})
    if kind not in PostKind.values:
        problems.append(_("unknown kind of post %(kind)s") % {"kind": kind})
    if not name.strip():
        problems.append(_("a post needs a name (the farm, the station)"))
    if capacity < 1:
        problems.append(_("a post has room for at least one worker"))
    if farm_type and farm_type not in FarmType.values:
        problems.append(_("unknown farm type %(t)s") % {"t": farm_type})
    if farm_type and kind not in FARM_KINDS:
        problems.append(_("only posts on a collective farm have a farm type"))
    return problems


def post_create(*, actor: Any, campaign: Campaign, district: OrgUnit, kind: str, name: str, capacity: int = 1,
                farm_type: str = "") -> Post:
    """Open a post in a district (a farm seat, a station, a state farm or an office)."""
    with transaction.atomic():
        require(actor, Action.PLACEMENT_RUN, district, what=_("posts"))
        problems = _problems(district=district, kind=kind, name=name, capacity=capacity, farm_type=farm_type)
        if problems:
            raise Invalid(_("cannot open the post"), problems)
        post = Post.objects.create(campaign=campaign, district=district, kind=kind, name=name.strip(),
                                   capacity=capacity, farm_type=farm_type)
        audit_record(actor=actor, action="post_create", obj=post, campaign=campaign, after=snapshot(post))
        return post


def post_update(*, actor: Any, post: Post, name: str, capacity: int, farm_type: str = "") -> Post:
    """Rename a post or change its room; the room cannot fall below the workers holding it now."""
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("district", "campaign").get(pk=post.pk)
        require(actor, Action.PLACEMENT_RUN, locked.district, what=_("posts"))
        problems = _problems(district=locked.district, kind=locked.kind, name=name, capacity=capacity,
                             farm_type=farm_type)
        held = Post.objects.filter(pk=locked.pk).aggregate(
            n=Count("placements", filter=Q(placements__end__isnull=True)))["n"]
        if capacity < held:
            problems.append(_("%(n)s workers hold this post now: its room cannot be smaller") % {"n": held})
        if problems:
            raise Invalid(_("cannot change the post"), problems)
        before = snapshot(locked)
        locked.name, locked.capacity, locked.farm_type = name.strip(), capacity, farm_type
        locked.save(update_fields=["name", "capacity", "farm_type"])
        audit_record(actor=actor, action="post_update", obj=locked, campaign=locked.campaign, before=before,
                     after=snapshot(locked))
        return locked
