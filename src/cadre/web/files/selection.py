"""Final selection: the engine's optimizer fills the control figures from the approved files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.engine.certificate import Status as SolveStatus
from cadre.engine.screening import Action as LadderAction
from cadre.web.accounts.models import OrgUnit
from cadre.web.accounts.permissions import Action, require
from cadre.web.audit.services import audit_record
from cadre.web.bridge import schema as bridge_schema
from cadre.web.bridge.selection import selection_solve
from cadre.web.campaigns.models import Campaign, ControlFigure, FactoryQuota
from cadre.web.errors import IllegalMove, Invalid
from cadre.web.files.bulk import write_batch
from cadre.web.files.decide import current_rulebook
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.reasons import ReasonCode

__all__ = ["selection_run"]

Progress = Callable[[float, str], None]
#: Statuses of files that took a place of the control figures: selected, and every stage of service after.
_TAKEN = (Status.SELECTED, Status.TRAINED, Status.DISPATCHED, Status.ARRIVED, Status.PLACED, Status.EXITED)


def selection_run(*, actor: Any, campaign: Campaign, region: OrgUnit | None = None, as_of: date | None = None,
                  progress: Progress | None = None) -> dict[str, Any]:
    """Select the cohort among the approved files of the campaign (or of one region) and record it.

    Refused before the campaign's selection date. The engine's optimizer fills the control figures (and
    factory quotas) meeting the rulebook's cohort targets; every file it chooses takes the ladder's
    ``select`` move by the body that makes the final selection on ``as_of``, in one transaction with its
    decision and audit rows. Files not chosen stay approved. The figures count every file selected so far,
    by earlier runs too, so a second run only fills what the first left; runs of one campaign take turns
    (a lock on the campaign's row). Returns a summary with the certificate.
    """
    note = progress or (lambda _f, _m: None)
    with transaction.atomic():
        require(actor, Action.SELECTION_RUN, region, what=_("final selection"))
        day = as_of or timezone.now().date()
        if day < campaign.selection_opens_on:
            raise IllegalMove(_("final selection opens on %(day)s") % {"day": campaign.selection_opens_on.isoformat()})
        # Two runs at once would each fill the whole figures. The second waits here for the first to commit,
        # then counts what it selected. NO KEY UPDATE leaves the campaign free to be referenced meanwhile
        # (decisions and audit rows of other files are written while a selection runs).
        Campaign.objects.select_for_update(no_key=True, of=("self",)).filter(pk=campaign.pk).first()
        files = PersonalFile.objects.select_for_update(of=("self",)).select_related("campaign", "source_unit").filter(
            campaign=campaign, status=Status.APPROVED)
        taken = PersonalFile.objects.filter(campaign=campaign, status__in=_TAKEN)
        taken_cells = {(r["source_region"], r["union"]): r["n"] for r in
                       taken.values("source_region", "union").annotate(n=Count("id")).order_by()}
        taken_factories = {r["factory_id"]: r["n"] for r in taken.values("factory_id").annotate(n=Count("id")).order_by()}
        figures = ControlFigure.objects.filter(campaign=campaign).select_related("region")
        quotas = FactoryQuota.objects.filter(campaign=campaign).select_related("factory")
        if region is not None:
            files = files.filter(source_unit__path__startswith=region.path)
            figures = figures.filter(region__path__startswith=region.path)
            quotas = quotas.filter(factory__path__startswith=region.path)
        candidates = list(files.order_by("pk"))
        if not candidates:
            raise Invalid(_("no approved files to select from"))
        version = current_rulebook(campaign.pk)
        book = bridge_schema.rulebook_parse(version.text, source=version.ref)
        note(0.2, _("solving"))
        answer = selection_solve(
            candidates, [{"source_region": f.region.code, "union": f.union,
                          "quota": max(0, f.quota - taken_cells.get((f.region.code, f.union), 0))} for f in figures],
            [{"factory_id": q.factory.code, "quota": max(0, q.quota - taken_factories.get(q.factory.code, 0))}
             for q in quotas], book, historical=campaign.historical)
        cert = answer.certificate
        if answer.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            raise Invalid(_("no selection keeps the rules"), [b.explanation for b in cert.binding])
        note(0.7, _("recording decisions"))
        chosen = set(answer.selected.get_column("person_id").to_list())
        picked = [f for f in candidates if f.person_id in chosen]
        ladder = bridge_schema.ladder(campaign.ladder_version)
        selector = ladder.selector_on(day)
        written = []
        if picked:
            states = pl.DataFrame([{"person_id": f.person_id, "stage": f.status, "rejected_at": f.rejected_at,
                                    "appealed": f.appealed, "decided_by": f.decided_by_role} for f in picked],
                                  schema={"person_id": pl.String, "stage": pl.String, "rejected_at": pl.String,
                                          "appealed": pl.Boolean, "decided_by": pl.String})
            result = ladder.apply_batch(states, LadderAction.SELECT, role=selector, as_of=day,
                                        reason="final selection: control figures and cohort targets")
            if not result.illegal.is_empty():
                raise IllegalMove("; ".join(w for w in result.illegal.get_column("why").to_list()[:5]))
            written = write_batch(actor, campaign, picked, result, LadderAction.SELECT, ReasonCode.SELECTED,
                                  _("final selection by the optimizer"), version, ladder)
        summary = {
            "candidates": len(candidates), "selected": len(written), "status": str(cert.status),
            "objective": cert.objective, "bound": cert.bound, "selector": selector.value,
            "binding": [b.explanation for b in cert.binding], "seconds": cert.seconds, "gap": cert.gap,
            "binding_detail": cert.as_dict()["binding"],
            "targets": answer.targets.select("code", "label", "hard", "bound", "share", "required", "count",
                                             "shortfall", "met").to_dicts(),
            "fill": answer.fill.select("source_region", "union", "quota", "selected", "shortfall").to_dicts(),
        }
        audit_record(actor=actor, action="selection_run", obj=region or campaign, campaign=campaign,
                     rulebook_version=version, after={k: v for k, v in summary.items() if k not in ("fill", "targets", "binding_detail")})
        note(1.0, _("done"))
        return summary
