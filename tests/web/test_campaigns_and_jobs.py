"""Campaigns from templates, control figures by scope, rulebook versions, and the job runner."""

from __future__ import annotations

from datetime import date

import pytest

from cadre import record
from cadre.web.accounts.permissions import Action, may
from cadre.web.audit.models import AuditEvent
from cadre.web.campaigns.models import FactoryQuota
from cadre.web.campaigns.services import (
    control_figure_set,
    control_figures_push_down,
    rulebook_version_create,
)
from cadre.web.errors import Forbidden, Invalid
from cadre.web.jobs.models import JobStatus
from cadre.web.jobs.services import job_submit


def test_the_1929_template_brings_the_records_control_figures_and_rulebook(campaign):
    total = sum(campaign.control_figures.values_list("quota", flat=True))
    assert total == int(record.quotas("region").get_column("quota").sum())
    assert campaign.rulebooks.get().ref.startswith("ussr-1929@")
    assert AuditEvent.objects.filter(action="campaign_create", object_id=str(campaign.pk)).count() == 1


def test_a_regional_council_sets_its_own_regions_figures_only(people, org, campaign):
    figure = control_figure_set(actor=people["council"], campaign=campaign, region=org["LEN"], union="metalworkers",
                                quota=5000)
    assert figure.quota == 5000
    with pytest.raises(Forbidden):
        control_figure_set(actor=people["council"], campaign=campaign, region=org["MOS"], union="metalworkers", quota=1)
    with pytest.raises(Invalid, match="negative"):
        control_figure_set(actor=people["director"], campaign=campaign, region=org["MOS"], union="textile", quota=-1)


def test_push_down_shares_a_figure_among_the_factories_exactly(people, org, campaign):
    control_figure_set(actor=people["council"], campaign=campaign, region=org["LEN"], union="metalworkers", quota=7)
    rows = control_figures_push_down(actor=people["council"], campaign=campaign, region=org["LEN"])
    assert sorted(r.quota for r in rows) == [3, 4]
    assert sum(FactoryQuota.objects.values_list("quota", flat=True)) == 7


def test_a_new_rulebook_version_must_pass_the_engines_checks(people, campaign):
    with pytest.raises(Invalid, match="not valid"):
        rulebook_version_create(actor=people["director"], campaign=campaign, text="format = 1\nid = 'x'\n")
    text = campaign.rulebooks.get().text.replace('version = "1929-12-19"', 'version = "1930-01-22"')
    version = rulebook_version_create(actor=people["director"], campaign=campaign, text=text)
    assert version.number == 2
    assert "@1930-01-22#" in version.ref
    with pytest.raises(Forbidden):
        rulebook_version_create(actor=people["council"], campaign=campaign, text=text)


def test_permissions_reach_down_the_tree_and_not_across(people, org):
    assert may(people["council"], Action.FILE_DECIDE, org["LEN-F2"])
    assert not may(people["council"], Action.FILE_DECIDE, org["MOS-F1"])
    assert not may(people["fc1"], Action.FILE_DECIDE, org["LEN-F2"])
    assert may(people["historian"], Action.FILE_VIEW, org["MOS-F1"])
    assert not may(people["historian"], Action.FILE_DECIDE, org["MOS-F1"])


def test_a_job_records_its_result_or_the_reason_it_failed(people, campaign):
    failed = job_submit(actor=people["director"], kind="selection", campaign=campaign,
                        params={"as_of": "1930-01-25"}, sync=True)
    assert failed.status == JobStatus.FAILED
    assert "no approved files" in failed.error
    early = job_submit(actor=people["director"], kind="selection", campaign=campaign,
                       params={"as_of": date(1929, 12, 1).isoformat()}, sync=True)
    assert early.status == JobStatus.FAILED
    assert "opens on" in early.error
    with pytest.raises(Forbidden):
        job_submit(actor=people["fc1"], kind="selection", campaign=campaign, params={}, sync=True)


@pytest.mark.django_db(transaction=True)
def test_a_running_jobs_progress_is_seen_while_its_transaction_is_open(people, campaign):
    """An import or a selection writes in one transaction; its progress must still reach the polling page."""
    import threading

    from django.db import connection, transaction

    from cadre.web.jobs.models import Job
    from cadre.web.jobs.runner import _progress
    from cadre.web.jobs.selectors import job_get

    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection that cannot see the first one's open transaction (PostgreSQL run)")
    job = Job.objects.create(kind="selection", params={}, campaign=campaign, created_by=people["director"],
                             status=JobStatus.RUNNING)
    reported, release = threading.Event(), threading.Event()

    def run() -> None:
        try:
            with transaction.atomic():
                Job.objects.filter(pk=job.pk).update(message="inside the job's transaction")
                _progress(job.pk)(0.4, "solving")
                reported.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert reported.wait(10)
        seen = job_get(user=people["director"], job_id=job.pk)
        row = Job.objects.get(pk=job.pk)
    finally:
        release.set()
        worker.join(10)
    assert row.message == ""  # the row's own update is still invisible here ...
    assert (seen.progress, seen.message) == (0.4, "solving")  # ... the published progress is not
    finished = Job.objects.get(pk=job.pk)
    finished.status = JobStatus.DONE
    finished.save()
    assert job_get(user=people["director"], job_id=job.pk).progress == 0.0  # an ended job shows its row
