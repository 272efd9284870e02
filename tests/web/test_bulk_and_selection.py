"""Bulk decisions (all or nothing) and final selection through the engine's optimizer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cadre.web.audit.models import AuditEvent
from cadre.web.errors import Forbidden, IllegalMove
from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.models import Decision, PersonalFile, Status
from cadre.web.files.selection import selection_run
from cadre.web.files.services import file_decide, file_declare
from support import answers

DAY = date(1929, 12, 12)


def many(people: dict[str, Any], org: dict[str, Any], campaign: Any, n: int, factory: str = "LEN-F1") -> list[str]:
    from django.contrib.auth import get_user_model

    from cadre.web.accounts.models import Membership, Role

    ids = []
    for i in range(n):
        user = get_user_model().objects.create_user(username=f"v-{factory}-{i}", password="x")
        Membership.objects.create(user=user, unit=org[factory], role=Role.VOLUNTEER)
        ids.append(file_declare(actor=user, campaign=campaign, factory=org[factory],
                                answers=answers(quality=0.5 + i / 100, sex="female" if i % 4 == 0 else "male"),
                                as_of=DAY).person_id)
    return ids


def test_bulk_approval_moves_every_file_with_its_decision_and_audit_row(people, org, campaign):
    ids = many(people, org, campaign, 3)
    audits = AuditEvent.objects.count()
    decisions = file_decide_bulk(actor=people["cell1"], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    assert len(decisions) == 3
    assert {d.tier for d in decisions} == {1}
    assert set(PersonalFile.objects.filter(person_id__in=ids).values_list("status", flat=True)) == {
        Status.AT_FACTORY_COMMITTEE}
    assert AuditEvent.objects.count() == audits + 3


def test_bulk_decision_with_one_foreign_file_decides_nothing(people, org, campaign):
    ids = many(people, org, campaign, 2) + many(people, org, campaign, 1, factory="LEN-F2")
    before = Decision.objects.count(), AuditEvent.objects.count()
    with pytest.raises(Forbidden, match="1 of 3 files refused; nothing was decided"):
        file_decide_bulk(actor=people["cell1"], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    assert (Decision.objects.count(), AuditEvent.objects.count()) == before
    assert set(PersonalFile.objects.values_list("status", flat=True)) == {Status.AT_PARTY_CELL}


def test_bulk_decision_with_one_file_at_the_wrong_stage_decides_nothing(people, org, campaign):
    ids = many(people, org, campaign, 3)
    file_decide(actor=people["cell1"], file=PersonalFile.objects.get(person_id=ids[0]), action="approve", as_of=DAY)
    with pytest.raises(IllegalMove, match="1 files cannot take this move"):
        file_decide_bulk(actor=people["cell1"], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    assert PersonalFile.objects.filter(status=Status.AT_PARTY_CELL).count() == 2


def approved(people: dict[str, Any], org: dict[str, Any], campaign: Any, n: int) -> list[str]:
    ids = many(people, org, campaign, n)
    for who in ("cell1", "fc1", "union", "council"):
        file_decide_bulk(actor=people[who], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    return ids


def test_selection_refuses_to_run_before_the_campaigns_date(people, org, campaign):
    approved(people, org, campaign, 2)
    with pytest.raises(IllegalMove, match="1930-01-10"):
        selection_run(actor=people["director"], campaign=campaign, as_of=date(1930, 1, 9))


def test_selection_is_scoped_and_records_the_optimizers_choice(people, org, campaign):
    ids = approved(people, org, campaign, 6)
    with pytest.raises(Forbidden):
        selection_run(actor=people["fc1"], campaign=campaign, as_of=date(1930, 1, 25))
    # The control figures of LEN metalworkers at this scale: keep room for four only.
    campaign.control_figures.filter(region=org["LEN"], union="metalworkers").update(quota=4)
    summary = selection_run(actor=people["party"], campaign=campaign, region=org["LEN"], as_of=date(1930, 1, 25))
    assert (summary["candidates"], summary["selected"], summary["selector"]) == (6, 4, "regional_party")
    chosen = PersonalFile.objects.filter(person_id__in=ids, status=Status.SELECTED)
    assert chosen.count() == 4
    assert set(Decision.objects.filter(action="select").values_list("reason_code", "role")) == {
        ("selected", "regional_party")}
    assert AuditEvent.objects.filter(action="selection_run").count() == 1
