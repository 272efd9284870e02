"""The course organizer's pages: cohorts, enrollment, completion, waivers, and refusals shown."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from support_after import select_files

from cadre.web.courses.models import Cohort, Enrollment
from cadre.web.courses.services import cohort_create, enrollment_create
from cadre.web.files.models import PersonalFile, Status


@pytest.fixture
def cohort(people, org, campaign):
    return cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name="Leningrad 1",
                         starts_on=date(1930, 1, 2), ends_on=date(1930, 1, 15), capacity=2)


def test_the_organizer_opens_a_cohort_and_bad_dates_are_refused_at_the_field(client, people, campaign):
    client.force_login(people["courses"])
    page = client.get(reverse("courses:cohorts"))
    assert page.status_code == 200
    assert b"Open a cohort" in page.content
    bad = client.post(reverse("courses:cohorts"), {"organizer": "LEN", "name": "x", "starts_on": "1930-01-10",
                                                   "ends_on": "1930-01-02", "capacity": "0"})
    assert bad.status_code == 200
    assert b"a course cannot end before it starts" in bad.content
    assert b"greater than or equal to 1" in bad.content
    assert not Cohort.objects.exists()
    good = client.post(reverse("courses:cohorts"), {"organizer": "LEN", "name": "Leningrad 1", "starts_on": "1930-01-02",
                                                    "ends_on": "1930-01-15", "capacity": "30"})
    assert good.status_code == 302
    assert Cohort.objects.get().organizer.code == "LEN"


def test_enroll_complete_and_waive_with_a_reason(client, people, org, campaign, cohort):
    first, second = select_files(people, org, campaign, n=2)
    client.force_login(people["courses"])
    url = reverse("courses:cohort", args=[cohort.pk])
    assert first.person_id.encode() in client.get(url).content
    client.post(url, {"do": "enroll", "file": [first.person_id, second.person_id]})
    assert Enrollment.objects.filter(cohort=cohort).count() == 2
    one, two = Enrollment.objects.order_by("file__pk")
    client.post(url, {"do": "complete", "enrollment": one.pk, "days_attended": "12", "completed_on": "1930-01-15"})
    empty = client.post(url, {"do": "waive", "enrollment": two.pk, "reason": "  "}, follow=True)
    assert b"This field is required" in empty.content or b"a waiver needs its reason" in empty.content
    assert PersonalFile.objects.get(pk=second.pk).status == Status.SELECTED
    client.post(url, {"do": "waive", "enrollment": two.pk, "reason": "recruited late"})
    assert set(PersonalFile.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {Status.TRAINED}
    page = client.get(url).content.decode()
    assert "completed 1930-01-15" in page
    assert "recruited late" in page


def test_a_full_cohort_refuses_and_the_page_says_why(client, people, org, campaign, cohort):
    files = select_files(people, org, campaign, n=3)
    for f in files[:2]:
        enrollment_create(actor=people["courses"], cohort=cohort, file=f)
    client.force_login(people["courses"])
    page = client.post(reverse("courses:cohort", args=[cohort.pk]), {"do": "enroll", "file": [files[2].person_id]},
                       follow=True)
    assert b"is full" in page.content


def test_the_historian_sees_no_course_forms_and_the_service_refuses(client, people, org, campaign, cohort):
    (file,) = select_files(people, org, campaign)
    client.force_login(people["historian"])
    page = client.get(reverse("courses:cohort", args=[cohort.pk]))
    assert page.status_code == 200
    assert b"Enroll the ticked" not in page.content
    refused = client.post(reverse("courses:cohort", args=[cohort.pk]), {"do": "enroll", "file": [file.person_id]},
                          follow=True)
    assert b"may not course manage" in refused.content
    assert not Enrollment.objects.exists()
