"""Reads of the campaigns app."""

from __future__ import annotations

from django.db.models import QuerySet

from cadre.web.campaigns.models import Campaign, ControlFigure, FactoryQuota, RulebookVersion

__all__ = ["campaign_get", "campaign_list", "control_figure_list", "factory_quota_list", "rulebook_current"]


def campaign_list() -> QuerySet[Campaign]:
    """Every campaign, newest first (campaigns themselves are visible to every signed-in user)."""
    return Campaign.objects.all()


def campaign_get(*, slug: str) -> Campaign:
    """The campaign with this slug."""
    return Campaign.objects.get(slug=slug)


def rulebook_current(*, campaign: Campaign) -> RulebookVersion:
    """The campaign's newest rulebook version (every campaign has one from its creation)."""
    return RulebookVersion.objects.filter(campaign=campaign).latest("number")


def control_figure_list(*, campaign: Campaign, region_code: str = "") -> QuerySet[ControlFigure]:
    """The campaign's control figures, optionally of one region."""
    rows = ControlFigure.objects.filter(campaign=campaign).select_related("region")
    return rows.filter(region__code=region_code) if region_code else rows


def factory_quota_list(*, campaign: Campaign, region_code: str = "") -> QuerySet[FactoryQuota]:
    """The factory quotas pushed down from the control figures."""
    rows = FactoryQuota.objects.filter(campaign=campaign).select_related("factory")
    return rows.filter(factory__region_code=region_code) if region_code else rows
