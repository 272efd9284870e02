"""Many clients at once, on PostgreSQL, in real parallel connections: the database keeps every rule.

Each client is a thread with its own Django connection (its own PostgreSQL session). A
``threading.Barrier`` releases them together; where the test must be sure that they all contend for the
same row, the main thread holds that row's lock until PostgreSQL reports every client waiting on it
(``pg_stat_activity``), so the overlap is a fact the database states, not a matter of timing. What keeps
the rules is the database's own guarantees, as the services use them: row locks (``select_for_update``),
the unique ``(file, seq)`` of decisions, the unique ``(campaign, person_id)`` of files and the unique key
of imported batches.

Run with ``pytest -m "postgres and slow" tests/trust/test_concurrency_pg.py`` (cadre.web.settings_test
then selects the PostgreSQL server); on SQLite every test here is skipped.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection, connections, transaction
from django.db.models import Count

from cadre.engine.screening import FileState, Role, Stage
from cadre.web.accounts.models import Membership
from cadre.web.accounts.models import Role as UnitRole
from cadre.web.audit.models import AuditEvent
from cadre.web.bridge import schema as bridge_schema
from cadre.web.courses.models import Enrollment
from cadre.web.courses.services import cohort_create, enrollment_create
from cadre.web.errors import Conflict, DomainError, IllegalMove, Invalid
from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.models import Decision, PersonalFile, Status
from cadre.web.files.selection import selection_run
from cadre.web.files.services import file_decide, file_declare
from support import answers

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _web_conftest() -> Any:
    """The workspace tests' fixtures (org tree, one user per role, the 1929 campaign), reused here."""
    spec = importlib.util.spec_from_file_location("trust_web_conftest_pg", Path(__file__).parents[1] / "web" / "conftest.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_web = _web_conftest()
org, people, campaign = _web.org, _web.people, _web.campaign
DAY = date(1929, 12, 12)
SELECTION_DAY = date(1930, 1, 25)


@pytest.fixture(autouse=True)
def _postgres_only() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel connections with row locks (pytest -m 'postgres and slow')")
    return




# --- helpers --------------------------------------------------------------------------------------------


def members(org: dict[str, Any], role: str, unit: str, n: int, prefix: str) -> list[Any]:
    """``n`` more users holding ``role`` at ``unit``: so many reviewers, each on its own connection."""
    users = []
    for i in range(n):
        user = get_user_model().objects.create_user(username=f"{prefix}{i}", password="x")
        Membership.objects.create(user=user, unit=org[unit], role=role)
        users.append(user)
    return users


def declared(org: dict[str, Any], campaign: Any, n: int, prefix: str = "v") -> list[PersonalFile]:
    """``n`` files submitted to tier 1 at LEN-F1, each declared by its own volunteer."""
    out = []
    for i, user in enumerate(members(org, UnitRole.VOLUNTEER, "LEN-F1", n, prefix)):
        out.append(file_declare(actor=user, campaign=campaign, factory=org["LEN-F1"], as_of=DAY,
                                answers=answers(quality=0.5 + i / 100, sex="female" if i % 4 == 0 else "male")))
    return out


def approved(people: dict[str, Any], org: dict[str, Any], campaign: Any, n: int) -> list[PersonalFile]:
    files = declared(org, campaign, n)
    ids = [f.person_id for f in files]
    for who in ("cell1", "fc1", "union", "council"):
        file_decide_bulk(actor=people[who], campaign=campaign, person_ids=ids, action="approve", as_of=DAY)
    return list(PersonalFile.objects.filter(pk__in=[f.pk for f in files]).order_by("pk"))


def race(clients: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run every client in its own thread and connection, released together; each outcome in order:
    ("ok", value), ("refused", DomainError) or ("crash", any other exception)."""
    start = threading.Barrier(len(clients))
    outcomes: list[tuple[str, Any]] = [("crash", None)] * len(clients)

    def run(i: int) -> None:
        try:
            start.wait()
            outcomes[i] = ("ok", clients[i]())
        except DomainError as error:
            outcomes[i] = ("refused", error)
        except Exception as error:  # anything else is a bug the test reports
            outcomes[i] = ("crash", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a client never finished (a lock never released?)"
    crashes = [o for o in outcomes if o[0] == "crash"]
    assert not crashes, crashes
    return outcomes


def waiting_on_locks() -> int:
    """How many other sessions of this database PostgreSQL reports waiting for a lock."""
    with connection.cursor() as cursor:
        # Statistics views are a snapshot taken once per transaction: drop it to read the present.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return int(cursor.fetchone()[0])


def race_behind_lock(file: PersonalFile, clients: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Like :func:`race`, but every client queues on ``file``'s row lock, held here until PostgreSQL says
    that all of them wait for it; then the lock is released and they go through one by one."""
    result: list[list[tuple[str, Any]]] = []
    with transaction.atomic():
        PersonalFile.objects.select_for_update().get(pk=file.pk)
        runner = threading.Thread(target=lambda: result.append(race(clients)))
        runner.start()
        deadline = time.monotonic() + 60
        while waiting_on_locks() < len(clients):
            assert time.monotonic() < deadline, "the clients never queued on the row lock"
            time.sleep(0.01)  # polling what the database reports, not a guess at timing
    runner.join(timeout=300)
    return result[0]


def replay(file: PersonalFile) -> None:
    """The file's decision log, replayed through the engine's ladder, leads to exactly its status."""
    ladder = bridge_schema.ladder(file.campaign.ladder_version)
    log = list(Decision.objects.filter(file=file).order_by("seq"))
    assert [d.seq for d in log] == list(range(1, len(log) + 1)), [d.seq for d in log]
    assert file.version == len(log)
    state = FileState()
    for d in log:
        assert d.from_status == state.stage, (file.person_id, d.seq, d.from_status, state.stage)
        state = ladder.apply(state, d.action, role=Role(d.role), reason=d.reason or d.reason_code, as_of=d.as_of)
        assert state.stage == Stage(d.to_status), (file.person_id, d.seq)
    assert file.status == state.stage, (file.person_id, file.status, state.stage)


# --- (a) one file, eight reviewers ----------------------------------------------------------------------


def test_eight_reviewers_deciding_one_file_store_exactly_one_decision(people, org, campaign) -> None:
    """Eight members of the party cell approve the same file at the same tier at once: one decision is
    stored; the seven others are refused with the reason (the file has moved on to tier 2)."""
    (file,) = declared(org, campaign, 1)
    reviewers = members(org, UnitRole.PARTY_CELL, "LEN-F1", 8, "cell-")
    stale = [PersonalFile.objects.get(pk=file.pk) for _ in reviewers]  # what each reviewer's page showed

    def client(i: int) -> Callable[[], Any]:
        return lambda: file_decide(actor=reviewers[i], file=stale[i], action="approve", as_of=DAY).pk

    outcomes = race_behind_lock(file, [client(i) for i in range(8)])
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    for kind, error in outcomes:
        if kind == "refused":
            assert isinstance(error, IllegalMove | Conflict), error
            assert "at_factory_committee" in error.reason or "tier" in error.reason, error.reason
    file.refresh_from_db()
    assert file.status == Status.AT_FACTORY_COMMITTEE
    assert Decision.objects.filter(file=file, action="approve").count() == 1
    assert AuditEvent.objects.filter(action="file_approve", object_id=str(file.pk)).count() == 1
    replay(file)


# --- (b) bulk decisions over overlapping sets -----------------------------------------------------------


def test_bulk_decisions_over_overlapping_sets_decide_each_file_once_and_never_half(people, org, campaign) -> None:
    """Seven cell members bulk-approve overlapping windows of ten files at once. No file is decided twice;
    every bulk either moved all its files (and wrote their decisions) or none and said why, so the files
    decided are exactly those of the bulks that went through."""
    files = declared(org, campaign, 10)
    ids = [f.person_id for f in files]
    reviewers = members(org, UnitRole.PARTY_CELL, "LEN-F1", 7, "bulk-")
    windows = [ids[k:k + 4] for k in range(7)]

    def client(i: int) -> Callable[[], Any]:
        return lambda: len(file_decide_bulk(actor=reviewers[i], campaign=campaign, person_ids=windows[i],
                                            action="approve", as_of=DAY))

    outcomes = race([client(i) for i in range(7)])
    won = [set(w) for (kind, _), w in zip(outcomes, windows, strict=True) if kind == "ok"]
    assert won, outcomes
    assert sum(map(len, won)) == len(set().union(*won)), won  # the bulks that went through are disjoint
    per_file = dict(Decision.objects.filter(action="approve").values("file__person_id")
                    .annotate(n=Count("id")).values_list("file__person_id", "n"))
    assert per_file == dict.fromkeys(set().union(*won), 1), per_file
    for (kind, value), reviewer, window in zip(outcomes, reviewers, windows, strict=True):
        mine = Decision.objects.filter(action="approve", decided_by=reviewer)
        if kind == "ok":
            assert value == len(window)
            assert set(mine.values_list("file__person_id", flat=True)) == set(window)
        else:
            assert isinstance(value, IllegalMove), value
            assert "nothing was decided" in value.reason, value
            assert not mine.exists()
    assert AuditEvent.objects.filter(action="file_approve").count() == len(per_file)
    for file in PersonalFile.objects.filter(pk__in=[f.pk for f in files]).select_related("campaign"):
        replay(file)


# --- (c) decisions while the selection runs -------------------------------------------------------------


def test_decisions_arriving_while_the_selection_runs_are_kept_or_refused_with_the_reason(people, org, campaign) -> None:
    """The final selection runs while the regional party committee rejects some approved files and
    volunteers withdraw others. Afterwards every file's status is what its decision log replays to,
    nothing selected was also rejected or withdrawn, and every refused move was refused with its reason
    (the file had been selected)."""
    files = approved(people, org, campaign, 12)
    campaign.control_figures.filter(region=org["LEN"], union="metalworkers").update(quota=6)
    rejected, withdrawn = files[:3], files[3:6]
    clients: list[Callable[[], Any]] = [
        lambda: selection_run(actor=people["party"], campaign=campaign, region=org["LEN"], as_of=SELECTION_DAY)]
    for f in rejected:
        clients.append(lambda f=f: file_decide(actor=people["party"], file=f.pk, action="reject",
                                               reason_code="committee_judgement", reason="not ready for the village",
                                               as_of=SELECTION_DAY).pk)
    for f in withdrawn:
        clients.append(lambda f=f: file_decide(actor=f.owner, file=f.pk, action="withdraw",
                                               reason="family illness", as_of=SELECTION_DAY).pk)

    outcomes = race(clients)
    assert outcomes[0][0] == "ok", outcomes[0]  # twelve approved files: the selection always has candidates
    for f, (kind, error) in zip(rejected + withdrawn, outcomes[1:], strict=True):
        f.refresh_from_db()
        if kind == "ok":
            assert f.status in (Status.REJECTED_FINAL, Status.WITHDRAWN)
            assert not Decision.objects.filter(file=f, action="select").exists()
        else:  # the selection took the file first: the move is refused, saying where the file stands
            assert isinstance(error, IllegalMove), error
            assert "selected" in error.reason, error
            assert f.status == Status.SELECTED
    chosen = PersonalFile.objects.filter(campaign=campaign, status=Status.SELECTED)
    assert chosen.count() == outcomes[0][1]["selected"] <= 6
    assert Decision.objects.filter(action="select").count() == chosen.count()
    for file in PersonalFile.objects.filter(campaign=campaign).select_related("campaign"):
        replay(file)


# --- (d) quotas and capacities under contention ---------------------------------------------------------


def test_two_selections_at_once_never_exceed_the_control_figure(people, org, campaign) -> None:
    """Two final selections for the same region at once: the control figure is a limit on the files
    selected in all, so together they select at most the figure, and the second one selects from what the
    first left. The number selected is never stored: it is the count of selected rows, so it cannot drift."""
    approved(people, org, campaign, 10)
    campaign.control_figures.filter(region=org["LEN"], union="metalworkers").update(quota=4)

    def client() -> Any:
        return selection_run(actor=people["party"], campaign=campaign, region=org["LEN"], as_of=SELECTION_DAY)

    outcomes = race([client, client])
    selected = PersonalFile.objects.filter(campaign=campaign, status=Status.SELECTED).count()
    assert selected <= 4, (selected, outcomes)
    assert sum(o[1]["selected"] for o in outcomes if o[0] == "ok") == selected
    assert Decision.objects.filter(action="select").count() == selected


def test_enrollments_racing_for_a_cohort_fill_exactly_its_capacity(people, org, campaign) -> None:
    """Eight selected files enrolled at once into a cohort of three places: exactly three enrollments are
    stored, the other five are refused because the cohort is full.

    The workspace stores no counter of places taken: a cohort keeps only its capacity, and the count of
    its enrollment rows is taken under the cohort's row lock (``select_for_update``), so the count cannot
    drift from the rows and two enrollments cannot both take the last place.
    """
    files = approved(people, org, campaign, 8)
    campaign.control_figures.filter(region=org["LEN"], union="metalworkers").update(quota=8)
    selection_run(actor=people["party"], campaign=campaign, region=org["LEN"], as_of=SELECTION_DAY)
    chosen = list(PersonalFile.objects.filter(pk__in=[f.pk for f in files], status=Status.SELECTED))
    assert len(chosen) == 8
    cohort = cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name="January",
                           starts_on=date(1930, 1, 27), ends_on=date(1930, 2, 9), capacity=3)

    outcomes = race([lambda f=f: enrollment_create(actor=people["courses"], cohort=cohort, file=f).pk for f in chosen])
    assert [o[0] for o in outcomes].count("ok") == 3, outcomes
    assert all(isinstance(e, Invalid) and "full" in e.reason for kind, e in outcomes if kind == "refused")
    assert Enrollment.objects.filter(cohort=cohort).count() == 3


def test_one_file_enrolled_into_two_cohorts_at_once_is_enrolled_once(people, org, campaign) -> None:
    """The same file enrolled into two cohorts at the same moment: one enrollment (the one-to-one row of
    the file is the database's guarantee); the other is refused, not a server error."""
    (file,) = approved(people, org, campaign, 1)
    selection_run(actor=people["party"], campaign=campaign, region=org["LEN"], as_of=SELECTION_DAY)
    file.refresh_from_db()
    cohorts = [cohort_create(actor=people["courses"], campaign=campaign, organizer=org["LEN"], name=f"C{i}",
                             starts_on=date(1930, 1, 27), ends_on=date(1930, 2, 9), capacity=5) for i in range(2)]
    outcomes = race([lambda c=c: enrollment_create(actor=people["courses"], cohort=c, file=file).pk for c in cohorts])
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    assert Enrollment.objects.filter(file=file).count() == 1


# --- (e) the same list imported twice at once -----------------------------------------------------------


def test_two_imports_of_the_same_list_at_once_write_it_once(people, org, campaign) -> None:
    """The same volunteer list, previewed twice (two batches, one idempotency key), imported at the same
    moment: one import writes every row; the other writes nothing and says why."""
    import polars as pl

    from cadre.web.imports.models import ImportBatch, ImportStatus
    from cadre.web.imports.services import import_preview, import_run

    rows = [{"person_id": f"IMP-{i}", "source_region": "LEN", "factory_id": "LEN-F1", "union": "metalworkers",
             "sex": "male", "age": "32", "trade": "fitter", "skill_grade": "6", "years_at_factory": "9",
             "party_status": "party", "party_joined": "1920", "activist_roles": "shop_bureau",
             "civil_war_service": "yes", "village_ties": "none", "dependents": "2", "education": "primary",
             "wage": "90", "health": "fit", "heavy_drinking": "no", "labor_violations": "no",
             "recruitment": "volunteered", "reference_from": "party_cell", "declared_on": "1929-12-10",
             "quality": "0.7"} for i in range(20)]
    data = pl.DataFrame(rows).write_csv().encode()
    batches = [import_preview(actor=people["director"], campaign=campaign, kind="files", filename=f"list-{i}.csv",
                              data=data) for i in range(2)]
    assert batches[0].key == batches[1].key
    assert not batches[0].problems

    outcomes = race([lambda b=b: import_run(actor=people["director"], batch=b.pk) for b in batches])
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    (refusal,) = [e for kind, e in outcomes if kind == "refused"]
    assert isinstance(refusal, IllegalMove), refusal
    assert "nothing was written" in refusal.reason, refusal
    assert PersonalFile.objects.filter(campaign=campaign).count() == 20
    assert not PersonalFile.objects.values("person_id").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert Decision.objects.filter(action="submit").count() == 20
    assert ImportBatch.objects.filter(status=ImportStatus.IMPORTED).count() == 1
    assert AuditEvent.objects.filter(action="import_run").count() == 1
    close_old_connections()
