"""The analytics pages: tables from the engine's analytics, chart data blocks, filters, plotly served locally."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from support_after import serving


@pytest.fixture
def field(people, org, campaign):
    return serving(people, org, campaign, n=3)


def _figure(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no data block {chart_id}"
    return json.loads(found.group(1))


def test_the_overview_sets_selection_beside_the_control_figures(client, people, field):
    client.force_login(people["historian"])
    html = client.get(reverse("analytics:overview")).content.decode()
    assert re.search(r"<strong>3</strong>selected", html)
    figure = _figure(html, "chart-plan-region")
    planned, actual = figure["data"]
    assert actual["y"][planned["x"].index("LEN")] == 3
    assert "communist party member" in html  # the composition table, in the record's layout
    assert "<script>" not in html
    assert "onclick" not in html


def test_timeline_retention_flows_and_coverage_come_from_the_files(client, people, field):
    client.force_login(people["historian"])
    timeline = client.get(reverse("analytics:timeline")).content.decode()
    arrivals = _figure(timeline, "chart-arrivals")["data"][0]
    assert arrivals["y"][-1] == 3
    retention = client.get(reverse("analytics:retention")).content.decode()
    assert "3 workers followed" in retention
    curves = _figure(retention, "chart-incidence")["data"]
    assert [c["name"] for c in curves] == ["recalled"]
    survival = _figure(retention, "chart-survival")["data"][0]
    # The only exit channel taken carries all of the leaving: its incidence is one minus the survival.
    assert curves[0]["y"][-1] == pytest.approx(1 - survival["y"][-1])
    assert survival["y"][0] == 1.0
    assert survival["y"][-1] < 1.0
    flows = client.get(reverse("analytics:flows")).content.decode()
    (bars,) = _figure(flows, "chart-flows")["data"]
    assert (bars["name"], bars["x"], bars["y"]) == ("LEN", ["LVO"], [3])
    coverage = client.get(reverse("analytics:coverage")).content.decode()
    assert "50.0%" in coverage  # two of four farm posts are held (one worker left, one farm was never filled)


def test_filters_narrow_every_table_and_bad_dates_are_said(client, people, field):
    client.force_login(people["historian"])
    html = client.get(reverse("analytics:overview"), {"region": "MOS"}).content.decode()
    assert re.search(r"<strong>0</strong>selected", html)
    timeline = client.get(reverse("analytics:timeline"), {"since": "1930-02-01", "until": "1930-02-03"}).content.decode()
    assert _figure(timeline, "chart-arrivals")["data"][0]["y"][-1] == 2
    bad = client.get(reverse("analytics:retention"), {"until": "soon"}).content.decode()
    assert "until: not a date" in bad


def test_plotly_is_served_from_the_installed_package_with_long_caching(client, people):
    client.force_login(people["historian"])
    response = client.get(reverse("analytics:plotly"))
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]
    assert b"plotly" in response.content[:2000].lower()


def test_a_factory_committee_sees_only_its_own_workers(client, people, field):
    client.force_login(people["fc2"])
    html = client.get(reverse("analytics:overview")).content.decode()
    assert re.search(r"<strong>0</strong>selected", html)


def test_a_dashboard_is_kept_for_a_while_per_user_and_says_when_it_was_computed(client, people, field):
    from cadre.web.files.models import PersonalFile

    client.force_login(people["historian"])
    first = client.get(reverse("analytics:overview")).content.decode()
    assert re.search(r"<strong>3</strong>selected", first)
    assert "Figures as of" in first
    PersonalFile.objects.filter(status="placed").update(status="exited")  # the data move on ...
    again = client.get(reverse("analytics:overview")).content.decode()
    assert re.search(r"<strong>3</strong>selected", again)  # ... the kept figures are shown, with their time
    assert re.findall(r"Figures as of [0-9:]+", again) == re.findall(r"Figures as of [0-9:]+", first)
    client.force_login(people["fc2"])  # another user never gets the historian's figures
    assert re.search(r"<strong>0</strong>selected", client.get(reverse("analytics:overview")).content.decode())
