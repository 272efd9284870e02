"""The API's published contract: the OpenAPI document at its stable URL, the docs page, tokens page and command."""

from __future__ import annotations

import io
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.test import Client

from cadre.web.api.models import ApiToken

#: Every endpoint of version 1 (method, path): the contract clients are written against.
ENDPOINTS = {
    ("get", "/api/v1/me"), ("get", "/api/v1/campaigns"), ("get", "/api/v1/campaigns/{slug}"),
    ("get", "/api/v1/campaigns/{slug}/quota-board"), ("post", "/api/v1/campaigns/{slug}/selection"),
    ("get", "/api/v1/jobs/{job_id}"), ("get", "/api/v1/audit"),
    ("get", "/api/v1/campaigns/{slug}/files"), ("post", "/api/v1/campaigns/{slug}/files"),
    ("get", "/api/v1/campaigns/{slug}/files/{person_id}"),
    ("post", "/api/v1/campaigns/{slug}/files/{person_id}/decisions"), ("post", "/api/v1/campaigns/{slug}/decisions"),
    ("get", "/api/v1/campaigns/{slug}/posts"), ("get", "/api/v1/campaigns/{slug}/placements"),
    ("get", "/api/v1/campaigns/{slug}/field-events"),
    ("post", "/api/v1/campaigns/{slug}/files/{person_id}/field-events"),
    ("post", "/api/v1/campaigns/{slug}/files/{person_id}/exit"),
}


@pytest.fixture
def schema(db: Any) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if isinstance(node.get("$ref"), str) else []) + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_the_schema_is_valid_openapi_and_lists_every_endpoint_with_its_problems(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"
    listed = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert listed == ENDPOINTS
    components = schema["components"]["schemas"]
    for name, body in components.items():
        jsonschema.Draft202012Validator.check_schema(body)  # every component is a valid JSON Schema
        assert name
    for ref in _refs(schema):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in components, ref
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            documented = set(op["responses"])
            assert {"401", "403", "404", "422"} <= documented, (method, path)
            assert op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Problem")
            assert op.get("summary"), (method, path)
            assert op.get("security"), (method, path)
    assert {"BearerToken", "Session"} <= set(schema["components"]["securitySchemes"])


def test_answers_match_their_documented_schemas(schema, people):
    """A real refusal and a real list validate against the schemas the document gives for them."""
    registry_schema = {"$defs": schema["components"]["schemas"]}

    def check(body: Any, ref: str) -> None:
        jsonschema.validate(body, {**registry_schema, "$ref": ref.replace("components/schemas", "$defs")})

    client = Client()
    client.force_login(people["director"])
    check(client.get("/api/v1/campaigns/none/files").json(), "#/components/schemas/Problem")
    check(Client().get("/api/v1/me").json(), "#/components/schemas/Problem")
    check(client.get("/api/v1/me").json(), "#/components/schemas/Me")


def test_the_docs_page_is_served_from_local_files_without_inline_script(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # only script files and a JSON data block: the CSP holds


def test_the_tokens_page_makes_a_token_shown_once_and_revokes_it(people):
    client = Client()
    client.force_login(people["fc1"])
    assert client.get("/api/tokens/").status_code == 200
    refused = client.post("/api/tokens/", {"name": "  "})
    assert refused.status_code == 422
    assert "give the token a name" in refused.content.decode()
    shown = client.post("/api/tokens/", {"name": "nightly sync"}, follow=True).content.decode()
    token = ApiToken.objects.get(user=people["fc1"])
    raw = shown.split('data-token>')[1].split("<")[0]
    assert raw.startswith(token.prefix)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").json()["username"] == "fc1"
    assert raw not in client.get("/api/tokens/").content.decode()  # shown once only
    other = Client()
    other.force_login(people["fc2"])
    assert other.post(f"/api/tokens/{token.pk}/revoke/").status_code == 403  # not theirs
    client.post(f"/api/tokens/{token.pk}/revoke/")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


def test_the_command_makes_lists_and_revokes_tokens(people):
    out = io.StringIO()
    call_command("api_token", "create", "--user", "historian", "--name", "notebook", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/campaigns").status_code == 200
    listing = io.StringIO()
    call_command("api_token", "list", "--user", "historian", stdout=listing)
    assert "notebook" in listing.getvalue()
    assert "active" in listing.getvalue()
    call_command("api_token", "revoke", str(ApiToken.objects.get().pk), stdout=io.StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/campaigns").status_code == 401
