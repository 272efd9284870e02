"""The screening pages: the volunteer's declaration, the queue (filters, bulk, htmx), the file page, the
quota board, final selection and the job status partial."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cadre.web.audit.models import AuditEvent
from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.services import file_declare
from cadre.web.jobs.models import Job
from support import answers

DAY = date(1929, 12, 12)


def signed(client: Client, who: str) -> Client:
    client.force_login(get_user_model().objects.get(username=who))
    return client


def form_answers(**changes: Any) -> dict[str, Any]:
    data = {k: v for k, v in answers(**changes).items() if k != "quality"}
    data["civil_war_service"] = "on" if data["civil_war_service"] else ""
    data["heavy_drinking"] = "on" if data["heavy_drinking"] else ""
    data["labor_violations"] = "on" if data["labor_violations"] else ""
    return {k: v for k, v in data.items() if v != ""}


def declared(people: dict[str, Any], org: dict[str, Any], campaign: Any, who: str = "vol1",
             factory: str = "LEN-F1", **changes: Any) -> PersonalFile:
    return file_declare(actor=people[who], campaign=campaign, factory=org[factory], answers=answers(**changes),
                        as_of=DAY)


def test_a_volunteer_declares_through_the_questionnaire(client, people, campaign):
    signed(client, "vol1")
    page = client.get("/files/mine/")
    assert page.status_code == 200
    assert "Skill grade" in page.content.decode()
    assert "opposition" not in page.content.decode().lower()
    response = client.post("/files/mine/", {"campaign": campaign.slug, **form_answers()})
    assert response.status_code == 302
    file = PersonalFile.objects.get(owner=people["vol1"])
    assert file.status == Status.AT_PARTY_CELL
    mine = client.get(response["Location"]).content.decode()
    assert "tier 1: party cell" in mine
    assert "declaration" in mine


def test_the_engine_refuses_a_bad_questionnaire_at_its_fields(client, people, campaign):
    signed(client, "vol1")
    response = client.post("/files/mine/", {"campaign": campaign.slug, **form_answers(
        party_status="nonparty", party_joined=1920, reference_from="factory_committee", age=32, years_at_factory=30)})
    assert response.status_code == 422
    text = response.content.decode()
    # Both of the engine's cross-field problems, each inside its own field's block.
    assert "a year of joining is given for a non-party worker" in text.split('name="party_joined"')[1].split("</div>")[0]
    assert "before the age of 10" in text.split('name="years_at_factory"')[1].split("</div>")[0]
    assert not PersonalFile.objects.exists()


def test_a_volunteer_uploads_a_reference_and_withdraws(client, people, org, campaign):
    file = declared(people, org, campaign)
    signed(client, "vol1")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post("/files/mine/reference/", {"campaign": campaign.slug,
                                            "reference": SimpleUploadedFile("ref.txt", b"A fine fitter.")})
    assert file.references.get().text == "A fine fitter."
    client.post("/files/mine/move/", {"campaign": campaign.slug, "action": "withdraw"})
    file.refresh_from_db()
    assert file.status == Status.WITHDRAWN


def test_the_queue_shows_only_the_files_before_the_users_body(client, people, org, campaign):
    mine = declared(people, org, campaign)
    declared(people, org, campaign, who="vol2", factory="LEN-F2")
    text = signed(client, "cell1").get("/files/queue/").content.decode()
    assert mine.person_id in text
    assert "LEN-F2" not in text
    assert "Nothing waits" in signed(Client(), "fc1").get("/files/queue/").content.decode()


def test_bulk_decision_moves_all_or_lists_every_refusal(client, people, org, campaign):
    a = declared(people, org, campaign)
    b = declared(people, org, campaign, who="vol1b", skill_grade=2)
    signed(client, "cell1")
    refused = client.post("/files/queue/bulk/", {"campaign": campaign.slug, "files": [a.person_id, b.person_id],
                                                 "action": "approve"}, HTTP_HX_REQUEST="true")
    text = refused.content.decode()
    assert "fails skilled" in text
    assert "cannot be approved" in text
    assert set(PersonalFile.objects.values_list("status", flat=True)) == {Status.AT_PARTY_CELL}
    done = client.post("/files/queue/bulk/", {"campaign": campaign.slug, "files": [a.person_id], "action": "approve"},
                       HTTP_HX_REQUEST="true")
    assert done["HX-Trigger"] == "queueChanged"
    assert "1 files decided" in done.content.decode()
    a.refresh_from_db()
    assert a.status == Status.AT_FACTORY_COMMITTEE


def test_approving_from_a_row_returns_the_row_in_its_new_state(client, people, org, campaign):
    file = declared(people, org, campaign)
    signed(client, "cell1")
    response = client.post(f"/files/{campaign.slug}/{file.person_id}/approve/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "queueChanged"
    assert "tier 2: factory committee" in response.content.decode()
    counts = client.get(f"/files/queue/counts/?campaign={campaign.slug}").content.decode()
    assert '<span class="n">0</span>' in counts


def test_the_file_page_shows_the_engines_verdict_and_records_the_read(client, people, org, campaign):
    file = declared(people, org, campaign, village_ties="farm")
    signed(client, "cell1")
    page = client.get(f"/files/{campaign.slug}/{file.person_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "tied_to_land" in text
    assert "fails 1 criterion" in text
    assert AuditEvent.objects.filter(action="file_viewed", object_id=str(file.pk), actor=people["cell1"]).exists()
    wrong = client.post(f"/files/{campaign.slug}/{file.person_id}/",
                        {"move": "party_cell:reject", "reason_code": "skilled"})
    assert wrong.status_code == 422
    assert "meets criterion skilled" in wrong.content.decode()
    right = client.post(f"/files/{campaign.slug}/{file.person_id}/",
                        {"move": "party_cell:reject", "reason_code": "tied_to_land"})
    assert right.status_code == 302
    file.refresh_from_db()
    assert file.status == Status.REJECTED


def test_another_factorys_committee_is_refused_with_the_reason(client, people, org, campaign):
    file = declared(people, org, campaign)
    response = signed(client, "fc2").get(f"/files/{campaign.slug}/{file.person_id}/")
    assert response.status_code == 403
    assert "LEN-F1" in response.content.decode()
    assert not AuditEvent.objects.filter(action="file_viewed").exists()


def test_the_quota_board_counts_against_the_plan(client, people, org, campaign):
    declared(people, org, campaign)
    text = signed(client, "council").get(f"/files/quota-board/?campaign={campaign.slug}").content.decode()
    assert "LEN:metalworkers" in text
    assert "level-bad" in text
    table = client.get(f"/files/quota-board/table/?campaign={campaign.slug}&union_region=LEN:metalworkers")
    assert "LEN-F1" in table.content.decode()
    assert "<html" not in table.content.decode()
    own = signed(Client(), "fc1").get(f"/files/quota-board/?campaign={campaign.slug}").content.decode()
    assert "LEN-F2" not in own
    assert "MOS" not in own.split("By region")[1]


def test_final_selection_runs_as_a_job_and_shows_its_certificate(client, people, org, campaign):
    ids = [declared(people, org, campaign, who=w).person_id for w in ("vol1", "vol1b")]
    for who in ("cell1", "fc1", "union", "council"):
        file_decide_bulk(actor=people[who], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    signed(client, "party")
    assert "Final selection opens on" in client.get("/files/selection/").content.decode()
    started = client.post("/files/selection/start/", {"campaign": campaign.slug, "region": "LEN"})
    assert started.status_code == 302
    job = Job.objects.get(kind="selection")
    assert job.status == "done", job.error
    page = client.get(started["Location"]).content.decode()
    assert "Certificate" in page
    assert "Objective" in page
    assert "Cohort targets" in page
    assert PersonalFile.objects.filter(status=Status.SELECTED).count() == 2
    partial = client.get(f"/jobs/{job.pk}/status/")
    assert "jobFinished" in partial["HX-Trigger"]
    assert "hx-trigger" not in partial.content.decode()


def test_selection_before_its_date_is_refused_with_the_date(client, people, org, campaign):
    campaign.selection_opens_on = date(2999, 1, 1)
    campaign.save(update_fields=["selection_opens_on"])
    text = signed(client, "party").get("/files/selection/").content.decode()
    assert "cannot run before 2999-01-01" in text
    assert "Run the final selection</button>" not in text


def test_a_running_job_polls_itself_and_others_cannot_see_it(client, people, campaign):
    job = Job.objects.create(kind="selection", status="running", progress=0.4, campaign=campaign,
                             created_by=people["party"], message="solving")
    text = signed(client, "party").get(f"/jobs/{job.pk}/status/").content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert "40%" in text
    assert "solving" in text
    assert signed(Client(), "fc1").get(f"/jobs/{job.pk}/status/").status_code == 404


@pytest.mark.parametrize("person_id", ["ussr-1929-10918", "a b", "x:y@z", "нр-7", "50%", "a+b&c=d"])
def test_the_queues_file_links_are_what_reverse_makes(person_id):
    from django.urls import reverse

    from cadre.web.files.views_queue import _detail_url

    assert _detail_url("ussr-1929", person_id) == reverse("files:detail", args=["ussr-1929", person_id])
