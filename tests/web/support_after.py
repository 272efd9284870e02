"""Helpers of the after-selection page tests: selected files made through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.models import PersonalFile
from cadre.web.files.services import file_declare
from support import answers

DAY = date(1929, 12, 12)


def select_files(people: dict[str, Any], org: dict[str, Any], campaign: Any, n: int = 1,
                 factory: str = "LEN-F1") -> list[PersonalFile]:
    """``n`` files declared, approved at every tier and selected by the regional party committee."""
    owners = ["vol1", "vol1b"]
    files = [file_declare(actor=people[owners[i % 2]] if i < 2 else people["admin"], campaign=campaign,
                          factory=org[factory], answers=answers(), as_of=DAY) for i in range(n)]
    ids = [f.person_id for f in files]
    for who in ("cell1", "fc1", "union", "council"):
        file_decide_bulk(actor=people[who], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    file_decide_bulk(actor=people["party"], campaign=campaign, person_ids=ids, action="select", reason="chosen",
                     as_of=date(1930, 1, 25))
    return list(PersonalFile.objects.filter(pk__in=[f.pk for f in files]).order_by("pk"))


def serving(people: dict[str, Any], org: dict[str, Any], campaign: Any, n: int = 3) -> list[PersonalFile]:
    """``n`` workers taken through the course, dispatch and arrival to a post in LVO-D1; the first has left."""
    from cadre.web.courses.services import cohort_create, enrollment_create, enrollment_waive
    from cadre.web.field.services import field_event_record, file_exit
    from cadre.web.placement.models import FarmType, Post, PostKind
    from cadre.web.placement.services import arrival_record, dispatch

    files = select_files(people, org, campaign, n=n)
    cohort = cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name="L1",
                           starts_on=date(1930, 1, 2), ends_on=date(1930, 1, 15), capacity=n)
    PersonalFile.objects.filter(pk__in=[f.pk for f in files]).update(destination=org["LVO"])
    for i, f in enumerate(files):
        enrollment_waive(actor=people["courses"], enrollment=enrollment_create(actor=people["courses"], cohort=cohort,
                                                                               file=f), reason="late")
        f.refresh_from_db()
        dispatch(actor=people["agency"], file=f, departed_on=date(1930, 1, 25))
        arrival_record(actor=people["district"], file=f, arrived_on=date(1930, 2, 2 + i), unit=org["LVO-D1"])
        post = Post.objects.create(campaign=campaign, district=org["LVO-D1"], kind=PostKind.CHAIRMAN,
                                   name=f"Farm {i}", farm_type=FarmType.ARTEL)
        field_event_record(actor=people["district"], file=f, kind="post_change", on=date(1930, 2, 10), post=post)
    Post.objects.create(campaign=campaign, district=org["LVO-D1"], kind=PostKind.CHAIRMAN, name="Empty farm",
                        farm_type=FarmType.TOZ)
    field_event_record(actor=people["district"], file=files[0], kind="complaint", on=date(1930, 4, 1),
                       addressee="okrug", text="no supply")
    file_exit(actor=people["district"], file=files[0], on=date(1930, 6, 1), channel="recalled")
    return list(PersonalFile.objects.filter(pk__in=[f.pk for f in files]).order_by("pk"))
