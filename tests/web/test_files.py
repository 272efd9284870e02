"""Declarations and screening decisions: permissions by unit, the ladder's order, reasons, audit, locks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cadre.web.audit.models import AuditEvent
from cadre.web.errors import Forbidden, IllegalMove, Invalid
from cadre.web.files import decide as decide_module
from cadre.web.files.models import Decision, PersonalFile, Status
from cadre.web.files.selectors import file_list
from cadre.web.files.services import file_decide, file_declare
from support import answers

DAY = date(1929, 12, 12)


def declare(people: dict[str, Any], org: dict[str, Any], campaign: Any, who: str = "vol1", factory: str = "LEN-F1",
            **changes: Any) -> PersonalFile:
    return file_declare(actor=people[who], campaign=campaign, factory=org[factory], answers=answers(**changes), as_of=DAY)


def walk(file: PersonalFile, people: dict[str, Any], *deciders: str) -> None:
    for who in deciders:
        file_decide(actor=people[who], file=file, action="approve", as_of=DAY)


def test_declaration_is_validated_by_the_engine_and_every_problem_is_reported(people, org, campaign):
    with pytest.raises(Invalid) as refused:
        declare(people, org, campaign, age=200, skill_grade=9, sex="robot")
    assert {"age", "skill_grade", "sex"} <= {p.split(":")[0] for p in refused.value.problems}
    assert not PersonalFile.objects.exists()
    assert not AuditEvent.objects.filter(action="file_declare").exists()


def test_declaration_submits_the_file_to_tier_one_with_its_audit_rows(people, org, campaign):
    file = declare(people, org, campaign)
    file.refresh_from_db()
    assert (file.status, file.source_region, file.factory_id, file.owner) == (
        Status.AT_PARTY_CELL, "LEN", "LEN-F1", people["vol1"])
    assert list(file.decisions.values_list("action", "role", "reason_code")) == [("submit", "volunteer", "declaration")]
    assert AuditEvent.objects.filter(object_id=str(file.pk), action__in=["file_declare", "file_submit"]).count() == 2


def test_a_factory_committee_cannot_decide_another_factorys_file(people, org, campaign):
    file = declare(people, org, campaign)
    file_decide(actor=people["cell1"], file=file, action="approve", as_of=DAY)
    before = AuditEvent.objects.count()
    with pytest.raises(Forbidden, match="LEN-F1"):
        file_decide(actor=people["fc2"], file=file, action="approve", as_of=DAY)
    file.refresh_from_db()
    assert file.status == Status.AT_FACTORY_COMMITTEE
    assert file.decisions.count() == 2
    assert AuditEvent.objects.count() == before


def test_a_tier_cannot_decide_out_of_turn_and_is_told_why(people, org, campaign):
    file = declare(people, org, campaign)
    with pytest.raises(IllegalMove, match="at_party_cell"):
        file_decide(actor=people["fc1"], file=file, action="approve", as_of=DAY)
    assert PersonalFile.objects.get(pk=file.pk).status == Status.AT_PARTY_CELL


def test_four_tiers_approve_in_order_keeping_tier_and_rulebook_version(people, org, campaign):
    file = declare(people, org, campaign)
    walk(file, people, "cell1", "fc1", "union", "council")
    file.refresh_from_db()
    assert file.status == Status.APPROVED
    tiers = list(file.decisions.filter(action="approve").values_list("tier", "role", "rulebook_version__number"))
    assert tiers == [(1, "party_cell", 1), (2, "factory_committee", 1), (3, "regional_union", 1),
                     (4, "regional_council", 1)]


def test_a_rule_rejects_only_a_file_that_fails_it(people, org, campaign):
    file = declare(people, org, campaign)
    with pytest.raises(Invalid, match="meets criterion skilled"):
        file_decide(actor=people["cell1"], file=file, action="reject", reason_code="skilled", as_of=DAY)
    with pytest.raises(Invalid, match="reasons in words"):
        file_decide(actor=people["cell1"], file=file, action="reject", reason_code="committee_judgement", as_of=DAY)
    decision = file_decide(actor=people["cell1"], file=file, action="reject", reason_code="committee_judgement",
                           reason="absent from every meeting", as_of=DAY)
    assert (decision.to_status, decision.tier) == (Status.REJECTED, 1)
    appeal = file_decide(actor=people["vol1"], file=file, action="appeal", as_of=DAY)
    assert appeal.to_status == Status.APPEALED
    assert appeal.role == "volunteer"


def test_an_ineligible_file_cannot_be_approved_but_is_rejected_by_its_rule(people, org, campaign):
    file = declare(people, org, campaign, skill_grade=2)
    with pytest.raises(Invalid, match="fails skilled"):
        file_decide(actor=people["cell1"], file=file, action="approve", as_of=DAY)
    decision = file_decide(actor=people["cell1"], file=file, action="reject", reason_code="skilled", as_of=DAY)
    assert decision.reason_code == "skilled"


def test_audit_row_and_decision_roll_back_together_when_the_service_fails(people, org, campaign, monkeypatch):
    file = declare(people, org, campaign)
    real = decide_module.audit_record

    def audit_then_fail(**kwargs: Any) -> Any:
        real(**kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(decide_module, "audit_record", audit_then_fail)
    audits, decisions = AuditEvent.objects.count(), Decision.objects.count()
    with pytest.raises(RuntimeError):
        file_decide(actor=people["cell1"], file=file, action="approve", as_of=DAY)
    assert (AuditEvent.objects.count(), Decision.objects.count()) == (audits, decisions)
    assert PersonalFile.objects.get(pk=file.pk).status == Status.AT_PARTY_CELL


def test_two_reviewers_deciding_one_file_produce_one_decision(people, org, campaign):
    file = declare(people, org, campaign)
    stale = PersonalFile.objects.get(pk=file.pk)  # the second reviewer's page, read before the first decided
    file_decide(actor=people["cell1"], file=file, action="approve", as_of=DAY)
    with pytest.raises(IllegalMove):
        # A second member of the party cell: another account with the same role at the same factory.
        file_decide(actor=people["cell1"], file=stale, action="approve", as_of=DAY)
    assert file.decisions.filter(action="approve").count() == 1


def test_selectors_show_a_committee_only_its_own_factory_and_a_volunteer_only_their_file(people, org, campaign):
    mine = declare(people, org, campaign)
    declare(people, org, campaign, who="vol2", factory="LEN-F2")
    assert [f.pk for f in file_list(user=people["fc1"], campaign=campaign)] == [mine.pk]
    assert [f.pk for f in file_list(user=people["vol1"], campaign=campaign)] == [mine.pk]
    assert file_list(user=people["council"], campaign=campaign).count() == 2
    assert file_list(user=people["district"], campaign=campaign).count() == 0


def test_the_workspace_never_asks_the_historical_political_question(people, org, campaign):
    with pytest.raises(Invalid, match="political"):
        declare(people, org, campaign, opposition_past=False)


def test_remembered_verdicts_follow_the_answers_and_the_rulebook(people, org, campaign):
    from cadre.web.bridge import files as bridge_files
    from cadre.web.bridge.schema import rulebook_parse
    from cadre.web.campaigns.selectors import rulebook_current

    file = declare(people, org, campaign)
    version = rulebook_current(campaign=campaign)
    book = rulebook_parse(version.text, source=version.ref)
    assert bridge_files.eligibility([file], book) == {file.person_id: []}
    assert bridge_files.eligibility([file], book) == {file.person_id: []}  # remembered, the same
    file.skill_grade = 2  # other answers: judged again, not taken from the memo
    assert "skilled" in bridge_files.eligibility([file], book)[file.person_id]
    stricter = rulebook_parse(version.text.replace("Experienced, skilled", "Experienced and skilled", 1), source="other")
    assert stricter.fingerprint != book.fingerprint
    assert "skilled" in bridge_files.eligibility([file], stricter)[file.person_id]
