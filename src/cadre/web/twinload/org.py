"""The organization tree and the demo accounts for a loaded twin replicate."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from cadre import record
from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
from cadre.web.accounts.services import unit_path

__all__ = ["DEMO_PASSWORD", "DISTRICTS_PER_REGION", "demo_accounts", "org_tree"]

#: The password of every demo account (documented in docs/decisions/0008-workspace.md); demo data only.
DEMO_PASSWORD = "cadre-demo"
DISTRICTS_PER_REGION = 3


def _unit(kind: str, code: str, name: str, parent: OrgUnit | None, region: str = "", union: str = "") -> OrgUnit:
    return OrgUnit(kind=kind, code=code, name=name, parent=parent, path=unit_path(parent, code),
                   region_code=region, union=union)


def org_tree(files: pl.DataFrame, destinations: list[str]) -> dict[str, OrgUnit]:
    """Create the center, every record region, the regional unions and factories of the files, and
    ``DISTRICTS_PER_REGION`` districts in every destination region; returns units by code."""
    center = _unit(UnitKind.CENTER, "CENTER", "Center", None)
    center.save()
    units = {"CENTER": center}
    regions = [_unit(UnitKind.REGION, code, name, center, code) for code, name in
               record.regions().select("code", "name").iter_rows()]
    for unit in OrgUnit.objects.bulk_create(regions):
        units[unit.code] = unit
    pairs = files.select("source_region", "union").unique().sort("source_region", "union")
    unions = [_unit(UnitKind.UNION_REGION, f"{r}:{u}", f"{u} union, {r}", units[r], r, u) for r, u in pairs.iter_rows()]
    for unit in OrgUnit.objects.bulk_create(unions):
        units[unit.code] = unit
    factories = files.select("factory_id", "source_region", "union").unique(subset="factory_id").sort("factory_id")
    rows = [_unit(UnitKind.FACTORY, f, f"Factory {f}", units[f"{r}:{u}"], r, u) for f, r, u in factories.iter_rows()]
    districts = [_unit(UnitKind.DISTRICT, f"{d}-D{i}", f"District {i} of {d}", units[d], d)
                 for d in sorted(destinations) for i in range(1, DISTRICTS_PER_REGION + 1)]
    for unit in OrgUnit.objects.bulk_create(rows + districts, batch_size=2000):
        units[unit.code] = unit
    return units


def demo_accounts(units: dict[str, OrgUnit], files: pl.DataFrame, busiest_destination: str) -> dict[str, Any]:
    """One account per role, named after the role, at a sensible unit (a Leningrad metal factory...)."""
    region = "LEN" if "LEN" in units else files.get_column("source_region").mode().sort()[0]
    local = files.filter(pl.col("source_region") == region)
    metal = local.filter(pl.col("union") == "metalworkers")
    factory = (metal if metal.height else local).get_column("factory_id").sort()[0]
    union_region = units[factory].parent
    places = {
        Role.DIRECTOR: "CENTER", Role.PLACEMENT_AGENCY: "CENTER", Role.HISTORIAN: "CENTER",
        Role.REGIONAL_COUNCIL: region, Role.REGIONAL_PARTY_COMMITTEE: region, Role.COURSE_ORGANIZER: region,
        Role.REGIONAL_UNION: union_region.code if union_region else region,
        Role.FACTORY_COMMITTEE: factory, Role.PARTY_CELL: factory, Role.VOLUNTEER: factory,
        Role.DISTRICT_OFFICE: f"{busiest_destination}-D1",
    }
    model = get_user_model()
    # One hash for the one demo password: hashing is deliberately slow, and these are demo accounts.
    hashed = make_password(DEMO_PASSWORD)
    users = {}
    for role, code in places.items():
        user = model.objects.create(username=role.value, password=hashed)
        Membership.objects.create(user=user, unit=units[code], role=role)
        users[role.value] = user
    return users
