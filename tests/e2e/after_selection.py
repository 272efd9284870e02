"""Set-up of the after-selection browser tests, through the services: an org tree, staff, selected files."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from cadre import record
from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
from cadre.web.accounts.services import unit_path
from cadre.web.campaigns.services import campaign_create_from_template
from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.models import PersonalFile
from cadre.web.files.services import file_declare

PASSWORD = "a long demo password"
DAY = date(1929, 12, 12)
STAFF = {"director": (Role.DIRECTOR, "CENTER"), "cell": (Role.PARTY_CELL, "LEN-F1"),
         "fc": (Role.FACTORY_COMMITTEE, "LEN-F1"), "union": (Role.REGIONAL_UNION, "LEN:metalworkers"),
         "council": (Role.REGIONAL_COUNCIL, "LEN"), "party": (Role.REGIONAL_PARTY_COMMITTEE, "LEN"),
         "courses": (Role.COURSE_ORGANIZER, "LEN"), "agency": (Role.PLACEMENT_AGENCY, "CENTER"),
         "district": (Role.DISTRICT_OFFICE, "LVO-D1"), "historian": (Role.HISTORIAN, "CENTER")}
ANSWERS = {"sex": "male", "age": 32, "trade": "fitter", "skill_grade": 6, "years_at_factory": 9.0,
           "party_status": "party", "party_joined": 1920, "activist_roles": ["shop_bureau"],
           "civil_war_service": True, "village_ties": "none", "dependents": 2, "education": "primary",
           "wage": 90.0, "health": "fit", "heavy_drinking": False, "labor_violations": False,
           "recruitment": "volunteered", "reference_from": "party_cell", "quality": 0.8}


def _unit(kind: str, code: str, parent: OrgUnit | None, region: str = "", union: str = "") -> OrgUnit:
    return OrgUnit.objects.create(kind=kind, code=code, name=code, parent=parent, path=unit_path(parent, code),
                                  region_code=region, union=union)


def campaign_with_selected(n: int) -> tuple[Any, dict[str, OrgUnit], dict[str, Any], list[PersonalFile]]:
    """A 1929 campaign with ``n`` Leningrad metalworkers selected; staff with password :data:`PASSWORD`."""
    units = {"CENTER": _unit(UnitKind.CENTER, "CENTER", None)}
    for code in record.regions().get_column("code").to_list():
        units[code] = _unit(UnitKind.REGION, code, units["CENTER"], code)
    units["LEN:metalworkers"] = _unit(UnitKind.UNION_REGION, "LEN:metalworkers", units["LEN"], "LEN", "metalworkers")
    units["LEN-F1"] = _unit(UnitKind.FACTORY, "LEN-F1", units["LEN:metalworkers"], "LEN", "metalworkers")
    units["LVO-D1"] = _unit(UnitKind.DISTRICT, "LVO-D1", units["LVO"], "LVO")
    model = get_user_model()
    people = {}
    for name, (role, code) in STAFF.items():
        people[name] = model.objects.create_user(username=name, password=PASSWORD)
        Membership.objects.create(user=people[name], unit=units[code], role=role)
    campaign = campaign_create_from_template(actor=people["director"], template="ussr-1929", slug="c1929",
                                             name="The 25,000ers", selection_opens_on=date(1930, 1, 10))
    files = []
    for i in range(n):
        volunteer = model.objects.create_user(username=f"volunteer{i}", password=PASSWORD)
        Membership.objects.create(user=volunteer, unit=units["LEN-F1"], role=Role.VOLUNTEER)
        files.append(file_declare(actor=volunteer, campaign=campaign, factory=units["LEN-F1"], answers=ANSWERS,
                                  as_of=DAY))
    ids = [f.person_id for f in files]
    for who in ("cell", "fc", "union", "council"):
        file_decide_bulk(actor=people[who], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    file_decide_bulk(actor=people["party"], campaign=campaign, person_ids=ids, action="select", reason="chosen",
                     as_of=date(1930, 1, 25))
    return campaign, units, people, list(PersonalFile.objects.filter(pk__in=[f.pk for f in files]).order_by("pk"))
