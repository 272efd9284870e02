"""What every page and API endpoint of the workspace answers to every role, at its own unit and another's.

Read by ``test_permission_matrix.py``. Each key is ``METHOD target``: a URL name (``files:detail``) for a
page, ``/api/v1/...`` (the OpenAPI path) for an endpoint. Each value gives the outcome for anonymous
requests (``anon``), a default pair ``(own unit, other unit)`` for every role (``*``) and the roles that
differ. A new route with no entry here fails ``test_every_route_is_classified``.

Outcomes: ``ok`` (2xx, or a redirect that is not the sign-in page), ``wrote`` (a POST that was accepted and
wrote an audit row: the action happened), ``refused`` (400/405/409/422: allowed in, refused by the form, the
ladder or the rulebook), ``forbidden`` (403), ``hidden`` (404: the app does not say the object exists),
``login`` (a redirect to the sign-in page, or 401 from the API).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

OK, WROTE, REFUSED, FORBIDDEN, HIDDEN, LOGIN = "ok", "wrote", "refused", "forbidden", "hidden", "login"

#: Routes the matrix leaves out, each with why.
EXCLUDED_PREFIXES = (
    "admin/",  # Django's admin: its own staff check (is_staff), read-only for workflow models; not ours to test
    "i18n/",  # set_language: switches the interface language, no data, open to anyone by design
    "static/",  # static files (served by whitenoise/the web server in production, not by a view)
)
EXCLUDED_ROUTES = {
    "favicon.ico": "a permanent redirect to the static icon, for browsers that ask for it",
}
#: The API's own pages (schema, docs, root) are URL names; its endpoints come from the OpenAPI schema.
API_PAGES = {"api:v1:openapi-json", "api:v1:openapi-view", "api:v1:api-root"}

ANSWERS = {"sex": "male", "age": 32, "trade": "fitter", "skill_grade": 6, "years_at_factory": 9.0,
           "party_status": "party", "party_joined": 1920, "activist_roles": ["shop_bureau"],
           "civil_war_service": True, "village_ties": "none", "dependents": 2, "education": "primary",
           "wage": 90.0, "health": "fit", "heavy_drinking": False, "labor_violations": False,
           "recruitment": "volunteered", "reference_from": "party_cell", "quality": 0.8}

_JSON = "application/json"
#: Minimal bodies: complete enough to reach the permission check (a refusal must come before validation).
BODIES: dict[str, Callable[[dict[str, Any]], tuple[Any, str]]] = {
    "files:detail": lambda kw: ({"move": "approve", "reason_code": "", "reason": ""}, ""),
    "files:queue_approve": lambda kw: ({}, ""),
    "files:queue_bulk": lambda kw: ({"campaign": kw["slug"], "files": [kw["person_id"]], "action": "approve",
                                     "reason_code": "", "reason": ""}, ""),
    "/api/v1/campaigns/{slug}/files": lambda kw: ({"factory": "LEN-F1", "answers": ANSWERS}, _JSON),
    "/api/v1/campaigns/{slug}/files/{person_id}/decisions": lambda kw: ({"action": "approve"}, _JSON),
    "/api/v1/campaigns/{slug}/decisions": lambda kw: ({"person_ids": [kw["person_id"]], "action": "approve"}, _JSON),
    "/api/v1/campaigns/{slug}/selection": lambda kw: ({}, _JSON),
    "/api/v1/campaigns/{slug}/files/{person_id}/field-events": lambda kw: (
        {"kind": "complaint", "on": "1930-05-01", "text": "no boots"}, _JSON),
    "/api/v1/campaigns/{slug}/files/{person_id}/exit": lambda kw: (
        {"on": "1930-05-01", "channel": "recalled"}, _JSON),
}

F, H, L = FORBIDDEN, HIDDEN, LOGIN  # short names for the table below

EXPECTED: dict[str, dict[str, Any]] = {
    "GET /api/v1/audit": {'anon': L, '*': (F, F), 'director': (OK, OK), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET /api/v1/campaigns": {'anon': L, '*': (OK, OK)},
    "GET /api/v1/campaigns/{slug}": {'anon': L, '*': (OK, OK)},
    "GET /api/v1/campaigns/{slug}/field-events": {'anon': L, '*': (OK, OK)},
    "GET /api/v1/campaigns/{slug}/files": {'anon': L, '*': (OK, OK)},
    "GET /api/v1/campaigns/{slug}/files/{person_id}": {'anon': L, '*': (OK, H), 'director': (OK, OK), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET /api/v1/campaigns/{slug}/placements": {'anon': L, '*': (OK, OK)},
    "GET /api/v1/campaigns/{slug}/posts": {'anon': L, '*': (OK, OK)},
    "GET /api/v1/campaigns/{slug}/quota-board": {'anon': L, '*': (OK, OK)},
    "GET /api/v1/jobs/{job_id}": {'anon': L, '*': (OK, H), 'superuser': (OK, OK)},
    "GET /api/v1/me": {'anon': L, '*': (OK, OK)},
    "GET analytics:coverage": {'anon': L, '*': (OK, OK)},
    "GET analytics:flows": {'anon': L, '*': (OK, OK)},
    "GET analytics:overview": {'anon': L, '*': (OK, OK)},
    "GET analytics:plotly": {'anon': OK, '*': (OK, OK)},
    "GET analytics:retention": {'anon': L, '*': (OK, OK)},
    "GET analytics:timeline": {'anon': L, '*': (OK, OK)},
    "GET api:tokens": {'anon': L, '*': (OK, OK)},
    "GET api:v1:api-root": {'anon': H, '*': (H, H)},
    "GET api:v1:openapi-json": {'anon': OK, '*': (OK, OK)},
    "GET api:v1:openapi-view": {'anon': OK, '*': (OK, OK)},
    "GET audit:campaign": {'anon': L, '*': (F, F), 'director': (OK, OK), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET audit:file": {'anon': L, '*': (F, F), 'director': (OK, OK), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET campaigns:create": {'anon': L, '*': (OK, OK)},
    "GET campaigns:detail": {'anon': L, '*': (OK, OK)},
    "GET campaigns:figures": {'anon': L, '*': (OK, OK)},
    "GET campaigns:list": {'anon': L, '*': (OK, OK)},
    "GET campaigns:rulebook": {'anon': L, '*': (OK, OK)},
    "GET courses:cohort": {'anon': L, '*': (H, H), 'director': (OK, OK), 'regional_council': (OK, H), 'regional_party_committee': (OK, H), 'course_organizer': (OK, H), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET courses:cohorts": {'anon': L, '*': (OK, OK)},
    "GET exports:download": {'anon': L, '*': (OK, OK)},
    "GET exports:index": {'anon': L, '*': (OK, OK)},
    "GET field:worker": {'anon': L, '*': (OK, H), 'director': (OK, OK), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET field:workers": {'anon': L, '*': (OK, OK)},
    "GET files:detail": {'anon': L, '*': (OK, F), 'director': (OK, OK), 'placement_agency': (OK, OK), 'district_office': (OK, F), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET files:mine": {'anon': L, '*': (OK, OK)},
    "GET files:queue": {'anon': L, '*': (OK, OK)},
    "GET files:queue_counts": {'anon': L, '*': (OK, OK)},
    "GET files:quota_board": {'anon': L, '*': (OK, OK)},
    "GET files:quota_board_table": {'anon': L, '*': (OK, OK)},
    "GET files:selection": {'anon': L, '*': (OK, OK)},
    "GET files:selection_result": {'anon': L, '*': (OK, H), 'superuser': (OK, OK)},
    "GET imports:preview": {'anon': L, '*': (OK, H), 'director': (OK, OK), 'superuser': (OK, OK)},
    "GET imports:start": {'anon': L, '*': (F, F), 'director': (OK, OK), 'placement_agency': (OK, OK), 'district_office': (OK, OK), 'superuser': (OK, OK)},
    "GET jobs:status": {'anon': L, '*': (OK, H), 'superuser': (OK, OK)},
    "GET placement:arrivals": {'anon': L, '*': (OK, OK)},
    "GET placement:dispatch": {'anon': L, '*': (OK, OK)},
    "GET placement:plan": {'anon': L, '*': (OK, OK)},
    "GET placement:post_edit": {'anon': L, '*': (H, H), 'director': (OK, OK), 'placement_agency': (OK, OK), 'district_office': (OK, H), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "GET placement:posts": {'anon': L, '*': (OK, OK)},
    "GET placement:run": {'anon': L, '*': (OK, OK)},
    "GET ui:home": {'anon': L, '*': (OK, OK)},
    "GET ui:login": {'anon': OK, '*': (OK, OK)},
    "POST /api/v1/campaigns/{slug}/decisions": {'anon': L, '*': (F, F), 'regional_council': (REFUSED, H), 'regional_union': (REFUSED, H), 'factory_committee': (REFUSED, H), 'party_cell': (WROTE, H), 'regional_party_committee': (REFUSED, H), 'volunteer': (F, H), 'course_organizer': (F, H), 'district_office': (F, H)},
    "POST /api/v1/campaigns/{slug}/files": {'anon': L, '*': (F, F), 'volunteer': (REFUSED, REFUSED), 'superuser': (WROTE, WROTE)},
    "POST /api/v1/campaigns/{slug}/files/{person_id}/decisions": {'anon': L, '*': (F, F), 'regional_council': (REFUSED, H), 'regional_union': (REFUSED, H), 'factory_committee': (REFUSED, H), 'party_cell': (WROTE, H), 'regional_party_committee': (REFUSED, H), 'volunteer': (F, H), 'course_organizer': (F, H), 'district_office': (F, H)},
    "POST /api/v1/campaigns/{slug}/files/{person_id}/exit": {'anon': L, '*': (F, H), 'director': (F, F), 'placement_agency': (REFUSED, REFUSED), 'district_office': (REFUSED, H), 'historian': (F, F), 'superuser': (REFUSED, REFUSED)},
    "POST /api/v1/campaigns/{slug}/files/{person_id}/field-events": {'anon': L, '*': (F, H), 'director': (F, F), 'placement_agency': (REFUSED, REFUSED), 'district_office': (REFUSED, H), 'historian': (F, F), 'superuser': (REFUSED, REFUSED)},
    "POST /api/v1/campaigns/{slug}/selection": {'anon': L, '*': (F, F), 'director': (WROTE, WROTE), 'regional_party_committee': (WROTE, WROTE), 'superuser': (WROTE, WROTE)},
    "POST api:token_revoke": {'anon': L, '*': (WROTE, F)},
    "POST api:tokens": {'anon': L, '*': (REFUSED, REFUSED)},
    "POST campaigns:create": {'anon': L, '*': (REFUSED, REFUSED)},
    "POST campaigns:deadline": {'anon': L, '*': (OK, OK)},
    "POST campaigns:figures": {'anon': L, '*': (F, F), 'director': (WROTE, WROTE), 'superuser': (WROTE, WROTE)},
    "POST campaigns:push_down": {'anon': L, '*': (H, H)},
    "POST campaigns:rulebook": {'anon': L, '*': (OK, OK)},
    "POST courses:cohort": {'anon': L, '*': (H, H), 'director': (OK, OK), 'regional_council': (OK, H), 'regional_party_committee': (OK, H), 'course_organizer': (OK, H), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "POST courses:cohorts": {'anon': L, '*': (OK, OK)},
    "POST exports:new_key": {'anon': L, '*': (OK, OK)},
    "POST field:worker": {'anon': L, '*': (OK, H), 'director': (OK, OK), 'placement_agency': (OK, OK), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "POST files:detail": {'anon': L, '*': (F, F), 'regional_council': (REFUSED, F), 'regional_union': (REFUSED, F), 'factory_committee': (REFUSED, F), 'party_cell': (WROTE, F), 'regional_party_committee': (REFUSED, F)},
    "POST files:mine": {'anon': L, '*': (REFUSED, REFUSED), 'volunteer': (OK, OK)},
    "POST files:mine_move": {'anon': L, '*': (OK, OK)},
    "POST files:mine_reference": {'anon': L, '*': (OK, OK)},
    "POST files:queue_approve": {'anon': L, '*': (H, H), 'party_cell': (WROTE, H)},
    "POST files:queue_bulk": {'anon': L, '*': (OK, OK), 'party_cell': (WROTE, OK)},
    "POST files:selection_start": {'anon': L, '*': (F, F), 'director': (WROTE, WROTE), 'regional_party_committee': (WROTE, WROTE), 'superuser': (WROTE, WROTE)},
    "POST imports:run": {'anon': L, '*': (F, H), 'director': (WROTE, WROTE), 'superuser': (WROTE, WROTE)},
    "POST imports:start": {'anon': L, '*': (F, F), 'director': (REFUSED, REFUSED), 'placement_agency': (REFUSED, REFUSED), 'district_office': (REFUSED, REFUSED), 'superuser': (REFUSED, REFUSED)},
    "POST placement:arrivals": {'anon': L, '*': (OK, OK)},
    "POST placement:dispatch": {'anon': L, '*': (OK, OK)},
    "POST placement:plan_approve": {'anon': L, '*': (OK, OK)},
    "POST placement:plan_cell": {'anon': L, '*': (OK, OK)},
    "POST placement:plan_run": {'anon': L, '*': (OK, OK), 'director': (WROTE, WROTE), 'placement_agency': (WROTE, WROTE), 'superuser': (WROTE, WROTE)},
    "POST placement:post_edit": {'anon': L, '*': (H, H), 'director': (OK, OK), 'placement_agency': (OK, OK), 'district_office': (OK, H), 'historian': (OK, OK), 'superuser': (OK, OK)},
    "POST placement:posts": {'anon': L, '*': (OK, OK)},
    "POST placement:run": {'anon': L, '*': (OK, OK)},
    "POST ui:logout": {'anon': L, '*': (L, L)},
}


def expected(key: str, roles: list[str]) -> dict[str, Any]:
    """The full expectation of one route: ``anon`` and every role's ``(own, other)``."""
    spec = EXPECTED[key]
    out: dict[str, Any] = {"anon": spec.get("anon", LOGIN)}
    for role in roles:
        out[role] = spec.get(role, spec.get("*"))
    return out


def compact(seen: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    """An observed matrix in this module's format (the commonest pair as the default)."""
    default = Counter(seen[r] for r in roles).most_common(1)[0][0]
    return {"anon": seen["anon"], "*": default, **{r: seen[r] for r in roles if seen[r] != default}}
