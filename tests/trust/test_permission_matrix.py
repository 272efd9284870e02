"""The authorization matrix: every page and API endpoint x every role x own unit / other unit, and no login.

The routes come from the running URL configuration (``get_resolver``, recursively) and the API's OpenAPI
schema; a route that :mod:`permission_matrix` does not classify fails the test, so a new page or
endpoint cannot ship without someone deciding who may open it. Each request is sent with Django's test
client inside a savepoint that is rolled back, so one user's successful write never changes what the
next user sees. The world (org tree, one user per role and place, a 1929 campaign, files of LEN-F1,
LEN-F2 and MOS-F1, cohorts, posts, jobs, import batches, API tokens) is built once per module.

Outcome classes (asserted exactly): ``ok`` (2xx, or a 3xx to anything but the sign-in page), ``refused``
(400/405/409/422: past the permission check, refused by validation or state; the minimal body is meant to
be incomplete), ``forbidden`` (403), ``hidden`` (404: the app does not say the object exists), ``login``
(302 to the sign-in page for a page, 401 for the API).

Set ``CADRE_MATRIX_PRINT=1`` to print the observed matrix in the data module's format (for review, never
to be pasted without reading it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import permission_matrix as pm
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cadre import record
from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
from cadre.web.accounts.services import unit_path
from cadre.web.api.main import api
from cadre.web.api.services import token_create
from cadre.web.audit.models import AuditEvent
from cadre.web.campaigns.services import campaign_create_from_template
from cadre.web.courses.models import Cohort
from cadre.web.files.models import PersonalFile
from cadre.web.files.services import file_declare
from cadre.web.imports.models import ImportBatch
from cadre.web.jobs.models import Job
from cadre.web.placement.models import Post, PostKind

pytestmark = pytest.mark.django_db  # also tells pytest-django to set the test database up

API_PREFIX = "/api/v1"
LOGIN = "/accounts/login/"

ANSWERS = {"sex": "male", "age": 32, "trade": "fitter", "skill_grade": 6, "years_at_factory": 9.0,
           "party_status": "party", "party_joined": 1920, "activist_roles": ["shop_bureau"],
           "civil_war_service": True, "village_ties": "none", "dependents": 2, "education": "primary",
           "wage": 90.0, "health": "fit", "heavy_drinking": False, "labor_violations": False,
           "recruitment": "volunteered", "reference_from": "party_cell", "quality": 0.8}


# ---------------------------------------------------------------------------------------------- routes

def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from _walk(p.url_patterns, prefix + str(p.pattern), f"{namespace}:{ns}".strip(":") if ns else namespace)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}".strip(":") if p.name else ""
            yield prefix + str(p.pattern), name


def page_routes() -> dict[str, str]:
    """Every named URL of the workspace outside the API's own routes and the exclusions: name -> route."""
    out: dict[str, str] = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(pm.EXCLUDED_PREFIXES) or route in pm.EXCLUDED_ROUTES:
            continue
        if route.startswith("api/v1/") and name not in pm.API_PAGES:
            continue  # an API endpoint: enumerated from the OpenAPI schema below (one URL, several methods)
        assert name, f"an unnamed route {route!r}: name it, or list it in EXCLUDED_ROUTES with a reason"
        out[name] = route
    return out


def api_routes() -> list[str]:
    """Every operation of the API as ``METHOD /api/v1/path``."""
    schema = api.get_openapi_schema()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]


def test_every_route_is_classified() -> None:
    pages = page_routes()
    apis = api_routes()
    classified_pages = {key.split(" ", 1)[1] for key in pm.EXPECTED if not key.split(" ", 1)[1].startswith("/")}
    missing = sorted(set(pages) - classified_pages) + sorted(set(apis) - set(pm.EXPECTED))
    assert not missing, f"routes with no expectation in tests/trust/permission_matrix.py: {missing}"
    stale = sorted(classified_pages - set(pages)) + sorted(
        k for k in pm.EXPECTED if k.split(" ", 1)[1].startswith("/") and k not in apis)
    assert not stale, f"expectations for routes that no longer exist: {stale}"
    assert len(pm.EXPECTED) >= 60  # the workspace's pages and endpoints, with both methods where a page has two


# ----------------------------------------------------------------------------------------------- world

ROLES = [r.value for r in Role] + ["superuser"]

#: role -> (the unit of its membership, the factory of its "own unit" objects, of its "other unit" objects).
#: A factory body's other unit is the sibling factory (LEN-F2); a regional body's is Moscow's factory; the
#: center's roles reach both (their "other" column shows what reaching everything means).
HOME = {
    Role.DIRECTOR: ("CENTER", "LEN-F1", "MOS-F1"),
    Role.REGIONAL_COUNCIL: ("LEN", "LEN-F1", "MOS-F1"),
    Role.REGIONAL_UNION: ("LEN:metalworkers", "LEN-F1", "MOS-F1"),
    Role.FACTORY_COMMITTEE: ("LEN-F1", "LEN-F1", "LEN-F2"),
    Role.PARTY_CELL: ("LEN-F1", "LEN-F1", "LEN-F2"),
    Role.REGIONAL_PARTY_COMMITTEE: ("LEN", "LEN-F1", "MOS-F1"),
    Role.VOLUNTEER: ("LEN-F1", "LEN-F1", "LEN-F2"),  # own: the volunteer's own file; other: a neighbour's
    Role.COURSE_ORGANIZER: ("LEN", "LEN-F1", "MOS-F1"),
    Role.PLACEMENT_AGENCY: ("CENTER", "LEN-F1", "MOS-F1"),
    Role.DISTRICT_OFFICE: ("LVO-D1", "LEN-F1", "MOS-F1"),  # the LEN-F1 file is bound for LVO-D1
    Role.HISTORIAN: ("CENTER", "LEN-F1", "MOS-F1"),
    "superuser": ("", "LEN-F1", "MOS-F1"),
}


def _unit(kind: str, code: str, parent: OrgUnit | None, region: str = "", union: str = "") -> OrgUnit:
    return OrgUnit.objects.create(kind=kind, code=code, name=code, parent=parent, path=unit_path(parent, code),
                                  region_code=region, union=union)


def _build() -> dict[str, Any]:
    units = {"CENTER": _unit(UnitKind.CENTER, "CENTER", None)}
    for code in record.regions().get_column("code").to_list():
        units[code] = _unit(UnitKind.REGION, code, units["CENTER"], code)
    for region in ("LEN", "MOS"):
        units[f"{region}:metalworkers"] = _unit(UnitKind.UNION_REGION, f"{region}:metalworkers", units[region],
                                                region, "metalworkers")
    for code in ("LEN-F1", "LEN-F2", "MOS-F1"):
        units[code] = _unit(UnitKind.FACTORY, code, units[f"{code[:3]}:metalworkers"], code[:3], "metalworkers")
    units["LVO-D1"] = _unit(UnitKind.DISTRICT, "LVO-D1", units["LVO"], "LVO")
    units["SIB-D1"] = _unit(UnitKind.DISTRICT, "SIB-D1", units["SIB"], "SIB")
    model = get_user_model()
    users: dict[str, Any] = {}
    for role, (unit, _own, _other) in HOME.items():
        if role == "superuser":
            users[role] = model.objects.create_superuser(username="m-superuser", password="x")
        else:
            users[role] = model.objects.create_user(username=f"m-{role}", password="x")
            Membership.objects.create(user=users[role], unit=units[unit], role=role)
    stranger = model.objects.create_user(username="m-stranger", password="x")
    campaign = campaign_create_from_template(actor=users[Role.DIRECTOR], template="ussr-1929", slug="c1929",
                                             name="1929", selection_opens_on=date(1930, 1, 10))
    files: dict[str, PersonalFile] = {}
    for code in ("LEN-F1", "LEN-F2", "MOS-F1"):
        owner = users[Role.VOLUNTEER] if code == "LEN-F1" else model.objects.create_user(username=f"m-vol-{code}")
        if code != "LEN-F1":
            Membership.objects.create(user=owner, unit=units[code], role=Role.VOLUNTEER)
        files[code] = file_declare(actor=owner, campaign=campaign, factory=units[code], answers=ANSWERS)
    PersonalFile.objects.filter(pk=files["LEN-F1"].pk).update(destination=units["LVO-D1"])
    cohorts = {code: Cohort.objects.create(campaign=campaign, organizer=units[code[:3]], name=f"cohort {code}",
                                           starts_on=date(1930, 2, 1), ends_on=date(1930, 3, 1), capacity=10)
               for code in ("LEN-F1", "MOS-F1")}
    cohorts["LEN-F2"] = cohorts["LEN-F1"]
    posts = {code: Post.objects.create(campaign=campaign, district=units[district], name=f"post {code}",
                                       kind=PostKind.MTS_STAFF, capacity=3)
             for code, district in (("LEN-F1", "LVO-D1"), ("MOS-F1", "SIB-D1"))}
    posts["LEN-F2"] = posts["MOS-F1"]
    return {"units": units, "users": users, "stranger": stranger, "campaign": campaign, "files": files,
            "cohorts": cohorts, "posts": posts}


def _owned(world: dict[str, Any], user: Any) -> dict[str, int]:
    """A job, an import batch and an API token of ``user`` (the request's own objects)."""
    campaign = world["campaign"]
    job = Job.objects.create(kind="selection", status="done", progress=1.0, campaign=campaign, created_by=user,
                             params={})
    batch = ImportBatch.objects.create(campaign=campaign, kind="files", filename="f.csv", key=f"k{user.pk}",
                                       data=b"", size=0, rows_in=0, clean_rows=0, created_by=user)
    token, _raw = token_create(actor=user, name="matrix", user=user) if user.is_active else (None, "")
    return {"job_id": job.pk, "batch_id": batch.pk, "token_id": token.pk if token else 0}


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            w = _build()
            w["owned"] = {role: _owned(w, user) for role, user in w["users"].items()}
            w["owned"]["stranger"] = _owned(w, w["stranger"])
            yield w
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --------------------------------------------------------------------------------------------- requests

def _kwargs(world: dict[str, Any], role: str | None, unit: str) -> dict[str, Any]:
    """The values for URL parameters: objects of the role's own unit, or of the other unit."""
    own, other = HOME[role][1:] if role else ("LEN-F1", "MOS-F1")
    code = own if unit == "own" else other
    f = world["files"][code]
    mine = world["owned"][role if role and unit == "own" else "stranger"]
    return {"slug": world["campaign"].slug, "campaign": world["campaign"].slug, "person_id": f.person_id,
            "cohort_id": world["cohorts"][code].pk, "post_id": world["posts"][code].pk, **mine,
            "table": "files", "fmt": "csv"}


def _url(world: dict[str, Any], target: str, role: str | None, unit: str) -> str:
    kw = _kwargs(world, role, unit)
    if target.startswith("/"):
        return target.format(**kw)
    route = page_routes()[target]
    names = [part.split(">")[0].split(":")[-1] for part in route.split("<")[1:]]
    return reverse(target, kwargs={n: kw[n] for n in names})


def _body(target: str, world: dict[str, Any], role: str | None, unit: str) -> tuple[Any, str]:
    """A minimal body: complete enough to reach the permission check, not necessarily valid beyond it."""
    kw = _kwargs(world, role, unit)
    special = pm.BODIES.get(target)
    if special is None:
        return ({}, "application/json") if target.startswith("/") else ({"campaign": kw["slug"]}, "")
    return special(kw)


def classify(response: Any, api_call: bool) -> str:
    code = response.status_code
    if code == 401 and api_call:
        return pm.LOGIN
    if code in (301, 302, 303) and response["Location"].split("?")[0].endswith(LOGIN):
        return pm.LOGIN
    if 200 <= code < 400:
        return pm.OK
    if code == 403:
        return pm.FORBIDDEN
    if code == 404:
        return pm.HIDDEN
    if code in (400, 405, 409, 422):
        return pm.REFUSED
    return f"status {code}"


def send(world: dict[str, Any], key: str, role: str | None, unit: str) -> str:
    method, target = key.split(" ", 1)
    client = Client()
    if role is not None:
        client.force_login(world["users"][role])
    url = _url(world, target, role, unit)
    api_call = target.startswith("/")
    with transaction.atomic():
        writes = AuditEvent.objects.exclude(action="file_viewed")
        before = writes.count()
        if method == "GET":
            response = client.get(url)
        else:
            data, content_type = _body(target, world, role, unit)
            response = (client.post(url, data, content_type=content_type) if content_type
                        else client.post(url, data))
        wrote = writes.count() > before
        transaction.set_rollback(True)
    outcome = classify(response, api_call)
    return pm.WROTE if outcome == pm.OK and wrote else outcome


def _observed(world: dict[str, Any], key: str) -> dict[str, Any]:
    return {"anon": send(world, key, None, "own"),
            **{role: (send(world, key, role, "own"), send(world, key, role, "other")) for role in ROLES}}


@pytest.mark.slow  # 88 routes x 25 requests: about 90 s on the shared 2-core machine
@pytest.mark.parametrize("key", sorted(pm.EXPECTED))
def test_matrix(world: dict[str, Any], django_db_blocker: Any, key: str) -> None:
    with django_db_blocker.unblock():
        seen = _observed(world, key)
    want = pm.expected(key, ROLES)
    if os.environ.get("CADRE_MATRIX_PRINT"):
        print(f"\nOBSERVED {key!r}: {pm.compact(seen, ROLES)!r}")
    wrong = {who: (want[who], seen[who]) for who in want if want[who] != seen[who]}
    assert not wrong, f"{key}: expected vs observed (own, other) per role: {wrong}"


# ------------------------------------------------------------------------------ personal data reads

def test_opening_a_file_page_and_the_api_read_are_logged(world: dict[str, Any], django_db_blocker: Any) -> None:
    with django_db_blocker.unblock(), transaction.atomic():
        f = world["files"]["LEN-F1"]
        client = Client()
        client.force_login(world["users"][Role.FACTORY_COMMITTEE])
        before = AuditEvent.objects.filter(action="file_viewed", object_id=str(f.pk)).count()
        assert client.get(reverse("files:detail", args=[world["campaign"].slug, f.person_id])).status_code == 200
        assert client.get(f"{API_PREFIX}/campaigns/{world['campaign'].slug}/files/{f.person_id}").status_code == 200
        rows = AuditEvent.objects.filter(action="file_viewed", object_id=str(f.pk)).order_by("pk")
        assert rows.count() == before + 2
        assert {r.actor_id for r in rows[before:]} == {world["users"][Role.FACTORY_COMMITTEE].pk}
        # A refused read is not a read: nothing is logged for the sibling factory's committee.
        client.force_login(world["users"][Role.FACTORY_COMMITTEE])
        other = world["files"]["LEN-F2"]
        client.get(f"{API_PREFIX}/campaigns/{world['campaign'].slug}/files/{other.person_id}")
        assert not AuditEvent.objects.filter(action="file_viewed", object_id=str(other.pk)).exists()
        transaction.set_rollback(True)
