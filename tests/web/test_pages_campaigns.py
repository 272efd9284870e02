"""The director's pages: campaigns, creation from the 1929 template, control figures, rulebook versions, deadlines."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from cadre.web.campaigns.models import Campaign, ControlFigure, Deadline, FactoryQuota, RulebookVersion


def signed(client: Client, who: str) -> Client:
    client.force_login(get_user_model().objects.get(username=who))
    return client


def test_the_director_creates_a_campaign_from_the_1929_template(client, people):
    signed(client, "director")
    assert "New campaign" in client.get("/campaigns/new/").content.decode()
    response = client.post("/campaigns/new/", {"template": "ussr-1929", "name": "Replay", "slug": "replay",
                                               "selection_opens_on": "1930-01-22"})
    assert response.status_code == 302
    assert response["Location"] == "/campaigns/replay/"
    campaign = Campaign.objects.get(slug="replay")
    assert ControlFigure.objects.filter(campaign=campaign).count() > 10
    page = client.get("/campaigns/replay/").content.decode()
    assert "Version 1" in page
    assert "1930-01-22" in page
    assert "Replay" in client.get("/campaigns/").content.decode()


def test_only_the_director_may_create_and_is_told_why(client, people):
    response = signed(client, "fc1").post("/campaigns/new/", {"template": "ussr-1929", "name": "X", "slug": "x",
                                                              "selection_opens_on": "1930-01-22"})
    assert response.status_code == 403
    assert "campaign manage" in response.content.decode()
    assert not Campaign.objects.filter(slug="x").exists()


def test_control_figures_are_edited_and_pushed_down(client, people, org, campaign):
    signed(client, "director")
    page = client.get(f"/campaigns/{campaign.slug}/figures/").content.decode()
    assert 'name="q-LEN-metalworkers"' in page
    response = client.post(f"/campaigns/{campaign.slug}/figures/", {"q-LEN-metalworkers": "40"})
    assert response.status_code == 302
    assert ControlFigure.objects.get(campaign=campaign, region=org["LEN"], union="metalworkers").quota == 40
    bad = client.post(f"/campaigns/{campaign.slug}/figures/", {"q-LEN-metalworkers": "many"})
    assert bad.status_code == 422
    assert "not a whole number" in bad.content.decode()
    client.post(f"/campaigns/{campaign.slug}/figures/push-down/", {"region": "LEN"})
    quotas = FactoryQuota.objects.filter(campaign=campaign, factory__code__in=["LEN-F1", "LEN-F2"])
    assert sum(q.quota for q in quotas) == 40


def test_a_rulebook_edit_is_a_new_version_and_every_problem_is_shown_with_its_place(client, people, campaign):
    signed(client, "director")
    current = RulebookVersion.objects.get(campaign=campaign)
    assert current.ref in client.get(f"/campaigns/{campaign.slug}/rulebook/").content.decode()
    broken = current.text.replace('column = "years_at_factory"', 'column = "yeers"').replace(
        "at_least = 4", 'at_least = "four"')
    response = client.post(f"/campaigns/{campaign.slug}/rulebook/", {"text": broken})
    text = response.content.decode()
    assert response.status_code == 422
    assert "unknown column &#x27;yeers&#x27;" in text
    assert "criteria[1]" in text
    assert RulebookVersion.objects.filter(campaign=campaign).count() == 1
    edited = current.text.replace("at_least = 4", "at_least = 5")
    assert client.post(f"/campaigns/{campaign.slug}/rulebook/", {"text": edited}).status_code == 302
    assert list(RulebookVersion.objects.filter(campaign=campaign).values_list("number", flat=True)) == [2, 1]


def test_deadlines_are_set_by_the_director(client, people, campaign):
    signed(client, "director").post(f"/campaigns/{campaign.slug}/deadlines/",
                                    {"kind": "declarations", "due_on": "1929-12-31", "note": "as announced"})
    assert Deadline.objects.get(campaign=campaign).note == "as announced"
    assert signed(Client(), "historian").post(f"/campaigns/{campaign.slug}/deadlines/", {
        "kind": "declarations", "due_on": "1930-01-05"}).status_code == 403
