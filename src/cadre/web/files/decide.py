"""The body of every screening decision, for one file or many, under locks the caller holds.

Services (``files.services``, ``files.bulk``, ``files.selection``) check permissions and lock rows, then
call these functions, which check the reason against the rulebook through the engine, move the file
through ``workflow`` and write the decision and its audit row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.engine.screening import Action as LadderAction
from cadre.engine.screening import Role as LadderRole
from cadre.web.audit.services import audit_record
from cadre.web.bridge import files as bridge_files
from cadre.web.bridge import schema as bridge_schema
from cadre.web.campaigns.models import RulebookVersion
from cadre.web.errors import Invalid
from cadre.web.files.models import Decision, PersonalFile
from cadre.web.files.reasons import ReasonCode
from cadre.web.files.workflow import screening_apply

__all__ = ["REJECTIONS", "check_reasons", "decide_locked", "decision_row", "state_row"]

#: Actions that turn a file down: they must cite a criterion the file fails, or the committee's judgement.
REJECTIONS = {LadderAction.REJECT, LadderAction.OVERRIDE_REJECT, LadderAction.DISMISS_APPEAL}
_DEFAULT_CODES = {
    LadderAction.SUBMIT: ReasonCode.DECLARATION, LadderAction.APPROVE: ReasonCode.MEETS_CRITERIA,
    LadderAction.SELECT: ReasonCode.SELECTED, LadderAction.APPEAL: ReasonCode.APPEAL,
    LadderAction.UPHOLD_APPEAL: ReasonCode.APPEAL, LadderAction.OVERRIDE_APPROVE: ReasonCode.OVERRULED,
    LadderAction.WITHDRAW: ReasonCode.WITHDRAWN,
}


def current_rulebook(campaign_id: int) -> RulebookVersion:
    """The campaign's newest rulebook version: the one new decisions are taken under."""
    return RulebookVersion.objects.filter(campaign_id=campaign_id).order_by("-number").first()


def check_reasons(files: list[PersonalFile], action: LadderAction, reason_code: str, reason: str,
                  version: RulebookVersion) -> tuple[str, list[str]]:
    """The reason code to store, and every problem with the reason for these files (engine eligibility)."""
    code = reason_code or _DEFAULT_CODES.get(action, "")
    book = bridge_schema.rulebook_parse(version.text, source=version.ref)
    criteria = {c.code for c in book.criteria}
    problems: list[str] = []
    if action in REJECTIONS:
        if code == ReasonCode.COMMITTEE_JUDGEMENT:
            if not reason.strip():
                problems.append(_("a rejection on the committee's judgement needs the committee's reasons in words"))
            return code, problems
        if code not in criteria:
            return code, [_("cite a criterion of rulebook %(ref)s (%(codes)s) or committee_judgement, not %(code)r")
                          % {"ref": version.ref, "codes": ", ".join(sorted(criteria)), "code": code}]
        failing = bridge_files.eligibility(files, book)
        problems += [_("file %(id)s meets criterion %(code)s: a rule cannot reject it; cite committee_judgement "
                       "with reasons") % {"id": pid, "code": code}
                     for pid, codes in failing.items() if code not in codes]
    elif action == LadderAction.APPROVE:
        failing = bridge_files.eligibility(files, book)
        problems += [_("file %(id)s fails %(codes)s under rulebook %(ref)s: it cannot be approved")
                     % {"id": pid, "codes": ", ".join(codes), "ref": version.ref}
                     for pid, codes in failing.items() if codes]
    elif not code:
        problems.append(_("a reason code is required"))
    return code, problems


def state_row(file: PersonalFile) -> dict[str, Any]:
    """The workflow fields of a file, for audit rows."""
    return {"status": file.status, "rejected_at": file.rejected_at, "appealed": file.appealed,
            "decided_by_role": file.decided_by_role, "version": file.version}


def decision_row(file: PersonalFile, engine_decision: Any, *, actor: Any, tier: int | None, code: str,
                 reason: str, version: RulebookVersion | None, ladder_version: str) -> Decision:
    """The Decision row for an applied move (not saved); takes the file's next decision number."""
    file.version += 1
    return Decision(
        campaign_id=file.campaign_id, file=file, seq=file.version, action=engine_decision.action.value,
        role=engine_decision.role.value, tier=tier, from_status=engine_decision.from_stage.value,
        to_status=engine_decision.to_stage.value, outcome=engine_decision.to_stage.value, reason_code=code,
        reason=reason, rulebook_version=version, ladder_version=ladder_version,
        decided_by=None if actor.username == "cadre-system" else actor, decided_at=timezone.now(),
        as_of=engine_decision.as_of)


def decide_locked(*, actor: Any, file: PersonalFile, action: LadderAction, role: LadderRole, reason_code: str,
                  reason: str, as_of: date | None) -> Decision:
    """Decide on one file whose row the caller has locked (permission already checked)."""
    day = as_of or timezone.now().date()
    version = current_rulebook(file.campaign_id)
    code, problems = check_reasons([file], action, reason_code, reason, version)
    if problems:
        raise Invalid(_("the decision's reason is not accepted"), problems)
    ladder = bridge_schema.ladder(file.campaign.ladder_version)
    before = state_row(file)
    tier = ladder.tier_of(file.status) if action in (LadderAction.APPROVE, LadderAction.REJECT) else None
    engine_decision = screening_apply(file, ladder, action, role=role, reason=reason or code, as_of=day)
    decision = decision_row(file, engine_decision, actor=actor, tier=tier[0] if tier else None, code=code,
                            reason=reason, version=version, ladder_version=ladder.version)
    file.save(update_fields=["status", "rejected_at", "appealed", "decided_by_role", "version", "updated_at"])
    decision.save()
    audit_record(actor=actor, action=f"file_{action.value}", obj=file, campaign=file.campaign, before=before,
                 after={**state_row(file), "reason_code": code, "role": role.value, "decision": decision.pk},
                 rulebook_version=version)
    return decision
