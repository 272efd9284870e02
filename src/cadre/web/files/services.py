"""Writes of the files app: declarations, references and screening decisions (one file or many).

Every decision runs under the file's row lock (``select_for_update``) and takes the file's next decision
number, which a unique constraint backs: two reviewers deciding one file produce exactly one decision;
the second is told that the file has moved on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.engine.screening import Action as LadderAction
from cadre.engine.screening import Role as LadderRole
from cadre.web.accounts.models import OrgUnit, Role, UnitKind
from cadre.web.accounts.permissions import Action, ladder_roles, require
from cadre.web.audit.services import audit_record
from cadre.web.bridge import files as bridge_files
from cadre.web.bridge import schema as bridge_schema
from cadre.web.campaigns.models import Campaign
from cadre.web.errors import Forbidden, Invalid
from cadre.web.files.decide import decide_locked
from cadre.web.files.models import Decision, PersonalFile, Reference
from cadre.web.files.reasons import ReasonCode
from cadre.web.files.workflow import state_of

__all__ = ["acting_role", "file_decide", "file_declare", "reference_give"]

_VOLUNTEER_ACTIONS = {LadderAction.SUBMIT, LadderAction.APPEAL, LadderAction.WITHDRAW}


def file_declare(*, actor: Any, campaign: Campaign, factory: OrgUnit, answers: dict[str, Any],
                 submit: bool = True, as_of: date | None = None) -> PersonalFile:
    """A volunteer's own declaration: the questionnaire, validated by the engine (every problem at once).

    The actor must be a volunteer of ``factory``; the file is theirs. ``person_id``, ``source_region``,
    ``factory_id`` and ``union`` come from the factory, not from the form. With ``submit`` the file goes
    straight to the first tier (the ladder's ``submit`` move by the volunteer).
    """
    with transaction.atomic():
        require(actor, Action.FILE_DECLARE, factory, what=_("declare"))
        if factory.kind != UnitKind.FACTORY:
            raise Invalid(_("%(code)s is not a factory") % {"code": factory.code})
        if "opposition_past" in answers:
            # SYSTEM.md §7: the 1929 political criterion is historical data only; the workspace never asks it.
            raise Invalid(_("the workspace does not ask about political past"))
        if PersonalFile.objects.filter(campaign=campaign, owner=actor).exists():
            raise Invalid(_("you have already declared in this campaign"))
        person_id = f"{campaign.slug}-{actor.pk}"
        row = {**answers, "person_id": person_id, "source_region": factory.region_code,
               "factory_id": factory.code, "union": factory.union,
               "declared_on": answers.get("declared_on") or (as_of or timezone.now().date())}
        clean, issues = bridge_files.validate_rows([row])
        if not issues.is_empty():
            raise Invalid(_("the questionnaire has problems"), bridge_files.problems_of(issues))
        values = bridge_files.file_rows(clean)[0]
        file = PersonalFile.objects.create(campaign=campaign, owner=actor, source_unit=factory, **values)
        audit_record(actor=actor, action="file_declare", obj=file, campaign=campaign, after=values)
        if submit:
            decide_locked(actor=actor, file=file, action=LadderAction.SUBMIT, role=LadderRole.VOLUNTEER,
                          reason_code=ReasonCode.DECLARATION, reason="", as_of=as_of)
        return file


def reference_give(*, actor: Any, file: PersonalFile, text: str) -> Reference:
    """Give the file its reference: the party cell for party members, the factory committee for others."""
    with transaction.atomic():
        require(actor, Action.REFERENCE_GIVE, file.source_unit, what=_("give a reference"))
        given_by = "party_cell" if file.party_status == "party" else "factory_committee"
        role = Role.PARTY_CELL if given_by == "party_cell" else Role.FACTORY_COMMITTEE
        if not any(m.role == role and m.unit.contains(file.source_unit) for m in actor.memberships.select_related("unit")):
            raise Forbidden(_("the reference of this file is given by the %(body)s") % {"body": role.label})
        if not text.strip():
            raise Invalid(_("a reference needs its text"))
        ref = Reference.objects.create(file=file, given_by=given_by, unit=file.source_unit, text=text.strip(),
                                       author=actor, given_at=timezone.now())
        audit_record(actor=actor, action="reference_give", obj=ref, campaign=file.campaign,
                     after={"file": file.person_id, "given_by": given_by})
        return ref


def acting_role(actor: Any, file: PersonalFile, action: LadderAction, as_role: str | None, as_of: date) -> LadderRole:
    """The ladder body ``actor`` acts as on ``file``; raises Forbidden when they hold none for its unit."""
    if file.owner_id is not None and file.owner_id == actor.pk and action in _VOLUNTEER_ACTIONS:
        return LadderRole.VOLUNTEER
    require(actor, Action.FILE_DECIDE, file.source_unit, what=_("decide on file %(id)s") % {"id": file.person_id})
    roles = ladder_roles(actor, file.source_unit)
    if as_role is not None:
        chosen = LadderRole(as_role)
        if chosen not in roles:
            raise Forbidden(_("you do not sit on the %(role)s of this file's unit") % {"role": chosen})
        return chosen
    if not roles:
        raise Forbidden(_("you hold no screening role for file %(id)s") % {"id": file.person_id})
    ladder = bridge_schema.ladder(file.campaign.ladder_version)
    fitting = [r for r in roles if action in ladder.allowed(state_of(file), r, as_of)]
    # No role fits: let the ladder explain why with the highest one (wrong tier, wrong date...).
    return fitting[0] if fitting else roles[-1]


def file_decide(*, actor: Any, file: PersonalFile | int, action: str, reason_code: str = "", reason: str = "",
                as_of: date | None = None, as_role: str | None = None) -> Decision:
    """Decide on one file at its current tier (approve, reject, appeal, override, withdraw...).

    Checks, in order: the actor's role at the file's unit (Forbidden), the ladder's table for this stage,
    body and date (IllegalMove), and the reason: an approval needs the file to meet every criterion of
    the rulebook; a rejection cites a criterion the engine confirms the file fails, or
    ``committee_judgement`` with the committee's words (Invalid). The decision keeps the rulebook version.
    """
    with transaction.atomic():
        pk = file.pk if isinstance(file, PersonalFile) else file
        locked = PersonalFile.objects.select_for_update(of=("self",)).select_related("campaign", "source_unit").get(pk=pk)
        day = as_of or timezone.now().date()
        ladder_action = LadderAction(action)
        role = acting_role(actor, locked, ladder_action, as_role, day)
        return decide_locked(actor=actor, file=locked, action=ladder_action, role=role, reason_code=reason_code,
                             reason=reason, as_of=day)
