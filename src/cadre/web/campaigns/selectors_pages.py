"""Reads of the director's pages (beside the foundation's campaigns.selectors)."""

from __future__ import annotations

from django.db.models import QuerySet

from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.campaigns.models import Campaign, ControlFigure, Deadline, FactoryQuota, RulebookVersion

__all__ = ["deadline_list", "figure_grid", "rulebook_versions"]


def deadline_list(*, campaign: Campaign) -> QuerySet[Deadline]:
    """The campaign's calendar, by date."""
    return Deadline.objects.filter(campaign=campaign).order_by("due_on")


def rulebook_versions(*, campaign: Campaign) -> QuerySet[RulebookVersion]:
    """Every rulebook version of the campaign, newest first, with how many decisions each produced."""
    from django.db.models import Count

    return (RulebookVersion.objects.filter(campaign=campaign).select_related("created_by")
            .annotate(n_decisions=Count("decisions")).order_by("-number"))


def figure_grid(*, campaign: Campaign, unions: tuple[str, ...]) -> list[dict]:
    """One row per region: its control figure per union, its total and its factories' pushed-down total."""
    figures = {(f.region_id, f.union): f.quota for f in ControlFigure.objects.filter(campaign=campaign)}
    pushed: dict[str, int] = {}
    for code, quota in FactoryQuota.objects.filter(campaign=campaign).values_list("factory__region_code", "quota"):
        pushed[code] = pushed.get(code, 0) + quota
    rows = []
    for region in OrgUnit.objects.filter(kind=UnitKind.REGION).order_by("code"):
        cells = [(u, figures.get((region.pk, u))) for u in unions]
        rows.append({"region": region, "cells": cells, "total": sum(q or 0 for _u, q in cells),
                     "pushed": pushed.get(region.code, 0)})
    return sorted(rows, key=lambda r: (-r["total"], r["region"].code))
