"""The screening side in a real browser: a volunteer declares, four tiers approve, the regional party
committee runs the final selection, a stranger is refused, the auditors see it all."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from cadre import record
from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
from cadre.web.accounts.services import unit_path
from cadre.web.campaigns.services import campaign_create_from_template
from cadre.web.files.models import PersonalFile, Status
from conftest import shot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long demo password"


def _unit(kind: str, code: str, parent: OrgUnit | None, region: str = "", union: str = "") -> OrgUnit:
    return OrgUnit.objects.create(kind=kind, code=code, name=code, parent=parent, path=unit_path(parent, code),
                                  region_code=region, union=union)


def _world() -> dict[str, Any]:
    units = {"CENTER": _unit(UnitKind.CENTER, "CENTER", None)}
    for code in record.regions().get_column("code").to_list():
        units[code] = _unit(UnitKind.REGION, code, units["CENTER"], code)
    units["LEN:metalworkers"] = _unit(UnitKind.UNION_REGION, "LEN:metalworkers", units["LEN"], "LEN", "metalworkers")
    for code in ("LEN-F1", "LEN-F2"):
        units[code] = _unit(UnitKind.FACTORY, code, units["LEN:metalworkers"], "LEN", "metalworkers")
    roles = {"director": (Role.DIRECTOR, "CENTER"), "vol": (Role.VOLUNTEER, "LEN-F1"),
             "cell": (Role.PARTY_CELL, "LEN-F1"), "fc": (Role.FACTORY_COMMITTEE, "LEN-F1"),
             "fc2": (Role.FACTORY_COMMITTEE, "LEN-F2"), "union": (Role.REGIONAL_UNION, "LEN:metalworkers"),
             "council": (Role.REGIONAL_COUNCIL, "LEN"), "party": (Role.REGIONAL_PARTY_COMMITTEE, "LEN")}
    users = {}
    for name, (role, code) in roles.items():
        users[name] = get_user_model().objects.create_user(username=name, password=PASSWORD)
        Membership.objects.create(user=users[name], unit=units[code], role=role)
    campaign = campaign_create_from_template(actor=users["director"], template="ussr-1929", slug="c1929",
                                             name="The 25,000ers", selection_opens_on=date(1930, 1, 10))
    return {"units": units, "users": users, "campaign": campaign}


def _switch(page: Any, who: str) -> None:
    page.context.clear_cookies()
    sign_in(page, who, PASSWORD)


def _declare(page: Any) -> None:
    page.goto("/files/mine/")
    for name, value in (("sex", "male"), ("party_status", "party"), ("village_ties", "none"),
                        ("education", "primary"), ("health", "fit"), ("recruitment", "volunteered"),
                        ("reference_from", "party_cell")):
        page.select_option(f"select[name={name}]", value)
    for name, value in (("age", "34"), ("trade", "fitter"), ("skill_grade", "6"), ("years_at_factory", "11"),
                        ("party_joined", "1919"), ("dependents", "2"), ("wage", "95")):
        page.fill(f"input[name={name}]", value)
    page.check("input[name=activist_roles][value=shop_bureau]")
    page.check("input[name=civil_war_service]")
    shot(page, "volunteer_form")
    page.click("button:has-text('Submit my declaration')")
    page.wait_for_load_state("networkidle")


def test_a_file_goes_from_declaration_to_selection_in_the_browser(page: Any) -> None:
    world = _world()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "vol", PASSWORD)
    _declare(page)
    assert "tier 1: party cell" in page.inner_text("main")
    file = PersonalFile.objects.get(owner=world["users"]["vol"])
    url = f"/files/c1929/{file.person_id}/"

    for i, who in enumerate(("cell", "fc", "union", "council")):
        _switch(page, who)
        page.goto("/files/queue/")
        assert file.person_id in page.inner_text("table.queue")
        if i == 0:
            shot(page, "queue")
        page.click(f"a:has-text('{file.person_id}')")
        page.wait_for_load_state("networkidle")
        assert "meets every criterion" in page.inner_text("main")
        if i == 0:
            shot(page, "file_detail")
        page.click("button[name=move][value$=':approve']")
        page.wait_for_load_state("networkidle")
        assert "Decision recorded" in page.inner_text("main")
    file.refresh_from_db()
    assert file.status == Status.APPROVED

    page.goto("/files/quota-board/")
    assert "LEN:metalworkers" in page.inner_text("table.board")
    shot(page, "quota_board")

    _switch(page, "party")
    page.goto("/files/selection/")
    page.click("button:has-text('Run the final selection')")
    page.wait_for_selector("text=Certificate")
    shot(page, "selection_result")
    file.refresh_from_db()
    assert file.status == Status.SELECTED

    _switch(page, "fc2")
    refused = page.request.get(url)
    assert refused.status == 403
    assert "LEN-F1" in refused.text()
    assert "fc2 may not" in refused.text()

    _switch(page, "director")
    page.goto("/audit/?campaign=c1929")
    assert "file select" in page.inner_text("table.audit")
    shot(page, "audit")
    page.goto(f"/audit/files/c1929/{file.person_id}/")
    assert "file viewed" in page.inner_text("table.audit")
