"""A crash loses nothing and half-writes nothing: SIGKILL in the middle of an import and of a final selection.

Each operation runs as the real service, through the job runner as the server runs it, in a child process
(crash_driver.py); the child is killed with SIGKILL in the middle of its write: after some of the personal
files of the list are inserted, after the decisions, and after the last row, just before the commit.
Afterwards the database holds none of the operation (no file, decision, status change, audit row; the
import batch still only previewed), SQLite passes its integrity check, PostgreSQL has released the killed
session's row locks, and start-up's ``jobs_recover`` (each run here begins with it, as ``cadre serve``
does) marks the job the crash left running as failed, with the reason. The same operation run again completes with every row exactly once; the same list imported a
third time is refused and changes nothing. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import files, person

pytestmark = pytest.mark.slow

DRIVER = Path(__file__).with_name("crash_driver.py")
#: Rows of the imported list: enough for the write to take seconds and several INSERTs on both databases.
IMPORT_ROWS = 3000
#: Approved files before the final selection, and the control figure it fills (more than one batch of
#: the files' bulk update, 1000, so that PostgreSQL too is killed with some of the files moved).
SELECT_FILES, QUOTA = 1500, 1100
#: Where the import is killed: half-way through the personal files (bulk_create in batches), after the
#: first decisions, and after its last write (the batch marked imported, its audit row): at the commit.
IMPORT_CRASHES = (("files", 'INSERT INTO "files_personalfile"', 2), ("decisions", 'INSERT INTO "files_decision"', 1),
                  ("commit", "COMMIT", 1))
#: Where the selection is killed: after the first files moved to selected (bulk_update in batches), after
#: the first decisions, and after its last write (the run's audit row): at the commit.
SELECT_CRASHES = (("files", 'UPDATE "files_personalfile"', 1), ("decisions", 'INSERT INTO "files_decision"', 1),
                  ("commit", "COMMIT", 1))
STOPPED = "the server stopped before the job finished"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"DJANGO_SETTINGS_MODULE": "cadre.web.settings", "CADRE_DEBUG": "1", "CADRE_JOBS_SYNC": "1"})
    env.update(extra)
    return env


def _volunteers(path: Path, n: int) -> Path:
    """A list of ``n`` Leningrad metalworkers of LEN-F1 that passes every check (a quarter of them women)."""
    rows = [person(person_id=f"V{i:05d}", factory_id="LEN-F1", quality=f"{0.5 + (i % 50) / 100:.2f}",
                   sex="female" if i % 4 == 0 else "male") for i in range(n)]
    files(*rows).write_csv(path)
    return path


def _drive(env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run one command of the driver to its end; its JSON answer."""
    done = subprocess.run([sys.executable, str(DRIVER), *args], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stderr[-4000:]}"
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _kill(env: dict[str, str], args: list[str], at: str, nth: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run a command (after start-up's recovery) and SIGKILL it at its crash point: what the recovery found
    and did, and what the command's open transaction had written by the time it was killed."""
    process = subprocess.Popen([sys.executable, str(DRIVER), *args, "--recover", "--crash-at", at, "--nth", str(nth)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    seen: list[str] = []
    try:
        for line in process.stderr:
            seen.append(line)
            if line.startswith("CRASH-POINT"):
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    marker = seen[-1] if seen else ""
    assert marker.startswith("CRASH-POINT "), f"{args} never reached {at} #{nth}:\n{''.join(seen)[-4000:]}"
    assert process.returncode == -signal.SIGKILL, f"{args} was not killed at {at} #{nth} (exit {process.returncode})"
    point = dict(json.loads(marker.removeprefix("CRASH-POINT ")))
    assert point["in_transaction"], f"the crash point {point} is outside the operation's transaction"
    recovery = [json.loads(line.removeprefix("RECOVERED ")) for line in seen if line.startswith("RECOVERED ")]
    assert len(recovery) == 1, "".join(seen)[-4000:]
    return dict(recovery[0]), point


def _total(state: dict[str, Any], what: str) -> int:
    return sum(state[what].values())


def _settled(state: dict[str, Any]) -> dict[str, Any]:
    """The state without the job rows (and their submission's audit rows), which a crash rightly leaves, and
    without which job an import batch is linked to (the batch is linked to its job before the job starts)."""
    audit = {k: v for k, v in state["audit"].items() if k != "job_submit"}
    batches = [[pk, status, imported] for pk, status, _job, imported in state.get("batches", [])]
    return {**{k: v for k, v in state.items() if k not in ("jobs", "batches")}, "audit": audit, "batches": batches}


def _recovered(recovery: dict[str, Any], base: dict[str, Any], kind: str, *, crash: bool = True) -> dict[str, Any]:
    """After a crash: nothing of the operation is in the database; start-up marks the job failed. Returns
    the state after the recovery (``base`` for the next run)."""
    crashed, after = recovery["before"], recovery["after"]
    if not crash:
        assert (recovery["recovered"], crashed, after) == (0, base, base)
        return dict(after)
    assert _settled(crashed) == _settled(base)
    assert crashed["audit"].get("job_submit", 0) == base["audit"].get("job_submit", 0) + 1
    assert crashed["jobs"][:-1] == base["jobs"]
    job = crashed["jobs"][-1]
    # Left running by the crash (nothing of its progress in the row), until start-up recovers it.
    assert job[1:] == [kind, "running", "", ""]
    assert recovery["recovered"] == 1
    assert after["jobs"][-1] == [job[0], kind, "failed", STOPPED, ""]
    if kind == "import":  # the batch names the job that was running it, now failed: the page shows why
        assert [b[2] for b in crashed["batches"]] == [job[0]]
    assert _settled(after) == _settled(base)
    return dict(after)


def _crash_each(env: dict[str, str], args: list[str], crashes: tuple[tuple[str, str, int], ...], kind: str,
                base: dict[str, Any], check: Callable[[], None],
                written: Callable[[str, dict[str, Any], dict[str, Any]], None]) -> dict[str, Any]:
    """Kill the operation at each crash point in turn. Every run starts as the server does, recovering the
    job the crash before it left running (and showing what the crash left); ``written`` checks what the
    killed transaction had written; ``check`` the database file or server. Returns the last base state."""
    crashed = False
    for stage, at, nth in crashes:
        recovery, inside = _kill(env, args, at, nth)
        base = _recovered(recovery, base, kind, crash=crashed)
        written(stage, inside, base)
        check()
        crashed = True
    return base


def _sqlite_checked(folder: Path) -> Callable[[], None]:
    def check() -> None:
        with contextlib.closing(sqlite3.connect(folder / "cadre.sqlite3")) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    return check


def _pg_checked(url: str) -> Callable[[], None]:
    """The killed process's session ends and its row locks go with it: no other session is left."""
    psycopg = pytest.importorskip("psycopg")

    def check() -> None:
        with psycopg.connect(url, autocommit=True) as db:
            left: list[Any] = []
            for _ in range(100):
                left = db.execute("SELECT pid, state, wait_event_type FROM pg_stat_activity WHERE datname = "
                                  "current_database() AND pid <> pg_backend_pid()").fetchall()
                if not left:
                    break
                time.sleep(0.1)
            assert left == [], f"sessions of the killed process still hold the database: {left}"
            locks = db.execute("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                               "WHERE d.datname = current_database() AND l.pid <> pg_backend_pid()").fetchone()
            assert locks[0] == 0

    return check


def _import_crash_then_rerun(env: dict[str, str], folder: Path, check: Callable[[], None]) -> None:
    csv = _volunteers(folder / "volunteers.csv", IMPORT_ROWS)
    setup = _drive(env, "setup", "--csv", str(csv))
    batch, base = setup["batch"], setup["state"]
    assert (setup["clean"], setup["problems"]) == (IMPORT_ROWS, [])
    assert (base["files"], base["decisions"], base["batches"]) == (0, {}, [[batch, "previewed", None, False]])

    def written(stage: str, inside: dict[str, Any], base: dict[str, Any]) -> None:
        # The killed transaction had written part of the import, or all of it but the commit.
        if stage == "files":
            assert (0 < inside["files"] < IMPORT_ROWS, inside["decisions"]) == (True, 0), inside
        elif stage == "decisions":
            assert (inside["files"], 0 < inside["decisions"] <= IMPORT_ROWS) == (IMPORT_ROWS, True), inside
        else:  # its job's submission, a submission per file, the import's own row
            assert (inside["files"], inside["decisions"], inside["audit"]) == (
                IMPORT_ROWS, IMPORT_ROWS, _total(base, "audit") + 1 + IMPORT_ROWS + 1), inside

    base = _crash_each(env, ["import", str(batch)], IMPORT_CRASHES, "import", base, check, written)
    # Run again (after start-up's recovery): the import completes, every row once.
    done = _drive(env, "import", str(batch), "--recover")
    _recovered(done["recovery"], base, "import")
    assert (done["status"], done["error"], done["result"]) == ("done", "", {"files": IMPORT_ROWS, "posts": 0})
    state = done["state"]
    assert state["files"] == IMPORT_ROWS
    assert state["statuses"] == {"at_party_cell": IMPORT_ROWS}
    assert state["decisions"] == {"submit": IMPORT_ROWS}
    assert (state["duplicate_people"], state["version_mismatch"], state["double_decisions"]) == (0, 0, 0)
    assert (state["audit"]["import_run"], state["audit"]["file_submit"]) == (1, IMPORT_ROWS)
    assert state["batches"] == [[batch, "imported", done["job"], True]]
    assert state["jobs"][-1][:4] == [done["job"], "import", "done", ""]
    check()
    # A third time: refused by the idempotency key, nothing written (no job either).
    again = _drive(env, "import", str(batch))
    assert again["refused"] == "IllegalMove"
    assert "imported into this campaign already" in again["reason"]
    assert again["state"] == state
    # The same list uploaded again as a new file: previewed, then refused; the campaign is unchanged.
    upload = _drive(env, "upload", str(csv))
    assert upload["refused"] == "IllegalMove"
    assert "imported into this campaign already" in upload["reason"]
    after = upload["state"]
    assert after["batches"] == [*state["batches"], [upload["batch"], "previewed", None, False]]
    assert after["audit"] == {**state["audit"], "import_preview": state["audit"]["import_preview"] + 1}
    assert {k: v for k, v in after.items() if k not in ("batches", "audit")} == {
        k: v for k, v in state.items() if k not in ("batches", "audit")}
    check()


def _selection_crash_then_rerun(env: dict[str, str], folder: Path, check: Callable[[], None]) -> None:
    csv = _volunteers(folder / "volunteers.csv", SELECT_FILES)
    setup = _drive(env, "setup", "--csv", str(csv), "--run", "--quota", str(QUOTA))
    base = setup["state"]
    assert (setup["import"]["status"], setup["approved"]) == ("done", SELECT_FILES)
    assert base["statuses"] == {"approved": SELECT_FILES}
    assert "select" not in base["decisions"]
    decided = _total(base, "decisions")

    def written(stage: str, inside: dict[str, Any], base: dict[str, Any]) -> None:
        # The killed transaction had moved some of the files, decided some, or written all but the commit.
        if stage == "files":
            assert (0 < inside["selected"] <= QUOTA, inside["decisions"]) == (True, decided), inside
        elif stage == "decisions":
            assert (inside["selected"], decided < inside["decisions"] <= decided + QUOTA) == (QUOTA, True), inside
        else:  # its job's submission, a selection per file, the run's own row
            assert (inside["selected"], inside["decisions"], inside["audit"]) == (
                QUOTA, decided + QUOTA, _total(base, "audit") + 1 + QUOTA + 1), inside

    base = _crash_each(env, ["select"], SELECT_CRASHES, "selection", base, check, written)
    # Run again (after start-up's recovery): the selection completes, one decision and one audit row per
    # selected file, one run.
    done = _drive(env, "select", "--recover")
    _recovered(done["recovery"], base, "selection")
    assert (done["status"], done["error"], done["selected"], done["candidates"]) == ("done", "", QUOTA, SELECT_FILES)
    state = done["state"]
    assert state["statuses"] == {"approved": SELECT_FILES - QUOTA, "selected": QUOTA}
    assert state["decisions"] == {**base["decisions"], "select": QUOTA}
    assert (state["duplicate_people"], state["version_mismatch"], state["double_decisions"]) == (0, 0, 0)
    assert (state["audit"]["selection_run"], state["audit"]["file_select"]) == (1, QUOTA)
    assert state["jobs"][-1][:4] == [done["job"], "selection", "done", ""]
    check()
    # A third run finds the figures filled: it selects nobody and decides nothing twice.
    again = _drive(env, "select")
    assert (again["status"], again["selected"], again["candidates"]) == ("done", 0, SELECT_FILES - QUOTA)
    after = again["state"]
    assert (after["statuses"], after["decisions"], after["double_decisions"]) == (
        state["statuses"], state["decisions"], 0)
    assert after["audit"]["file_select"] == QUOTA
    check()


def test_sqlite_survives_a_killed_import(tmp_path: Path) -> None:
    _import_crash_then_rerun(_env(CADRE_DATA_DIR=str(tmp_path)), tmp_path, _sqlite_checked(tmp_path))


@pytest.mark.postgres
def test_postgresql_survives_a_killed_import(tmp_path: Path, pg_database: str) -> None:
    env = _env(DATABASE_URL=pg_database, CADRE_DATA_DIR=str(tmp_path))
    _import_crash_then_rerun(env, tmp_path, _pg_checked(pg_database))


def test_sqlite_survives_a_killed_selection(tmp_path: Path) -> None:
    _selection_crash_then_rerun(_env(CADRE_DATA_DIR=str(tmp_path)), tmp_path, _sqlite_checked(tmp_path))


@pytest.mark.postgres
def test_postgresql_survives_a_killed_selection(tmp_path: Path, pg_database: str) -> None:
    env = _env(DATABASE_URL=pg_database, CADRE_DATA_DIR=str(tmp_path))
    _selection_crash_then_rerun(env, tmp_path, _pg_checked(pg_database))
