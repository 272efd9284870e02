"""The placement agency's pages: the plan (run as a job, edited, checked, approved), dispatch, arrivals, posts."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from support_after import select_files

from cadre.web.audit.models import AuditEvent
from cadre.web.courses.services import cohort_create, enrollment_create, enrollment_waive
from cadre.web.files.models import PersonalFile, Status
from cadre.web.jobs.models import Job
from cadre.web.placement.models import DistributionFlow, DistributionPlan, Placement, Post, PostKind


@pytest.fixture
def trained(people, org, campaign):
    files = select_files(people, org, campaign, n=2)
    cohort = cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name="L1",
                           starts_on=date(1930, 1, 2), ends_on=date(1930, 1, 15), capacity=10)
    for f in files:
        enrollment_waive(actor=people["courses"], enrollment=enrollment_create(actor=people["courses"], cohort=cohort,
                                                                               file=f), reason="late")
    return files


def test_the_plan_runs_as_a_job_and_an_edited_cell_is_checked_by_the_engine(client, people, trained):
    client.force_login(people["agency"])
    assert b"No plan yet" in client.get(reverse("placement:plan")).content
    ran = client.post(reverse("placement:plan_run"))
    job = Job.objects.get(kind="distribution")
    assert ran.status_code == 302
    assert f"job={job.pk}" in ran["Location"]
    assert job.status == "done"
    plan = DistributionPlan.objects.get()
    page = client.get(ran["Location"]).content.decode()
    assert "keeps the rules" in page
    assert f'id="job-{job.pk}"' in page
    (flow,) = DistributionFlow.objects.filter(plan=plan)
    origin, dest = flow.origin.code, flow.destination.code
    client.post(reverse("placement:plan_cell"), {"origin": origin, "destination": dest, "n": "5"})
    assert DistributionFlow.objects.get(pk=flow.pk).n == 5
    assert AuditEvent.objects.filter(action="distribution_flow_set").count() == 1
    page = client.get(reverse("placement:plan")).content.decode()
    assert "breaks the rules" in page
    assert "supplies only 2" in page
    refused = client.post(reverse("placement:plan_approve"), follow=True).content.decode()
    assert "cannot be approved" in refused
    assert DistributionPlan.objects.get().approved_at is None
    bad = client.post(reverse("placement:plan_cell"), {"origin": origin, "destination": dest, "n": "-1"}, follow=True)
    assert b"greater than or equal to 0" in bad.content
    client.post(reverse("placement:plan_cell"), {"origin": origin, "destination": dest, "n": "2"})
    client.post(reverse("placement:plan_approve"))
    assert DistributionPlan.objects.get().approved_at is not None
    assert set(PersonalFile.objects.values_list("destination__code", flat=True)) == {dest}


def test_dispatch_lists_show_detachments_and_dispatch_all_or_none(client, people, org, trained):
    PersonalFile.objects.filter(pk=trained[0].pk).update(destination=org["LVO"])
    client.force_login(people["agency"])
    page = client.get(reverse("placement:dispatch")).content.decode()
    assert "Detachment LEN → LVO" in page
    assert "No destination yet" in page
    refused = client.post(reverse("placement:dispatch"), {"file": [f.person_id for f in trained], "on": "1930-01-25"},
                          follow=True).content.decode()
    assert "nobody was dispatched" in refused
    assert "no destination yet" in refused
    assert not PersonalFile.objects.filter(status=Status.DISPATCHED).exists()
    bad_date = client.post(reverse("placement:dispatch"), {"file": [trained[0].person_id], "on": "someday"})
    assert b"Enter a valid date" in bad_date.content
    client.post(reverse("placement:dispatch"), {"file": [trained[0].person_id], "on": "1930-01-25"})
    assert PersonalFile.objects.get(pk=trained[0].pk).status == Status.DISPATCHED


def test_the_district_records_arrivals_opens_posts_and_runs_the_placement(client, people, org, campaign, trained):
    PersonalFile.objects.filter(pk__in=[f.pk for f in trained]).update(destination=org["LVO"])
    client.force_login(people["agency"])
    client.post(reverse("placement:dispatch"), {"file": [f.person_id for f in trained], "on": "1930-01-25"})
    client.force_login(people["district"])
    due = client.get(reverse("placement:arrivals")).content.decode()
    assert trained[0].person_id in due
    assert trained[1].person_id in due
    early = client.post(reverse("placement:arrivals"), {"file": [trained[0].person_id], "on": "1930-01-20",
                                                        "unit": "LVO-D1"}, follow=True).content.decode()
    assert "cannot arrive before departing" in early
    client.post(reverse("placement:arrivals"), {"file": [f.person_id for f in trained], "on": "1930-02-02",
                                                "unit": "LVO-D1"})
    assert set(PersonalFile.objects.values_list("status", flat=True)) == {Status.ARRIVED}
    bad = client.post(reverse("placement:posts"), {"district": "LVO-D1", "kind": PostKind.MTS_STAFF, "name": "",
                                                   "capacity": "0", "farm_type": ""})
    assert b"This field is required" in bad.content
    assert not Post.objects.exists()
    mixed = client.post(reverse("placement:posts"), {"district": "LVO-D1", "kind": PostKind.MTS_STAFF, "name": "MTS",
                                                     "capacity": "1", "farm_type": "artel"}, follow=True)
    assert b"only posts on a collective farm have a farm type" in mixed.content
    client.post(reverse("placement:posts"), {"district": "LVO-D1", "kind": PostKind.MTS_STAFF, "name": "MTS 1",
                                             "capacity": "1", "farm_type": ""})
    client.post(reverse("placement:posts"), {"district": "LVO-D1", "kind": PostKind.CHAIRMAN, "name": "Farm A",
                                             "capacity": "1", "farm_type": "artel"})
    assert AuditEvent.objects.filter(action="post_create").count() == 2
    ran = client.post(reverse("placement:run"), {"region": "LVO-D1", "start": "1930-02-05"})
    assert ran.status_code == 302
    assert Job.objects.get(kind="placement").status == "done"
    assert Placement.objects.count() == 2
    page = client.get(ran["Location"]).content.decode()
    assert "2 workers placed" in page
    assert "machine-tractor station" in page
    post = Post.objects.get(name="MTS 1")
    edit = client.get(reverse("placement:post_edit", args=[post.pk])).content.decode()
    assert "Held now by" in edit
    assert trained[0].person_id in edit or trained[1].person_id in edit
    client.post(reverse("placement:post_edit", args=[post.pk]), {"name": "Station No. 1", "capacity": "3"})
    assert Post.objects.get(pk=post.pk).name == "Station No. 1"


def test_the_historian_sees_the_plan_without_buttons_and_cannot_run_it(client, people, trained):
    client.force_login(people["historian"])
    page = client.get(reverse("placement:plan")).content.decode()
    assert "Run the distribution" not in page
    refused = client.post(reverse("placement:plan_run"), follow=True)
    assert b"may not distribution plan" in refused.content
    assert not DistributionPlan.objects.exists()
    assert b"Open the post" not in client.get(reverse("placement:posts")).content
