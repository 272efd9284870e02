"""Fixtures of the workspace tests: an org tree, one user per role, a 1929 campaign, eligible answers.

Every test here runs on SQLite by default and on PostgreSQL under ``pytest -m postgres tests/web``
(cadre.web.settings_test picks the server); the hook below marks the tests ``postgres`` when the
database is PostgreSQL, so the same bodies serve both runs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from cadre import record
from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
from cadre.web.accounts.services import unit_path
from cadre.web.campaigns.services import campaign_create_from_template


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor != "postgresql":
        return
    for item in items:
        if "tests/web/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache: ids of jobs and campaigns repeat from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _unit(kind: str, code: str, parent: OrgUnit | None, region: str = "", union: str = "") -> OrgUnit:
    return OrgUnit.objects.create(kind=kind, code=code, name=code, parent=parent, path=unit_path(parent, code),
                                  region_code=region, union=union)


@pytest.fixture
def org(db: Any) -> dict[str, OrgUnit]:
    """Center, every record region, Leningrad metalworkers with two factories, a Moscow factory, a district."""
    units = {"CENTER": _unit(UnitKind.CENTER, "CENTER", None)}
    for code in record.regions().get_column("code").to_list():
        units[code] = _unit(UnitKind.REGION, code, units["CENTER"], code)
    units["LEN:metalworkers"] = _unit(UnitKind.UNION_REGION, "LEN:metalworkers", units["LEN"], "LEN", "metalworkers")
    units["MOS:metalworkers"] = _unit(UnitKind.UNION_REGION, "MOS:metalworkers", units["MOS"], "MOS", "metalworkers")
    for code, parent in (("LEN-F1", "LEN:metalworkers"), ("LEN-F2", "LEN:metalworkers"), ("MOS-F1", "MOS:metalworkers")):
        units[code] = _unit(UnitKind.FACTORY, code, units[parent], code[:3], "metalworkers")
    units["LVO-D1"] = _unit(UnitKind.DISTRICT, "LVO-D1", units["LVO"], "LVO")
    return units


#: username -> (role, unit code)
PEOPLE = {
    "director": (Role.DIRECTOR, "CENTER"),
    "cell1": (Role.PARTY_CELL, "LEN-F1"),
    "fc1": (Role.FACTORY_COMMITTEE, "LEN-F1"),
    "fc2": (Role.FACTORY_COMMITTEE, "LEN-F2"),
    "cell2": (Role.PARTY_CELL, "LEN-F2"),
    "union": (Role.REGIONAL_UNION, "LEN:metalworkers"),
    "council": (Role.REGIONAL_COUNCIL, "LEN"),
    "party": (Role.REGIONAL_PARTY_COMMITTEE, "LEN"),
    "vol1": (Role.VOLUNTEER, "LEN-F1"),
    "vol1b": (Role.VOLUNTEER, "LEN-F1"),
    "vol2": (Role.VOLUNTEER, "LEN-F2"),
    "agency": (Role.PLACEMENT_AGENCY, "CENTER"),
    "district": (Role.DISTRICT_OFFICE, "LVO-D1"),
    "courses": (Role.COURSE_ORGANIZER, "LEN"),
    "historian": (Role.HISTORIAN, "CENTER"),
}


@pytest.fixture
def people(org: dict[str, OrgUnit]) -> dict[str, Any]:
    model = get_user_model()
    users = {}
    for name, (role, code) in PEOPLE.items():
        users[name] = model.objects.create_user(username=name, password="x")
        Membership.objects.create(user=users[name], unit=org[code], role=role)
    users["admin"] = model.objects.create_superuser(username="admin", password="x")
    return users


@pytest.fixture
def campaign(people: dict[str, Any]) -> Any:
    return campaign_create_from_template(actor=people["director"], template="ussr-1929", slug="c1929",
                                         name="1929", selection_opens_on=date(1930, 1, 10))
