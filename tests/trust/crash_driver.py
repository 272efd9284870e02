"""The child process of the crash tests (test_crash_ops.py): runs one real operation of the workspace.

Run as ``python crash_driver.py COMMAND [ARGS]`` with DJANGO_SETTINGS_MODULE=cadre.web.settings and the
database chosen by the environment (CADRE_DATA_DIR for SQLite, DATABASE_URL for PostgreSQL). Commands:

- ``setup [--csv CSV [--run]] [--quota N]``: migrate; an org tree (center, the record's regions, Leningrad
  metalworkers with one factory), the people who decide, a 1929 campaign from its template; with ``--csv``
  the director previews that volunteer list; with ``--run`` it is imported and every file approved through
  the four tiers (a campaign ready for the final selection); ``--quota`` sets the control figure of
  Leningrad metalworkers;
- ``import BATCH``: import a previewed batch through ``import_submit`` (a job, run inline: the runner's path);
- ``upload CSV``: the same list uploaded again as a new file: previewed, then submitted;
- ``select``: the final selection, submitted as a job (run inline) by the director;
- ``state``: nothing but the state below.

With ``--recover`` the command first does what the server does at start-up (``cadre serve`` runs
``jobs_recover``): the jobs a crash left running are marked failed; the state before and after that is
written to stderr (a line ``RECOVERED {json}``) and added to the answer.

Each command prints one JSON line on stdout: what it did, and ``state``, a snapshot of what the database
holds afterwards (counts, statuses, consistency checks) for the tests to compare.

With ``--crash-at PREFIX --nth N``, the command stops in the middle of its write: once the N-th statement
whose SQL starts with PREFIX has executed (``COMMIT``: when the transaction that wrote the files or the
decisions is about to commit), it writes ``CRASH-POINT`` and what its transaction has written so far (as
JSON) to stderr and waits, with the transaction open, for the test to SIGKILL it. (Waiting there, rather
than running on, makes the kill land at that point every time.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import django

CAMPAIGN = "c1929"
SELECTION_DAY = date(1930, 1, 25)
APPROVAL_DAY = date(1929, 12, 12)
#: username -> (role, unit code): the importer and selector, and the four tiers of the ladder.
PEOPLE = {
    "director": ("director", "CENTER"),
    "cell1": ("party_cell", "LEN-F1"),
    "fc1": ("factory_committee", "LEN-F1"),
    "union": ("regional_union", "LEN:metalworkers"),
    "council": ("regional_council", "LEN"),
}
#: The writes of the operations under test: a transaction that made one of them is the operation's own.
WRITES = ('INSERT INTO "files_personalfile"', 'UPDATE "files_personalfile"', 'INSERT INTO "files_decision"')


@contextmanager
def crash_point(prefix: str | None, nth: int) -> Iterator[None]:
    """Stop the process (for the test to kill it) once the ``nth`` statement starting with ``prefix`` ran;
    with ``COMMIT``, at the ``nth`` commit of a transaction that wrote files or decisions, just before it."""
    from django.db import connection

    if prefix is None:
        yield
        return
    seen, wrote = 0, False

    def stop() -> None:
        # Atomic leaves in_atomic_block before it commits: the transaction is open while autocommit is off.
        point = {"at": prefix, "nth": nth, "in_transaction": not connection.get_autocommit(), **_written()}
        sys.stderr.write(f"CRASH-POINT {json.dumps(point)}\n")
        sys.stderr.flush()
        time.sleep(600)  # the test kills us here, in the middle of the transaction

    def hook(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        nonlocal seen, wrote
        result = execute(sql, params, many, context)
        sql = sql.lstrip()
        wrote = wrote or sql.startswith(WRITES)
        if sql.startswith(prefix):
            seen += 1
            if seen == nth:
                stop()
        return result

    def commit(original: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            nonlocal seen, wrote
            if wrote:
                seen, wrote = seen + 1, False
                if seen == nth:
                    stop()
            original()
        return run

    with connection.execute_wrapper(hook):
        if prefix != "COMMIT":
            yield
            return
        connection._commit = commit(connection._commit)  # on this connection's object only
        try:
            yield
        finally:
            del connection._commit  # back to its class's method


def _written() -> dict[str, int]:
    """What the open transaction has written so far, as it sees it (the test checks none of it survives)."""
    from cadre.web.audit.models import AuditEvent
    from cadre.web.files.models import Decision, PersonalFile

    return {"files": PersonalFile.objects.count(), "selected": PersonalFile.objects.filter(status="selected").count(),
            "decisions": Decision.objects.count(), "audit": AuditEvent.objects.count()}


def _connect() -> None:
    """On PostgreSQL, a lock left by a killed process makes a statement fail after 20 s instead of hanging."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def limit(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")

    connection_created.connect(limit)
    connection.ensure_connection()


def setup(csv: str | None, run: bool, quota: int | None) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cadre import record
    from cadre.web.accounts.models import Membership, OrgUnit, UnitKind
    from cadre.web.accounts.services import unit_path
    from cadre.web.campaigns.models import ControlFigure
    from cadre.web.campaigns.services import campaign_create_from_template

    call_command("migrate", verbosity=0)

    def unit(kind: Any, code: str, parent: OrgUnit | None, region: str = "", union: str = "") -> Any:
        return OrgUnit.objects.create(kind=kind, code=code, name=code, parent=parent,
                                      path=unit_path(parent, code), region_code=region, union=union)

    units = {"CENTER": unit(UnitKind.CENTER, "CENTER", None)}
    for code in record.regions().get_column("code").to_list():
        units[code] = unit(UnitKind.REGION, code, units["CENTER"], code)
    units["LEN:metalworkers"] = unit(UnitKind.UNION_REGION, "LEN:metalworkers", units["LEN"], "LEN", "metalworkers")
    units["LEN-F1"] = unit(UnitKind.FACTORY, "LEN-F1", units["LEN:metalworkers"], "LEN", "metalworkers")
    users = {}
    for name, (role, code) in PEOPLE.items():
        users[name] = get_user_model().objects.create_user(username=name, password="x")
        Membership.objects.create(user=users[name], unit=units[code], role=role)
    campaign = campaign_create_from_template(actor=users["director"], template="ussr-1929", slug=CAMPAIGN,
                                             name="1929", selection_opens_on=date(1930, 1, 10))
    out: dict[str, Any] = {"campaign": campaign.pk}
    if quota is not None:  # the control figure of Leningrad metalworkers: how many the selection takes
        ControlFigure.objects.filter(campaign=campaign, region__code="LEN", union="metalworkers").update(quota=quota)
    if csv is not None:
        out.update(preview(csv))
        if run:  # a campaign ready for the final selection: the list imported, every file approved
            out["import"] = run_import(out["batch"])
            out.update(approve())
    return out


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def _campaign() -> Any:
    from cadre.web.campaigns.models import Campaign

    return Campaign.objects.get(slug=CAMPAIGN)


def preview(path: str) -> dict[str, Any]:
    from cadre.web.imports.services import import_preview

    batch = import_preview(actor=_user("director"), campaign=_campaign(), kind="files", filename=Path(path).name,
                           data=Path(path).read_bytes())
    return {"batch": batch.pk, "rows": batch.rows_in, "clean": batch.clean_rows, "problems": batch.problems[:5]}


def run_import(batch_id: int) -> dict[str, Any]:
    from cadre.web.errors import DomainError
    from cadre.web.imports.models import ImportBatch
    from cadre.web.imports.services import import_submit

    try:
        job = import_submit(actor=_user("director"), batch=ImportBatch.objects.get(pk=batch_id), sync=True)
    except DomainError as error:
        return {"refused": type(error).__name__, "reason": error.reason}
    return {"job": job.pk, "status": job.status, "result": job.result, "error": job.error}


def approve() -> dict[str, Any]:
    from cadre.web.files.bulk import file_decide_bulk
    from cadre.web.files.models import PersonalFile

    campaign = _campaign()
    ids = list(PersonalFile.objects.filter(campaign=campaign).values_list("person_id", flat=True))
    for who in ("cell1", "fc1", "union", "council"):
        file_decide_bulk(actor=_user(who), campaign=campaign, person_ids=ids, action="approve", as_of=APPROVAL_DAY)
    return {"approved": len(ids)}


def select() -> dict[str, Any]:
    from cadre.web.jobs.services import job_submit

    campaign = _campaign()
    job = job_submit(actor=_user("director"), kind="selection", params={"as_of": SELECTION_DAY.isoformat()},
                     campaign=campaign, sync=True)
    result = job.result or {}
    return {"job": job.pk, "status": job.status, "error": job.error,
            "selected": result.get("selected"), "candidates": result.get("candidates")}


def upload(path: str) -> dict[str, Any]:
    """The same list uploaded again as a new file: previewed, then submitted."""
    batch = preview(path)
    return {**batch, **run_import(batch["batch"])}


def recover() -> dict[str, Any]:
    """What the server does at start-up (``cadre serve``: ``jobs_recover``), with the state before and after."""
    from cadre.web.jobs.runner import jobs_recover

    before = state()
    recovered = jobs_recover()
    return {"before": before, "recovered": recovered, "after": state()}


def state() -> dict[str, Any]:
    """What the database holds, in a form the tests compare before and after a crash."""
    from django.db.models import Count, F, Max

    from cadre.web.audit.models import AuditEvent
    from cadre.web.files.models import Decision, PersonalFile
    from cadre.web.imports.models import ImportBatch
    from cadre.web.jobs.models import Job

    files = PersonalFile.objects.all()
    per_file = files.annotate(n=Count("decisions"), top=Max("decisions__seq"))
    return {
        "files": files.count(),
        "statuses": dict(sorted((s, n) for s, n in files.values_list("status").annotate(n=Count("id")).order_by())),
        "duplicate_people": files.values("campaign_id", "person_id").annotate(n=Count("id")).filter(n__gt=1).count(),
        "decisions": dict(sorted(
            (a, n) for a, n in Decision.objects.values_list("action").annotate(n=Count("id")).order_by())),
        # A file's version counts its decisions, numbered 1..version: a half-written batch breaks this.
        "version_mismatch": per_file.exclude(n=F("version")).count()
        + per_file.filter(version__gt=0).exclude(top=F("version")).count(),
        "double_decisions": Decision.objects.values("file_id", "action", "from_status").annotate(
            n=Count("id")).filter(n__gt=1).count(),
        "audit": dict(sorted(
            (a, n) for a, n in AuditEvent.objects.values_list("action").annotate(n=Count("id")).order_by())),
        "batches": [[b.pk, b.status, b.job_id, b.imported_at is not None]
                    for b in ImportBatch.objects.order_by("pk")],
        "jobs": [[j.pk, j.kind, j.status, j.error, j.message] for j in Job.objects.order_by("pk")],
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "import", "upload", "select", "state"])
    parser.add_argument("arg", nargs="?")
    parser.add_argument("--csv", default=None, help="setup: preview this volunteer list")
    parser.add_argument("--run", action="store_true", help="setup: import the list and approve every file")
    parser.add_argument("--quota", type=int, default=None, help="setup: the control figure of LEN metalworkers")
    parser.add_argument("--crash-at", default=None, help="the SQL prefix of the statement to stop after")
    parser.add_argument("--nth", type=int, default=1)
    parser.add_argument("--recover", action="store_true", help="start as the server does, recovering jobs first")
    args = parser.parse_args(argv)
    django.setup()
    _connect()
    commands: dict[str, Callable[[], dict[str, Any]]] = {
        "setup": lambda: setup(args.csv, args.run, args.quota), "import": lambda: run_import(int(args.arg)),
        "upload": lambda: upload(args.arg), "select": select, "state": lambda: {},
    }
    out: dict[str, Any] = {}
    if args.recover:  # on stderr too, for a run the test kills before it answers
        out["recovery"] = recover()
        sys.stderr.write(f"RECOVERED {json.dumps(out['recovery'])}\n")
        sys.stderr.flush()
    with crash_point(args.crash_at, args.nth):
        out.update(commands[args.command]())
    print(json.dumps({**out, "state": state()}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
