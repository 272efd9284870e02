"""After selection, in the browser: course, distribution, dispatch, arrival, placement, journal and exit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from after_selection import PASSWORD, campaign_with_selected
from browser import shot, sign_in

from cadre.web.field.models import FieldEvent
from cadre.web.files.models import PersonalFile, Status

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _as(page: Any, who: str) -> None:
    page.context.clear_cookies()
    sign_in(page, who, PASSWORD)


def test_from_the_course_to_an_exit_with_its_channel(page: Any) -> None:
    _campaign, units, _people, files = campaign_with_selected(2)
    worker = files[0].person_id
    # The course organizer opens a cohort, enrolls both, completes one course and waives the other.
    _as(page, "courses")
    page.goto("/courses/")
    page.fill("input[name=name]", "Leningrad, January")
    page.fill("input[name=starts_on]", "1930-01-02")
    page.fill("input[name=ends_on]", "1930-01-15")
    page.click("button:has-text('Open the cohort')")
    page.check("input[data-check-all=file]")
    page.click("button:has-text('Enroll the ticked workers')")
    shot(page, "courses-cohort")
    page.locator("tr", has_text=worker).locator("button:has-text('Completed')").click()
    other = page.locator("tr", has_text=files[1].person_id)
    other.locator("input[name=reason]").fill("recruited late")
    other.locator("button:has-text('Waive')").click()
    assert "recruited late" in page.inner_text("main")
    assert set(PersonalFile.objects.values_list("status", flat=True)) == {Status.TRAINED}
    # The placement agency runs the distribution, approves it and dispatches the detachment.
    _as(page, "agency")
    page.goto("/placement/plan/")
    page.click("button:has-text('Run the distribution')")
    page.wait_for_selector("text=keeps the rules")
    page.click("button:has-text('Approve the plan')")
    assert "The plan is approved" in page.inner_text("main")
    shot(page, "placement-plan")
    assert PersonalFile.objects.filter(destination__isnull=True).count() == 0  # approval gave everyone one
    # The engine chose the destination region; the test sends the detachment to its one district's region.
    PersonalFile.objects.filter(pk__in=[f.pk for f in files]).update(destination=units["LVO"])
    page.goto("/placement/dispatch/")
    shot(page, "placement-dispatch")
    page.check("input[data-check-all=file]")
    page.fill("input[name=on]", "1930-01-25")
    page.click("button:has-text('Dispatch')")
    assert "2 workers dispatched" in page.inner_text("main")
    # The district office records the arrival, opens a farm post and places the worker.
    _as(page, "district")
    page.goto("/placement/arrivals/")
    shot(page, "placement-arrivals")
    page.check("input[data-check-all=file]")
    page.fill("input[name=on]", "1930-02-02")
    page.select_option("select[name=unit]", "LVO-D1")
    page.click("button:has-text('Record arrival')")
    assert "2 arrivals recorded" in page.inner_text("main")
    page.goto("/placement/posts/")
    page.select_option("form:has(button:has-text('Open the post')) select[name=kind]", "chairman")
    page.fill("input[name=name]", "Red Dawn artel")
    page.select_option("select[name=farm_type]", "artel")
    page.click("button:has-text('Open the post')")
    assert "Post Red Dawn artel opened" in page.inner_text("main")
    shot(page, "placement-posts")
    page.goto("/field/")
    page.click(f"a:has-text('{worker}')")
    page.select_option("select[name=post]", label=page.locator("select[name=post] option").first.inner_text())
    page.fill("form:has(input[value=place]) input[name=on]", "1930-02-05")
    page.click("button:has-text('Place')")
    assert PersonalFile.objects.get(person_id=worker).status == Status.PLACED
    # A complaint, refused first for want of an addressee, then recorded; then the exit with its channel.
    page.select_option("select[name=kind]", "complaint")
    page.fill("form:has(input[value=event]) input[name=on]", "1930-04-01")
    page.fill("form:has(input[value=event]) textarea[name=text]", "the factory does not pay the salary difference")
    page.click("button:has-text('Record'):not(:has-text('exit'))")
    assert "a complaint or letter is addressed to someone" in page.inner_text("main")
    page.fill("input[name=addressee]", "regional office")
    page.click("button:has-text('Record'):not(:has-text('exit'))")
    assert "Recorded in the journal" in page.inner_text("main")
    page.fill("form:has(input[value=exit]) input[name=on]", "1930-06-01")
    page.select_option("select[name=channel]", "recalled")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Record the exit')")
    assert "field service is closed" in page.inner_text("main")
    shot(page, "field-worker")
    assert list(FieldEvent.objects.filter(file__person_id=worker).values_list("kind", "channel")) == [
        ("post_change", ""), ("complaint", ""), ("exit", "recalled")]
    page.goto("/field/")
    shot(page, "field-workers")
    assert FieldEvent.objects.get(kind="exit").on == date(1930, 6, 1)
    assert "left field service" in page.inner_text("main")
