"""Bulk decisions: one action on many files, all or nothing, through the ladder's batch form."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.engine.screening import Action as LadderAction
from cadre.engine.screening import Decision as EngineDecision
from cadre.engine.screening import Role, Stage
from cadre.web.audit.services import audit_record_many
from cadre.web.bridge import schema as bridge_schema
from cadre.web.campaigns.models import Campaign
from cadre.web.errors import DomainError, Forbidden, IllegalMove, Invalid
from cadre.web.files.decide import check_reasons, current_rulebook, decision_row, state_row
from cadre.web.files.models import Decision, PersonalFile
from cadre.web.files.services import acting_role

__all__ = ["file_decide_bulk", "write_batch"]

_FIELDS = ["status", "rejected_at", "appealed", "decided_by_role", "version", "updated_at"]


def file_decide_bulk(*, actor: Any, campaign: Campaign, person_ids: list[str], action: str, reason_code: str = "",
                     reason: str = "", as_of: date | None = None) -> list[Decision]:
    """Take one action on many files at once: every file moves, or none does.

    All files are locked first; then every refusal is collected (permission per file, the reason
    against the rulebook, the ladder's batch check) and reported together. Only when there is none are
    the files moved and their decisions and audit rows written, in the same transaction.
    """
    with transaction.atomic():
        day = as_of or timezone.now().date()
        ladder_action = LadderAction(action)
        files = list(PersonalFile.objects.select_for_update(of=("self",)).select_related("campaign", "source_unit")
                     .filter(campaign=campaign, person_id__in=person_ids).order_by("pk"))
        missing = sorted(set(person_ids) - {f.person_id for f in files})
        if missing:
            raise Invalid(_("no such files in this campaign"), missing)
        refused: list[str] = []
        roles = []
        for file in files:
            try:
                roles.append(acting_role(actor, file, ladder_action, None, day))
            except DomainError as error:
                refused.append(error.reason)
        if refused:
            raise Forbidden(_("%(n)d of %(total)d files refused; nothing was decided: %(why)s") % {
                "n": len(refused), "total": len(files), "why": "; ".join(refused[:20])})
        version = current_rulebook(campaign.pk)
        code, problems = check_reasons(files, ladder_action, reason_code, reason, version)
        if problems:
            raise Invalid(_("the decision's reason is not accepted; nothing was decided"), problems)
        ladder = bridge_schema.ladder(campaign.ladder_version)
        states = pl.DataFrame([{"person_id": f.person_id, "stage": f.status, "rejected_at": f.rejected_at,
                                "appealed": f.appealed, "decided_by": f.decided_by_role} for f in files],
                              schema={"person_id": pl.String, "stage": pl.String, "rejected_at": pl.String,
                                      "appealed": pl.Boolean, "decided_by": pl.String})
        result = ladder.apply_batch(states, ladder_action, role=pl.Series([r.value for r in roles]), as_of=day,
                                    reason=reason or code)
        if not result.illegal.is_empty():
            lines = [f"{pid}: {why}" for pid, why in result.illegal.select("person_id", "why").iter_rows()]
            raise IllegalMove(_("%(n)d files cannot take this move; nothing was decided: %(why)s") % {
                "n": len(lines), "why": "; ".join(lines[:20])})
        return write_batch(actor, campaign, files, result, ladder_action, code, reason, version, ladder)


def write_batch(actor: Any, campaign: Campaign, files: list[PersonalFile], result: Any, action: LadderAction, code: str,
           reason: str, version: Any, ladder: Any) -> list[Decision]:
    new = {row["person_id"]: row for row in result.states.iter_rows(named=True)}
    logs = {row["person_id"]: row for row in result.log.iter_rows(named=True)}
    decisions, audits = [], []
    for file in files:
        before = state_row(file)
        tier = ladder.tier_of(file.status) if action in (LadderAction.APPROVE, LadderAction.REJECT) else None
        state = new[file.person_id]
        file.status, file.rejected_at = state["stage"], state["rejected_at"]
        file.appealed, file.decided_by_role = bool(state["appealed"]), state["decided_by"]
        log = logs[file.person_id]
        engine = EngineDecision(person_id=file.person_id, from_stage=Stage(log["from_stage"]),
                                to_stage=Stage(log["to_stage"]), action=LadderAction(log["action"]),
                                role=Role(log["role"]), reason=log["reason"], as_of=log["as_of"],
                                version=log["version"])
        decisions.append(decision_row(file, engine, actor=actor, tier=tier[0] if tier else None, code=code,
                                      reason=reason, version=version, ladder_version=ladder.version))
        file.updated_at = timezone.now()
        audits.append((str(file.pk), before, {**state_row(file), "reason_code": code, "role": log["role"]}))
    PersonalFile.objects.bulk_update(files, _FIELDS, batch_size=1000)
    Decision.objects.bulk_create(decisions, batch_size=2000)
    audit_record_many(actor=actor, action=f"file_{action.value}", object_type="files.personalfile", rows=audits,
                      campaign=campaign, rulebook_version=version)
    return decisions

