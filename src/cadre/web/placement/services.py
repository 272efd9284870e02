"""Writes of the placement app: the distribution plan, placement by the optimizer, dispatch, arrival."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from cadre.engine.certificate import Status as SolveStatus
from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.accounts.permissions import Action, require
from cadre.web.audit.services import audit_record, audit_record_many
from cadre.web.bridge.distribution import destinations, distribution_solve
from cadre.web.bridge.placement import placement_solve
from cadre.web.campaigns.models import Campaign
from cadre.web.errors import IllegalMove, Invalid
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.workflow import Move, lifecycle_apply
from cadre.web.placement.models import (
    Arrival,
    Dispatch,
    DistributionFlow,
    DistributionPlan,
    Placement,
    Post,
    PostKind,
)

__all__ = ["arrival_record", "dispatch", "distribution_plan_run", "placement_run"]

Progress = Callable[[float, str], None]
_PLANNED = (Status.SELECTED, Status.TRAINED)


def distribution_plan_run(*, actor: Any, campaign: Campaign, progress: Progress | None = None) -> DistributionPlan:
    """Build the origin-destination plan for the selected files and give each file its destination region.

    Historical campaigns use the record's destinations, priorities and group sizes; others the room of
    the posts in each region. Factory groups travel together. Files already dispatched keep theirs.
    """
    note = progress or (lambda _f, _m: None)
    with transaction.atomic():
        require(actor, Action.DISTRIBUTION_PLAN, None, what=_("the distribution plan"))
        files = list(PersonalFile.objects.select_for_update(of=("self",)).filter(campaign=campaign, status__in=_PLANNED)
                     .order_by("pk"))
        if not files:
            raise Invalid(_("no selected files to distribute"))
        room = dict(Post.objects.filter(campaign=campaign).exclude(kind=PostKind.DISTRICT_OFFICE)
                    .values_list("district__region_code").annotate(n=Sum("capacity")))
        note(0.2, _("solving"))
        frame, answer = distribution_solve(files, historical=campaign.historical, capacity=room)
        cert = answer.certificate
        if not answer.ok:
            raise Invalid(_("no distribution plan keeps the rules"), [b.explanation for b in cert.binding])
        regions = {u.code: u for u in OrgUnit.objects.filter(kind=UnitKind.REGION)}
        plan = DistributionPlan.objects.create(
            campaign=campaign, status=str(cert.status), objective=cert.objective, bound=cert.bound,
            certificate={"solver": cert.solver, "seconds": cert.seconds, "message": cert.message,
                         "binding": [b.explanation for b in cert.binding],
                         # What the plan was built for: an edited plan is checked against it again.
                         "supply": dict(frame.group_by("source_region").len().iter_rows()),
                         "capacity": room}, created_by=actor)
        pairs = answer.pairs
        DistributionFlow.objects.bulk_create(
            DistributionFlow(plan=plan, origin=regions[o], destination=regions[d], n=n) for o, d, n in pairs.iter_rows())
        where = destinations(frame, pairs)
        for file in files:
            file.destination = regions[where[file.person_id]]
        PersonalFile.objects.bulk_update(files, ["destination"], batch_size=1000)
        audit_record(actor=actor, action="distribution_plan_run", obj=plan, campaign=campaign,
                     after={"files": len(files), "pairs": pairs.height, "status": plan.status})
        note(1.0, _("done"))
        return plan


def placement_run(*, actor: Any, campaign: Campaign, region: OrgUnit, start: date,
                  progress: Progress | None = None) -> dict[str, Any]:
    """Place every arrived file of a destination region in a post, by the engine's exact assignment.

    Refused as a whole (nothing placed) when the optimizer cannot place everyone; the certificate's
    binding says who and why. Each file moves arrived -> placed with its placement and audit row.
    """
    note = progress or (lambda _f, _m: None)
    with transaction.atomic():
        require(actor, Action.PLACEMENT_RUN, region, what=_("placement"))
        files = list(PersonalFile.objects.select_for_update(of=("self",)).filter(
            campaign=campaign, status=Status.ARRIVED, destination__path__startswith=region.path).order_by("pk"))
        if not files:
            raise Invalid(_("nobody has arrived in %(code)s to place") % {"code": region.code})
        posts = (Post.objects.filter(campaign=campaign, district__path__startswith=region.path)
                 .exclude(kind=PostKind.DISTRICT_OFFICE)
                 .annotate(held=Count("placements", filter=Q(placements__end__isnull=True))).select_related("district"))
        open_posts = [{"post_id": p.pk, "region": p.district.region_code, "kind": p.kind,
                       "capacity": p.capacity - p.held} for p in posts if p.capacity > p.held]
        people = [{"person_id": f.person_id, "region": f.destination.region_code if f.destination else "",
                   "union": f.union, "party_status": f.party_status} for f in files]
        note(0.2, _("solving"))
        result = placement_solve(people, open_posts)
        cert = result.certificate
        if cert.status is not SolveStatus.OPTIMAL:
            raise Invalid(_("not everyone can be placed; nobody was placed"), [b.explanation for b in cert.binding])
        chosen = {pid: (post, cost) for pid, post, cost in result.assignment.select("person_id", "post_id", "cost").iter_rows()}
        rows, audits = [], []
        for file in files:
            post_id, cost = chosen[file.person_id]
            before = file.status
            lifecycle_apply(file, Move.PLACE)
            rows.append(Placement(file=file, post_id=post_id, start=start, cost=cost,
                                  explanation=_("optimal assignment")))
            audits.append((str(file.pk), {"status": before}, {"status": file.status, "post": post_id}))
        PersonalFile.objects.bulk_update(files, ["status"], batch_size=1000)
        Placement.objects.bulk_create(rows, batch_size=2000)
        audit_record_many(actor=actor, action="file_place", object_type="files.personalfile", rows=audits,
                          campaign=campaign)
        summary = {"placed": len(rows), "status": str(cert.status), "objective": cert.objective, "bound": cert.bound}
        audit_record(actor=actor, action="placement_run", obj=region, campaign=campaign, after=summary)
        note(1.0, _("done"))
        return summary


def dispatch(*, actor: Any, file: PersonalFile, departed_on: date) -> Dispatch:
    """Send a trained file to its destination region (the distribution plan must have given one)."""
    with transaction.atomic():
        locked = PersonalFile.objects.select_for_update(of=("self",)).select_related("source_unit", "destination").get(pk=file.pk)
        require(actor, Action.DISPATCH, locked.source_unit, what=_("dispatch"))
        if locked.destination is None:
            raise IllegalMove(_("file %(id)s has no destination yet: run the distribution plan first")
                              % {"id": locked.person_id})
        before = locked.status
        lifecycle_apply(locked, Move.DISPATCH)
        locked.save(update_fields=["status", "updated_at"])
        row = Dispatch.objects.create(file=locked, destination=locked.destination, departed_on=departed_on,
                                      recorded_by=actor)
        audit_record(actor=actor, action="file_dispatch", obj=locked, campaign=locked.campaign,
                     before={"status": before}, after={"status": locked.status, "departed_on": departed_on})
        return row


def arrival_record(*, actor: Any, file: PersonalFile, arrived_on: date, unit: OrgUnit | None = None) -> Arrival:
    """Record a dispatched file's arrival at the receiving office of its destination.

    ``unit`` is the receiving office (the destination region, or a district in it); the file's destination
    narrows to it, so that the district office that received the worker places them.
    """
    with transaction.atomic():
        locked = PersonalFile.objects.select_for_update(of=("self",)).select_related("destination").get(pk=file.pk)
        where = unit or locked.destination
        if where is None or locked.destination is None or not locked.destination.contains(where):
            raise Invalid(_("the arrival must be recorded in the file's destination region"))
        require(actor, Action.ARRIVAL_RECORD, where, what=_("arrivals"))
        dispatched = Dispatch.objects.filter(file=locked).values_list("departed_on", flat=True).first()
        if dispatched is not None and arrived_on < dispatched:
            raise Invalid(_("a worker cannot arrive before departing (%(day)s)") % {"day": dispatched.isoformat()})
        before = locked.status
        lifecycle_apply(locked, Move.ARRIVE)
        locked.destination = where
        locked.save(update_fields=["status", "destination", "updated_at"])
        row = Arrival.objects.create(file=locked, unit=where, arrived_on=arrived_on, recorded_by=actor)
        audit_record(actor=actor, action="file_arrive", obj=locked, campaign=locked.campaign,
                     before={"status": before}, after={"status": locked.status, "arrived_on": arrived_on})
        return row
