"""After selection: course, dispatch, arrival, placement by the optimizer, field events and exit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cadre.web.audit.models import AuditEvent
from cadre.web.courses.services import cohort_create, enrollment_complete, enrollment_create, enrollment_waive
from cadre.web.errors import Forbidden, IllegalMove, Invalid
from cadre.web.field.models import FieldEvent
from cadre.web.field.services import field_event_record, file_exit
from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.services import file_declare
from cadre.web.files.workflow import LIFECYCLE, Move, lifecycle_moves
from cadre.web.placement.models import Placement, Post, PostKind
from cadre.web.placement.services import arrival_record, dispatch, placement_run
from support import answers

DAY = date(1929, 12, 12)


@pytest.fixture
def selected(people: dict[str, Any], org: dict[str, Any], campaign: Any) -> PersonalFile:
    file = file_declare(actor=people["vol1"], campaign=campaign, factory=org["LEN-F1"], answers=answers(), as_of=DAY)
    for who in ("cell1", "fc1", "union", "council"):
        file_decide_bulk(actor=people[who], campaign=campaign, person_ids=[file.person_id], action="approve", as_of=DAY)
    file_decide_bulk(actor=people["party"], campaign=campaign, person_ids=[file.person_id], action="select",
                     reason="chosen", as_of=date(1930, 1, 25))
    return PersonalFile.objects.get(pk=file.pk)


def test_the_lifecycle_table_leads_from_selection_to_exit_and_nowhere_else():
    assert lifecycle_moves(Status.SELECTED) == [Move.COMPLETE_COURSE, Move.WAIVE_COURSE, Move.WITHDRAW]
    assert {to for (_frm, _m), to in LIFECYCLE.items()} <= {Status.TRAINED, Status.DISPATCHED, Status.ARRIVED,
                                                            Status.PLACED, Status.EXITED, Status.WITHDRAWN}
    assert not lifecycle_moves(Status.EXITED)
    assert not lifecycle_moves(Status.REJECTED_FINAL)


def test_a_course_waiver_needs_a_reason_and_dispatch_needs_training_and_a_destination(people, org, campaign, selected):
    cohort = cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name="Leningrad 1",
                           starts_on=date(1930, 1, 2), ends_on=date(1930, 1, 15), capacity=30)
    enrollment = enrollment_create(actor=people["courses"], cohort=cohort, file=selected)
    with pytest.raises(IllegalMove, match="no destination yet"):
        dispatch(actor=people["agency"], file=selected, departed_on=date(1930, 1, 20))
    PersonalFile.objects.filter(pk=selected.pk).update(destination=org["LVO"])
    with pytest.raises(IllegalMove, match="cannot dispatch"):
        dispatch(actor=people["agency"], file=selected, departed_on=date(1930, 1, 20))
    with pytest.raises(Invalid, match="reason"):
        enrollment_waive(actor=people["courses"], enrollment=enrollment, reason=" ")
    enrollment_complete(actor=people["courses"], enrollment=enrollment, days_attended=12, completed_on=date(1930, 1, 15))
    assert PersonalFile.objects.get(pk=selected.pk).status == Status.TRAINED


def test_from_training_to_exit_with_the_optimizer_placing_the_worker(people, org, campaign, selected):
    cohort = cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name="Leningrad 1",
                           starts_on=date(1930, 1, 2), ends_on=date(1930, 1, 15), capacity=30)
    enrollment_waive(actor=people["courses"], enrollment=enrollment_create(actor=people["courses"], cohort=cohort,
                                                                           file=selected), reason="recruited late")
    PersonalFile.objects.filter(pk=selected.pk).update(destination=org["LVO"])  # as the distribution plan does
    dispatch(actor=people["agency"], file=selected, departed_on=date(1930, 1, 25))
    with pytest.raises(Forbidden):
        arrival_record(actor=people["fc1"], file=selected, arrived_on=date(1930, 2, 2))
    with pytest.raises(Invalid, match="before departing"):
        arrival_record(actor=people["agency"], file=selected, arrived_on=date(1930, 1, 20))
    with pytest.raises(Invalid, match="destination region"):
        arrival_record(actor=people["agency"], file=selected, arrived_on=date(1930, 2, 2), unit=org["MOS"])
    arrival_record(actor=people["district"], file=selected, arrived_on=date(1930, 2, 2), unit=org["LVO-D1"])
    board = Post.objects.create(campaign=campaign, district=org["LVO-D1"], kind=PostKind.BOARD_MEMBER, name="Farm A")
    station = Post.objects.create(campaign=campaign, district=org["LVO-D1"], kind=PostKind.MTS_STAFF, name="MTS 1")
    summary = placement_run(actor=people["district"], campaign=campaign, region=org["LVO-D1"], start=date(1930, 2, 5))
    assert summary["placed"] == 1
    assert summary["status"] == "optimal"
    # The twin's stated fit: a metalworker goes to the machine-tractor station first.
    assert Placement.objects.get(file=selected).post == station
    field_event_record(actor=people["district"], file=selected, kind="transfer", on=date(1930, 3, 1), post=board)
    field_event_record(actor=people["district"], file=selected, kind="complaint", on=date(1930, 4, 1),
                       addressee="regional office", text="salary difference unpaid")
    with pytest.raises(Invalid, match="unknown exit channel"):
        file_exit(actor=people["district"], file=selected, on=date(1930, 6, 1), channel="kulak")
    file_exit(actor=people["district"], file=selected, on=date(1930, 6, 1), channel="recalled")
    selected.refresh_from_db()
    assert selected.status == Status.EXITED
    assert list(Placement.objects.filter(file=selected).order_by("start").values_list("post__name", "end")) == [
        ("MTS 1", date(1930, 3, 1)), ("Farm A", date(1930, 6, 1))]
    assert list(FieldEvent.objects.filter(file=selected).values_list("kind", "channel")) == [
        ("transfer", ""), ("complaint", ""), ("exit", "recalled")]
    with pytest.raises(IllegalMove, match="not in the field"):
        field_event_record(actor=people["district"], file=selected, kind="complaint", on=date(1930, 7, 1))
    assert AuditEvent.objects.filter(action="file_exit", object_id=str(selected.pk)).count() == 1
