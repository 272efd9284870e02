"""Writes of the campaigns app: campaigns from templates, control figures, rulebook versions, deadlines."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.accounts.permissions import Action, require
from cadre.web.audit.services import audit_record, snapshot
from cadre.web.bridge import schema as bridge_schema
from cadre.web.bridge.selection import push_down, template_quotas
from cadre.web.campaigns.models import (
    Campaign,
    ControlFigure,
    Deadline,
    FactoryQuota,
    RulebookVersion,
    Template,
)
from cadre.web.errors import Invalid

__all__ = [
    "campaign_create_from_template",
    "control_figure_set",
    "control_figures_push_down",
    "deadline_set",
    "rulebook_version_create",
]


def _regions(codes: list[str]) -> dict[str, OrgUnit]:
    units = {u.code: u for u in OrgUnit.objects.filter(kind=UnitKind.REGION, code__in=codes)}
    missing = sorted(set(codes) - set(units))
    if missing:
        raise Invalid(_("these regions are not in the organization tree"), missing)
    return units


def _rulebook_version(campaign: Campaign, text: str, actor: Any) -> RulebookVersion:
    try:
        book = bridge_schema.rulebook_parse(text, source=f"{campaign.slug} rulebook")
    except bridge_schema.RulebookError as error:
        raise Invalid(_("the rulebook is not valid"), [str(error)]) from error
    last = campaign.rulebooks.order_by("-number").values_list("number", flat=True).first() or 0
    return RulebookVersion.objects.create(campaign=campaign, number=last + 1, text=text, ref=book.ref,
                                          created_by=actor)


def campaign_create_from_template(*, actor: Any, template: str, slug: str, name: str,
                                  selection_opens_on: date, with_control_figures: bool = True) -> Campaign:
    """Create a campaign from a template: its rulebook (bundled) and, for 1929, the record's control figures.

    The 1929 figures are the record's quotas by region and by union, fitted to region x union cells
    (the twin's own fitting); every region they name must exist as an org unit. Director at the center.
    """
    with transaction.atomic():
        require(actor, Action.CAMPAIGN_MANAGE, None, what=_("create a campaign"))
        if template not in Template.values:
            raise Invalid(_("unknown template %(t)s") % {"t": template})
        if Campaign.objects.filter(slug=slug).exists():
            raise Invalid(_("a campaign %(slug)s exists already") % {"slug": slug})
        historical = template == Template.USSR_1929
        campaign = Campaign.objects.create(slug=slug, name=name, template=template, ladder_version="1929",
                                           selection_opens_on=selection_opens_on, historical=historical,
                                           created_by=actor)
        version = _rulebook_version(campaign, bridge_schema.template_rulebook_text(template), actor)
        figures = 0
        if with_control_figures and historical:
            quotas = template_quotas()
            units = _regions(sorted(set(quotas.get_column("source_region").to_list())))
            ControlFigure.objects.bulk_create(
                ControlFigure(campaign=campaign, region=units[r], union=u, quota=q)
                for r, u, q in quotas.select("source_region", "union", "quota").iter_rows() if q > 0)
            figures = int(quotas.get_column("quota").sum())
        audit_record(actor=actor, action="campaign_create", obj=campaign, campaign=campaign,
                     rulebook_version=version, after={**snapshot(campaign), "control_figures_total": figures})
        return campaign


def control_figure_set(*, actor: Any, campaign: Campaign, region: OrgUnit, union: str, quota: int) -> ControlFigure:
    """Set one control figure (region x union). The director, or the region's own council (raise or lower)."""
    with transaction.atomic():
        require(actor, Action.CONTROL_FIGURES_SET, region, what=_("control figures"))
        problems = []
        if region.kind != UnitKind.REGION:
            problems.append(_("%(code)s is not a region") % {"code": region.code})
        if union not in bridge_schema.schema()["union"].allowed:
            problems.append(_("unknown union %(u)s") % {"u": union})
        if quota < 0:
            problems.append(_("a quota cannot be negative"))
        if problems:
            raise Invalid(_("cannot set the control figure"), problems)
        figure = ControlFigure.objects.select_for_update(of=("self",)).filter(campaign=campaign, region=region, union=union).first()
        before = snapshot(figure) if figure else None
        if figure is None:
            figure = ControlFigure.objects.create(campaign=campaign, region=region, union=union, quota=quota)
        else:
            figure.quota = quota
            figure.save(update_fields=["quota"])
        audit_record(actor=actor, action="control_figure_set", obj=figure, campaign=campaign, before=before,
                     after=snapshot(figure))
        return figure


def control_figures_push_down(*, actor: Any, campaign: Campaign, region: OrgUnit) -> list[FactoryQuota]:
    """Push a region's control figures down to its factories, replacing their quotas.

    Each union's figure is shared among the region's factories of that union in proportion to the files
    each has declared so far, plus one (a factory with none still gets its share of a large figure), by
    largest remainders, so the factory quotas add up to the figure exactly.
    """
    with transaction.atomic():
        require(actor, Action.CONTROL_FIGURES_SET, region, what=_("push down control figures"))
        figures = pl.DataFrame(list(ControlFigure.objects.filter(campaign=campaign, region=region)
                                    .values("union", "quota")), schema={"union": pl.String, "quota": pl.Int64})
        factories = OrgUnit.objects.filter(kind=UnitKind.FACTORY, path__startswith=region.path).annotate(
            declared=Count("files", distinct=True))
        frame = pl.DataFrame([{"factory": f.code, "union": f.union, "weight": f.declared + 1} for f in factories],
                             schema={"factory": pl.String, "union": pl.String, "weight": pl.Int64})
        shares = push_down(figures, frame)
        by_code = {f.code: f for f in factories}
        before = list(FactoryQuota.objects.filter(campaign=campaign, factory__in=factories).values("factory__code", "quota"))
        FactoryQuota.objects.filter(campaign=campaign, factory__in=factories).delete()
        rows = FactoryQuota.objects.bulk_create(
            FactoryQuota(campaign=campaign, factory=by_code[code], quota=q)
            for code, q in shares.select("factory", "quota").iter_rows() if q > 0)
        audit_record(actor=actor, action="control_figures_push_down", obj=region, campaign=campaign,
                     before=before, after=[{"factory": r.factory.code, "quota": r.quota} for r in rows])
        return rows


def rulebook_version_create(*, actor: Any, campaign: Campaign, text: str) -> RulebookVersion:
    """Add a new version of the campaign's rulebook; the text must parse and pass the engine's checks."""
    with transaction.atomic():
        require(actor, Action.CAMPAIGN_MANAGE, None, what=_("the rulebook"))
        Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)  # one new number at a time
        version = _rulebook_version(campaign, text, actor)
        audit_record(actor=actor, action="rulebook_version_create", obj=version, campaign=campaign,
                     rulebook_version=version, after={"number": version.number, "ref": version.ref})
        return version


def deadline_set(*, actor: Any, campaign: Campaign, kind: str, due_on: date, note: str = "") -> Deadline:
    """Set (or move) one deadline of the campaign's calendar."""
    with transaction.atomic():
        require(actor, Action.CAMPAIGN_MANAGE, None, what=_("deadlines"))
        deadline = Deadline.objects.filter(campaign=campaign, kind=kind).first()
        before = snapshot(deadline) if deadline else None
        deadline, _created = Deadline.objects.update_or_create(campaign=campaign, kind=kind,
                                                               defaults={"due_on": due_on, "note": note})
        audit_record(actor=actor, action="deadline_set", obj=deadline, campaign=campaign, before=before,
                     after=snapshot(deadline))
        return deadline
