"""Writes on a distribution plan after the engine built it: editing a cell, and approving the plan.

A planner may change a pair of the plan by hand (the engine's plan is a proposal); the edited plan is
held against the rules again by the engine (:func:`cadre.web.placement.selectors.plan_verdict`), and only
a plan in which the engine finds no problem can be approved. Approval gives every file still waiting
for departure its destination under the approved plan, factory groups together.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.accounts.permissions import Action, require
from cadre.web.audit.services import audit_record
from cadre.web.bridge.plan_check import plan_destinations
from cadre.web.errors import IllegalMove, Invalid
from cadre.web.files.models import PersonalFile, Status
from cadre.web.placement.models import DistributionFlow, DistributionPlan
from cadre.web.placement.selectors import plan_verdict

__all__ = ["distribution_flow_set", "distribution_plan_approve"]

_WAITING = (Status.SELECTED, Status.TRAINED)


def _locked_plan(actor: Any, plan: DistributionPlan) -> DistributionPlan:
    require(actor, Action.DISTRIBUTION_PLAN, None, what=_("the distribution plan"))
    locked = DistributionPlan.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=plan.pk)
    if locked.approved_at is not None:
        raise IllegalMove(_("the plan was approved on %(day)s: an approved plan is not edited; run a new plan")
                          % {"day": locked.approved_at.date().isoformat()})
    return locked


def distribution_flow_set(*, actor: Any, plan: DistributionPlan, origin: str, destination: str,
                          n: int) -> DistributionFlow | None:
    """Set how many go from ``origin`` to ``destination`` (region codes) in a plan not yet approved.

    Zero removes the pair. The plan is not checked here: the page shows the engine's check of the
    edited plan, and approval refuses a plan that breaks the rules.
    """
    with transaction.atomic():
        locked = _locked_plan(actor, plan)
        regions = {u.code: u for u in OrgUnit.objects.filter(kind=UnitKind.REGION, code__in=[origin, destination])}
        problems = [_("%(code)s is not a region") % {"code": code} for code in (origin, destination)
                    if code not in regions]
        if n < 0:
            problems.append(_("a plan cannot send fewer than zero workers"))
        if problems:
            raise Invalid(_("cannot change the plan"), problems)
        flow = DistributionFlow.objects.filter(plan=locked, origin=regions[origin],
                                               destination=regions[destination]).first()
        before = flow.n if flow is not None else 0
        if n == 0:
            if flow is not None:
                flow.delete()
            flow = None
        elif flow is None:
            flow = DistributionFlow.objects.create(plan=locked, origin=regions[origin],
                                                   destination=regions[destination], n=n)
        else:
            flow.n = n
            flow.save(update_fields=["n"])
        audit_record(actor=actor, action="distribution_flow_set", obj=locked, campaign=locked.campaign,
                     before={"pair": f"{origin}->{destination}", "n": before},
                     after={"pair": f"{origin}->{destination}", "n": n})
        return flow


def distribution_plan_approve(*, actor: Any, plan: DistributionPlan) -> DistributionPlan:
    """Approve a plan the engine finds no problem in; files waiting to leave get its destinations."""
    with transaction.atomic():
        locked = _locked_plan(actor, plan)
        verdict = plan_verdict(plan=locked)
        if not verdict.ok:
            raise Invalid(_("the plan breaks the rules and cannot be approved"), verdict.problems)
        pairs = [(f.origin.code, f.destination.code, f.n) for f in locked.flows.select_related("origin", "destination")]
        files = list(PersonalFile.objects.select_for_update(of=("self",)).filter(
            campaign=locked.campaign, status__in=_WAITING).order_by("pk"))
        try:
            where = plan_destinations(files, pairs)
        except ValueError as error:
            raise Invalid(_("the files waiting to leave are no longer those the plan was built for; "
                            "run the plan again"), [str(error)]) from error
        regions = {u.code: u for u in OrgUnit.objects.filter(kind=UnitKind.REGION)}
        for file in files:
            file.destination = regions[where[file.person_id]]
        PersonalFile.objects.bulk_update(files, ["destination"], batch_size=1000)
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        audit_record(actor=actor, action="distribution_plan_approve", obj=locked, campaign=locked.campaign,
                     after={"files": len(files), "pairs": len(pairs), "total": verdict.total})
        return locked
