"""Reads of the placement app."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cadre.web.accounts.permissions import Action, User, scope_q
from cadre.web.bridge.plan_check import PlanVerdict, plan_check
from cadre.web.campaigns.models import Campaign
from cadre.web.placement.models import DistributionFlow, DistributionPlan, Placement, Post

__all__ = ["placement_list", "plan_current", "plan_flows", "plan_verdict", "post_list"]


def post_list(*, user: User, campaign: Campaign) -> QuerySet[Post]:
    """Posts in the user's units, with how many hold each now."""
    return (Post.objects.filter(campaign=campaign).filter(scope_q(user, Action.FILE_VIEW, "district"))
            .annotate(held=Count("placements", filter=Q(placements__end__isnull=True))).select_related("district"))


def plan_current(*, campaign: Campaign) -> DistributionPlan | None:
    """The campaign's newest distribution plan (plans are campaign-wide, visible to all staff)."""
    return DistributionPlan.objects.filter(campaign=campaign).order_by("-created_at", "-id").first()


def plan_flows(*, plan: DistributionPlan) -> QuerySet[DistributionFlow]:
    """The pairs of a plan."""
    return plan.flows.select_related("origin", "destination").order_by("origin__code", "destination__code")


def placement_list(*, user: User, campaign: Campaign, current: bool = True) -> QuerySet[Placement]:
    """Placements of visible files (current ones only by default)."""
    rows = Placement.objects.filter(file__campaign=campaign).filter(
        scope_q(user, Action.FILE_VIEW, "file__source_unit", "file__destination"))
    return rows.filter(end__isnull=True) if current else rows


def plan_verdict(*, plan: DistributionPlan) -> PlanVerdict:
    """The engine's check of the plan as it stands now (after any edits), against what it was built for."""
    pairs = [(f.origin.code, f.destination.code, f.n) for f in plan_flows(plan=plan)]
    cert = plan.certificate or {}
    return plan_check(pairs, supply=cert.get("supply", {}), historical=plan.campaign.historical,
                      capacity=cert.get("capacity", {}))
