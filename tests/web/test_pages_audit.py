"""The audit pages: the campaign's trail with filters and pages, one file's trail with its reads, refusals."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.test import Client

from cadre.web.files.services import file_decide, file_declare
from support import answers


def signed(client: Client, who: str) -> Client:
    client.force_login(get_user_model().objects.get(username=who))
    return client


def test_the_trail_filters_by_action_and_actor_and_shows_the_change(client, people, org, campaign):
    file = file_declare(actor=people["vol1"], campaign=campaign, factory=org["LEN-F1"], answers=answers(),
                        as_of=date(1929, 12, 12))
    file_decide(actor=people["cell1"], file=file, action="approve", as_of=date(1929, 12, 12))
    signed(client, "historian")
    page = client.get(f"/audit/?campaign={campaign.slug}&action=file_approve").content.decode().split(
        '<table class="data audit">')[1]
    assert "cell1" in page
    assert "at_party_cell" in page
    assert "at_factory_committee" in page
    assert "<del>" in page
    assert "v1" in page
    assert "campaign create" not in page
    by_actor = client.get(f"/audit/?campaign={campaign.slug}&actor=director").content.decode().split(
        '<table class="data audit">')[1]
    assert "campaign create" in by_actor
    assert "file approve" not in by_actor
    later = client.get(f"/audit/?campaign={campaign.slug}&since=2999-01-01").content.decode()
    assert "No audit event matches" in later


def test_a_files_trail_shows_who_read_it(client, people, org, campaign):
    file = file_declare(actor=people["vol1"], campaign=campaign, factory=org["LEN-F1"], answers=answers(),
                        as_of=date(1929, 12, 12))
    signed(Client(), "fc1").get(f"/files/{campaign.slug}/{file.person_id}/")
    page = signed(client, "director").get(f"/audit/files/{campaign.slug}/{file.person_id}/").content.decode()
    assert "file viewed" in page
    assert "fc1" in page
    assert "file declare" in page


def test_the_trail_is_refused_to_those_without_the_audit_role_with_the_reason(client, people, campaign):
    response = signed(client, "fc1").get("/audit/")
    assert response.status_code == 403
    assert "audit view" in response.content.decode()
