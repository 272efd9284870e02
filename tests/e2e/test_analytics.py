"""The analytics pages in the browser: every chart is drawn (plotly's SVG is there) under the strict CSP."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from after_selection import PASSWORD, campaign_with_selected
from browser import shot, sign_in

from cadre.web.courses.services import cohort_create, enrollment_create, enrollment_waive
from cadre.web.field.services import field_event_record, file_exit
from cadre.web.placement.models import FarmType, PostKind
from cadre.web.placement.posts import post_create
from cadre.web.placement.services import arrival_record, dispatch

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
CHANNELS = ["recalled", "removed_by_officials", "permitted_leave"]


def _field_service(n: int) -> None:
    campaign, units, people, files = campaign_with_selected(n)
    cohort = cohort_create(actor=people["courses"], campaign=campaign, organizer=units["LEN"], name="L1",
                           starts_on=date(1930, 1, 2), ends_on=date(1930, 1, 15), capacity=n)
    for i, file in enumerate(files):
        enrollment_waive(actor=people["courses"], enrollment=enrollment_create(actor=people["courses"], cohort=cohort,
                                                                               file=file), reason="late")
        file.refresh_from_db()
        file.destination = units["LVO"]
        file.save(update_fields=["destination"])
        dispatch(actor=people["agency"], file=file, departed_on=date(1930, 1, 25))
        arrival_record(actor=people["district"], file=file, arrived_on=date(1930, 2, 1) + timedelta(days=i % 9),
                       unit=units["LVO-D1"])
        post = post_create(actor=people["district"], campaign=campaign, district=units["LVO-D1"],
                           kind=PostKind.CHAIRMAN if i % 3 else PostKind.MTS_STAFF, name=f"Post {i}",
                           farm_type=FarmType.ARTEL if i % 3 else "")
        field_event_record(actor=people["district"], file=file, kind="post_change", on=date(1930, 2, 12), post=post)
        if i % 2 == 0:
            file_exit(actor=people["district"], file=file, on=date(1930, 3, 1) + timedelta(days=20 * i),
                      channel=CHANNELS[i % 3])


def test_every_analytics_page_draws_its_charts(page: Any) -> None:
    _field_service(8)
    sign_in(page, "historian", PASSWORD)
    expected = {"/analytics/": 2, "/analytics/flows/": 1, "/analytics/timeline/": 2, "/analytics/retention/": 2,
                "/analytics/coverage/": 1}
    for url, charts in expected.items():
        page.goto(url)
        page.wait_for_selector("[data-chart] svg.main-svg")
        assert page.locator("[data-chart] svg.main-svg").count() >= charts, url
        assert page.locator("[data-chart]").count() == charts, url
        name = "analytics-" + (url.strip("/").split("/")[-1] if url != "/analytics/" else "overview")
        shot(page, name)
    page.goto("/analytics/timeline/?since=1930-02-01&until=1930-02-04")
    page.wait_for_selector("#chart-arrivals ~ * , [data-chart=chart-arrivals] svg.main-svg")
    assert "1930-02-04" in page.inner_text("main")
    page.goto("/exports/")
    shot(page, "exports")
