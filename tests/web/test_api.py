"""The JSON API: the same visibility, permissions and audit as the pages, and a Problem for every refusal."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from cadre.web.api.services import token_create, token_revoke
from cadre.web.audit.models import AuditEvent
from cadre.web.files.models import Decision, PersonalFile, Status
from cadre.web.files.services import file_declare
from support import answers

DAY = "1929-12-12"
BASE = "/api/v1"


def bearer(user: Any) -> Client:
    """A client that authenticates with a fresh bearer token of ``user`` (no session, no CSRF)."""
    _token, raw = token_create(actor=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(f"{BASE}{url}", data=json.dumps(body), content_type="application/json")


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "code", "message", "problems"}
    assert body["status"] == status
    return body


@pytest.fixture
def files(people: dict[str, Any], org: dict[str, Any], campaign: Any) -> dict[str, PersonalFile]:
    """One file at each Leningrad factory, submitted to tier 1."""
    day = date(1929, 12, 12)
    return {who: file_declare(actor=people[who], campaign=campaign, factory=org[factory], answers=answers(), as_of=day)
            for who, factory in (("vol1", "LEN-F1"), ("vol2", "LEN-F2"))}


def test_a_committee_reads_and_decides_its_own_factorys_files_and_not_another(people, campaign, files):
    mine, theirs = files["vol1"].person_id, files["vol2"].person_id
    cell = bearer(people["cell1"])
    listed = cell.get(f"{BASE}/campaigns/c1929/files").json()
    assert [f["person_id"] for f in listed["items"]] == [mine]
    assert listed["count"] == 1
    assert cell.get(f"{BASE}/campaigns/c1929/files/{mine}").json()["decisions"][0]["action"] == "submit"
    # Another factory's file does not exist for this committee: 404 on read and on decide, as the pages do.
    problem(cell.get(f"{BASE}/campaigns/c1929/files/{theirs}"), 404)
    problem(post(cell, f"/campaigns/c1929/files/{theirs}/decisions", {"action": "approve", "as_of": DAY}), 404)
    decided = post(cell, f"/campaigns/c1929/files/{mine}/decisions", {"action": "approve", "as_of": DAY})
    assert decided.status_code == 201
    assert decided.json()["to_status"] == Status.AT_FACTORY_COMMITTEE
    assert AuditEvent.objects.filter(action="file_approve", actor=people["cell1"]).count() == 1


def test_a_reader_who_may_not_decide_gets_403_with_the_reason_and_nothing_moves(people, campaign, files):
    mine = files["vol1"].person_id
    body = problem(post(bearer(people["historian"]), f"/campaigns/c1929/files/{mine}/decisions",
                        {"action": "approve", "as_of": DAY}), 403)
    assert "historian may not file decide" in body["message"]
    out_of_turn = problem(post(bearer(people["fc1"]), f"/campaigns/c1929/files/{mine}/decisions",
                               {"action": "approve", "as_of": DAY}), 409)
    assert "at_party_cell" in out_of_turn["message"]
    assert PersonalFile.objects.get(person_id=mine).status == Status.AT_PARTY_CELL
    problem(bearer(people["vol1"]).get(f"{BASE}/audit"), 403)


def test_bad_bodies_and_queries_give_422_with_every_place(people, campaign, files):
    cell = bearer(people["cell1"])
    mine = files["vol1"].person_id
    body = problem(post(cell, f"/campaigns/c1929/files/{mine}/decisions", {"action": "bless", "as_of": "soon"}), 422)
    assert {tuple(p["place"]) for p in body["problems"]} == {("body", "action"), ("body", "as_of")}
    query = problem(cell.get(f"{BASE}/campaigns/c1929/files?page=0&page_size=abc&status=lost"), 422)
    assert {tuple(p["place"]) for p in query["problems"]} == {("query", "page"), ("query", "page_size"),
                                                              ("query", "status")}
    raw = cell.post(f"{BASE}/campaigns/c1929/files/{mine}/decisions", data="{not json", content_type="application/json")
    problem(raw, 400)
    reasons = problem(post(cell, f"/campaigns/c1929/files/{mine}/decisions",
                           {"action": "reject", "reason_code": "committee_judgement", "as_of": DAY}), 422)
    assert "reasons in words" in json.dumps(reasons)


def test_a_declaration_through_the_api_reports_each_bad_answer_at_its_place(people, campaign):
    vol = bearer(people["vol1b"])
    body = problem(post(vol, "/campaigns/c1929/files", {"factory": "LEN-F1", "answers": answers(age=200, sex="robot"),
                                                        "as_of": DAY}), 422)
    assert {("body", "answers", "age"), ("body", "answers", "sex")} <= {tuple(p["place"]) for p in body["problems"]}
    assert not PersonalFile.objects.exists()
    problem(post(vol, "/campaigns/c1929/files", {"factory": "NOPE", "answers": answers()}), 422)
    made = post(vol, "/campaigns/c1929/files", {"factory": "LEN-F1", "answers": answers(), "as_of": DAY})
    assert made.status_code == 201
    assert made.json()["status"] == Status.AT_PARTY_CELL
    assert "opposition_past" in made.json()["answers"]  # the 1929 campaign is the historical replay


def test_bulk_decisions_move_every_file_or_none(people, org, campaign, files):
    file_declare(actor=people["vol1b"], campaign=campaign, factory=org["LEN-F1"], answers=answers(skill_grade=2),
                 as_of=date(1929, 12, 12))
    ids = sorted(PersonalFile.objects.filter(factory_id="LEN-F1").values_list("person_id", flat=True))
    cell = bearer(people["cell1"])
    refused = problem(post(cell, "/campaigns/c1929/decisions", {"person_ids": ids, "action": "approve", "as_of": DAY}),
                      422)
    assert "skilled" in json.dumps(refused)
    assert Decision.objects.filter(action="approve").count() == 0
    hidden = problem(post(cell, "/campaigns/c1929/decisions",
                          {"person_ids": [*ids, files["vol2"].person_id], "action": "approve"}), 404)
    assert hidden["problems"][0]["place"] == ["body", "person_ids", 2]
    ok = post(cell, "/campaigns/c1929/decisions", {"person_ids": [files["vol1"].person_id], "action": "approve",
                                                   "as_of": DAY})
    assert ok.status_code == 201
    assert ok.json()["decided"] == 1


def test_a_revoked_token_opens_nothing_and_no_credentials_give_401(people, campaign):
    token, raw = token_create(actor=people["director"], name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"{BASE}/me").json()["username"] == "director"
    token_revoke(actor=people["director"], token=token)
    problem(client.get(f"{BASE}/me"), 401)
    problem(Client().get(f"{BASE}/campaigns"), 401)
    problem(Client(HTTP_AUTHORIZATION="Bearer cadre_made-up").get(f"{BASE}/campaigns"), 401)
    assert list(AuditEvent.objects.filter(action__startswith="api_token").values_list("action", flat=True)) == [
        "api_token_revoke", "api_token_create"]


def test_a_session_needs_csrf_for_writes_but_not_for_reads(people, campaign, files):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["cell1"])
    assert browser.get(f"{BASE}/campaigns").status_code == 200
    mine = files["vol1"].person_id
    problem(post(browser, f"/campaigns/c1929/files/{mine}/decisions", {"action": "approve", "as_of": DAY}), 403)
    browser.get("/api/tokens/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    ok = browser.post(f"{BASE}/campaigns/c1929/files/{mine}/decisions", data=json.dumps({"action": "approve",
                      "as_of": DAY}), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201


def test_selection_runs_as_a_job_that_the_api_reports(people, campaign):
    director = bearer(people["director"])
    submitted = post(director, "/campaigns/c1929/selection", {"as_of": "1930-01-20"})
    assert submitted.status_code == 202
    job = director.get(f"{BASE}/jobs/{submitted.json()['id']}").json()
    assert job["status"] == "failed"
    assert "no approved files" in job["error"]
    problem(bearer(people["cell1"]).get(f"{BASE}/jobs/{job['id']}"), 404)  # someone else's job
    problem(post(bearer(people["fc1"]), "/campaigns/c1929/selection", {}), 403)
    problem(post(director, "/campaigns/c1929/selection", {"region": "ATLANTIS"}), 422)


def test_quota_board_campaigns_and_audit_read_through_the_selectors(people, campaign, files):
    director = bearer(people["director"])
    assert director.get(f"{BASE}/campaigns").json()[0]["rulebook"]["number"] == 1
    problem(director.get(f"{BASE}/campaigns/nope"), 404)
    board = {(r["region"], r["union"]): r for r in director.get(f"{BASE}/campaigns/c1929/quota-board").json()}
    assert board[("LEN", "metalworkers")]["volunteers"] == 2
    assert board[("LEN", "metalworkers")]["plan"] > 0
    cell_board = bearer(people["cell1"]).get(f"{BASE}/campaigns/c1929/quota-board").json()
    assert sum(r["volunteers"] for r in cell_board) == 1
    trail = director.get(f"{BASE}/audit?campaign=c1929&page_size=2").json()
    assert trail["count"] >= 5
    assert len(trail["items"]) == 2


def test_field_endpoints_list_and_refuse_through_the_services(people, campaign, files):
    agency = bearer(people["agency"])
    for what in ("posts", "placements", "field-events"):
        listed = agency.get(f"{BASE}/campaigns/c1929/{what}")
        assert listed.status_code == 200
        assert listed.json()["count"] == 0
    mine = files["vol1"].person_id
    # The file is at tier 1, not in the field: the journal refuses with the reason (409), and nothing is written.
    body = problem(post(agency, f"/campaigns/c1929/files/{mine}/field-events", {"kind": "complaint", "on": "1930-05-01"}),
                   409)
    assert "not in the field" in body["message"]
    problem(post(agency, f"/campaigns/c1929/files/{mine}/exit", {"on": "1930-05-01", "channel": "eloped"}), 422)
    problem(post(agency, f"/campaigns/c1929/files/{mine}/field-events", {"kind": "complaint", "on": "1930-05-01",
                                                                        "post_id": 999}), 422)


def test_a_page_past_the_end_is_empty_not_an_error(people, campaign, files):
    """The fuzzer's finding: an offset past any integer the database holds gave a server error."""
    client = bearer(people["director"])
    for url in (f"/api/v1/campaigns/{campaign.slug}/files?page={10**20}", f"/api/v1/audit?page={10**20}"):
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert response.json()["items"] == []
