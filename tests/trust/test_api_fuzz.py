"""Fuzz the JSON API from its published OpenAPI schema (schemathesis, in-process through WSGI).

Every operation of ``/api/v1/openapi.json`` gets generated requests, valid and invalid (schemathesis's
positive and negative modes), sent as a signed-in director with a bearer token. Each answer must be:

- no server error (no 5xx);
- a status code the operation documents (every refusal is a documented Problem);
- a body that conforms to the documented schema of that status, with the documented content type.

Path parameters are sometimes swapped for those of real objects (the campaign, a file, a job), so that
the fuzzer gets past 404 into the operations themselves. The number of cases that ran, per operation, is
printed at the end and written to ``var/api-fuzz/cases.json``. ``CADRE_FUZZ_EXAMPLES`` sets the examples
per operation (default 25). Runs on SQLite, in the slow suite.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cadre import record
from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
from cadre.web.accounts.services import unit_path
from cadre.web.api.services import token_create
from cadre.web.campaigns.services import campaign_create_from_template
from cadre.web.files.services import file_declare
from cadre.web.jobs.services import job_submit

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (the dev group needs 'schemathesis>=4.32,<5')")

pytestmark = [pytest.mark.slow]

EXAMPLES = int(os.environ.get("CADRE_FUZZ_EXAMPLES", "25"))
REPORT = Path(__file__).resolve().parents[2] / "var" / "api-fuzz" / "cases.json"
ANSWERS = {"sex": "male", "age": 32, "trade": "fitter", "skill_grade": 6, "years_at_factory": 9.0,
           "party_status": "party", "party_joined": 1920, "activist_roles": ["shop_bureau"],
           "civil_war_service": True, "village_ties": "none", "dependents": 2, "education": "primary",
           "wage": 90.0, "health": "fit", "heavy_drinking": False, "labor_violations": False,
           "recruitment": "volunteered", "reference_from": "party_cell", "quality": 0.8}

#: Cases sent, per operation ("GET /api/v1/campaigns"), and answers per status code.
CASES: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()


def _unit(kind: str, code: str, parent: OrgUnit | None, region: str = "", union: str = "") -> OrgUnit:
    return OrgUnit.objects.create(kind=kind, code=code, name=code, parent=parent, path=unit_path(parent, code),
                                  region_code=region, union=union)


def _workspace() -> dict[str, Any]:
    """An org tree, a director (token), a volunteer's declared file, a selection job: real objects to hit."""
    units = {"CENTER": _unit(UnitKind.CENTER, "CENTER", None)}
    for code in record.regions().get_column("code").to_list():
        units[code] = _unit(UnitKind.REGION, code, units["CENTER"], code)
    units["LEN:metalworkers"] = _unit(UnitKind.UNION_REGION, "LEN:metalworkers", units["LEN"], "LEN", "metalworkers")
    units["LEN-F1"] = _unit(UnitKind.FACTORY, "LEN-F1", units["LEN:metalworkers"], "LEN", "metalworkers")
    units["LVO-D1"] = _unit(UnitKind.DISTRICT, "LVO-D1", units["LVO"], "LVO")
    model = get_user_model()
    director = model.objects.create_user(username="director", password="a long fuzzing password")
    Membership.objects.create(user=director, unit=units["CENTER"], role=Role.DIRECTOR)
    volunteer = model.objects.create_user(username="volunteer", password="a long fuzzing password")
    Membership.objects.create(user=volunteer, unit=units["LEN-F1"], role=Role.VOLUNTEER)
    campaign = campaign_create_from_template(actor=director, template="ussr-1929", slug="c1929",
                                             name="The 25,000ers", selection_opens_on=date(1930, 1, 10))
    file = file_declare(actor=volunteer, campaign=campaign, factory=units["LEN-F1"], answers=ANSWERS,
                        as_of=date(1929, 12, 12))
    job = job_submit(actor=director, kind="selection", params={"region": "", "as_of": ""}, campaign=campaign)
    _token, raw = token_create(actor=director, name="schemathesis")
    return {"token": raw, "known": {"slug": campaign.slug, "person_id": file.person_id, "job_id": job.pk}}


@pytest.fixture
def workspace(db: Any, settings: Any) -> dict[str, Any]:
    settings.ALLOWED_HOSTS = ["*"]  # schemathesis's WSGI client names its own host
    return _workspace()


def _operations() -> dict[str, Any]:
    """The operations of the published schema, by label, loaded once at collection from the app itself."""
    from django.core.wsgi import get_wsgi_application
    from django.test.utils import override_settings

    with override_settings(ALLOWED_HOSTS=["*"]):
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # an operation the schema cannot describe fails the whole module here
        operations[f"{operation.method.upper()} {operation.path}"] = operation
    return operations


OPERATIONS = _operations()


@pytest.fixture(scope="module", autouse=True)
def _report(pytestconfig: pytest.Config) -> Iterator[None]:
    yield
    if not CASES:
        return
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({"examples_per_operation_and_mode": EXAMPLES, "cases": sum(CASES.values()),
                                  "operations": dict(sorted(CASES.items())),
                                  "statuses": {str(k): v for k, v in sorted(STATUSES.items())}}, indent=2) + "\n")
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\nAPI fuzz: {sum(CASES.values())} cases over {len(CASES)} operations "
                            f"(statuses {dict(sorted(STATUSES.items()))}); written to {REPORT}")


def _has_inputs(operation: Any) -> bool:
    return bool(list(operation.iter_parameters())) or bool(list(operation.body))


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_answers_as_documented(label: str, workspace: dict[str, Any]) -> None:
    operation = OPERATIONS[label]
    checks = schemathesis.checks
    auth = {"Authorization": f"Bearer {workspace['token']}"}
    known = {name: value for name, value in workspace["known"].items()
             if name in {p.name for p in operation.path_parameters}}
    modes = [schemathesis.GenerationMode.POSITIVE]
    if _has_inputs(operation):
        modes.append(schemathesis.GenerationMode.NEGATIVE)
    for mode in modes:
        strategies = [operation.as_strategy(mode)]
        if known:  # the same requests against real objects, to get past 404 into the operation itself
            strategies.append(operation.as_strategy(mode, path_parameters=known))

        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(strategies))
        def send(case: Any) -> None:
            response = case.call(headers=auth)
            CASES[label] += 1
            STATUSES[response.status_code] += 1
            case.validate_response(response, headers=auth, checks=[
                checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
                checks.response_schema_conformance])

        send()
