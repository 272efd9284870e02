"""The district office's field journal: placing an arrived worker, transfers, events, exit with a channel."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from support_after import select_files

from cadre.web.courses.services import cohort_create, enrollment_create, enrollment_waive
from cadre.web.field.models import FieldEvent
from cadre.web.files.models import PersonalFile, Status
from cadre.web.placement.models import Placement, Post, PostKind
from cadre.web.placement.services import arrival_record, dispatch


@pytest.fixture
def arrived(people, org, campaign):
    (file,) = select_files(people, org, campaign)
    cohort = cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name="L1",
                           starts_on=date(1930, 1, 2), ends_on=date(1930, 1, 15), capacity=10)
    enrollment_waive(actor=people["courses"], enrollment=enrollment_create(actor=people["courses"], cohort=cohort,
                                                                           file=file), reason="late")
    PersonalFile.objects.filter(pk=file.pk).update(destination=org["LVO"])
    dispatch(actor=people["agency"], file=file, departed_on=date(1930, 1, 25))
    arrival_record(actor=people["district"], file=file, arrived_on=date(1930, 2, 2), unit=org["LVO-D1"])
    return PersonalFile.objects.get(pk=file.pk)


def test_the_district_places_transfers_records_and_closes_the_service(client, people, org, campaign, arrived):
    farm = Post.objects.create(campaign=campaign, district=org["LVO-D1"], kind=PostKind.CHAIRMAN, name="Red Dawn")
    station = Post.objects.create(campaign=campaign, district=org["LVO-D1"], kind=PostKind.MTS_STAFF, name="MTS 1")
    client.force_login(people["district"])
    listing = client.get(reverse("field:workers")).content.decode()
    assert arrived.person_id in listing
    assert "waiting for a post" in listing
    url = reverse("field:worker", args=[arrived.person_id])
    client.post(url, {"do": "place", "post": str(farm.pk), "on": "1930-02-05"})
    assert PersonalFile.objects.get(pk=arrived.pk).status == Status.PLACED
    client.post(url, {"do": "place", "post": str(station.pk), "on": "1930-03-01"})
    assert list(Placement.objects.filter(file=arrived).order_by("start").values_list("post__name", "end")) == [
        ("Red Dawn", date(1930, 3, 1)), ("MTS 1", None)]
    no_amount = client.post(url, {"do": "event", "kind": "salary_paid", "on": "1930-03-15"})
    assert b"a salary payment needs its amount" in no_amount.content
    no_text = client.post(url, {"do": "event", "kind": "complaint", "on": "1930-04-01"})
    assert b"a complaint or letter is addressed to someone" in no_text.content
    client.post(url, {"do": "event", "kind": "salary_paid", "on": "1930-03-15", "amount": "85.50"})
    client.post(url, {"do": "event", "kind": "complaint", "on": "1930-04-01", "addressee": "regional office",
                      "text": "the factory does not pay the difference"})
    no_channel = client.post(url, {"do": "exit", "on": "1930-06-01", "channel": ""})
    assert b"This field is required" in no_channel.content
    client.post(url, {"do": "exit", "on": "1930-06-01", "channel": "recalled", "text": "factory recalled him"})
    assert PersonalFile.objects.get(pk=arrived.pk).status == Status.EXITED
    page = client.get(url).content.decode()
    assert "the factory does not pay the difference" in page
    assert "recalled" in page
    assert "85.50" in page
    assert "Record the exit" not in page  # nothing left to record for a closed service
    assert list(FieldEvent.objects.filter(file=arrived).values_list("kind", flat=True)) == [
        "post_change", "transfer", "salary_paid", "complaint", "exit"]


def test_refusals_are_shown_and_other_roles_see_no_forms(client, people, org, campaign, arrived):
    elsewhere = Post.objects.create(campaign=campaign, district=org["LVO-D1"], kind=PostKind.CHAIRMAN, name="Farm")
    client.force_login(people["district"])
    url = reverse("field:worker", args=[arrived.person_id])
    early = client.post(url, {"do": "exit", "on": "1930-06-01", "channel": "recalled"})
    assert early.status_code == 302
    client.force_login(people["historian"])
    page = client.get(url).content.decode()
    assert arrived.person_id in page
    assert "Record an event" not in page
    refused = client.post(url, {"do": "place", "post": str(elsewhere.pk), "on": "1930-02-05"}, follow=True)
    assert b"may not field record" in refused.content
    client.force_login(people["fc2"])  # another factory's committee: the worker is not theirs to see
    assert client.get(url).status_code == 404
