"""A crash loses nothing and half-writes nothing: SIGKILL in the middle of a twin load (the demo's load).

The load runs as the real command in a subprocess; it is killed with SIGKILL at a stage of its progress
(while it writes the personal files, the decisions, the field service). Afterwards the database holds
either none of the load or all of it (here: none, since the kill comes before the commit), SQLite passes
its integrity check, and the same command run again completes with every row exactly once. On SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cadre.twin.replay import EXPORTS, run_replicate
from cadre.twin.scenario import load_scenario

pytestmark = pytest.mark.slow

SCALE = 0.02
COUNTS = """
import django, json; django.setup()
from cadre.web.files.models import PersonalFile, Decision
from cadre.web.audit.models import AuditEvent
from cadre.web.field.models import FieldEvent
from django.db.models import Count
dup = PersonalFile.objects.values("campaign_id", "person_id").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({"files": PersonalFile.objects.count(), "decisions": Decision.objects.count(),
                  "field": FieldEvent.objects.count(), "loads": AuditEvent.objects.filter(action__startswith="twin_load").count(),
                  "duplicates": dup}))
"""


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    replicate = run_replicate(load_scenario("ussr-1929"), seed=np.random.SeedSequence(1929).spawn(1)[0], scale=SCALE)
    for name in EXPORTS:
        replicate.exports[name].write_parquet(folder / f"{name}.parquet")
    return folder


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"DJANGO_SETTINGS_MODULE": "cadre.web.settings", "CADRE_DEBUG": "1", "CADRE_JOBS_SYNC": "1"})
    env.update(extra)
    return env


def _counts(env: dict[str, str]) -> dict[str, int]:
    import json

    out = subprocess.run([sys.executable, "-c", COUNTS], env=env, capture_output=True, text=True, timeout=300,
                         check=True)
    return dict(json.loads(out.stdout))


def _load(env: dict[str, str], export: Path, *, kill_at: str | None) -> int:
    """Run the load; with ``kill_at``, SIGKILL it as soon as its progress names that stage."""
    command = [sys.executable, "-m", "cadre.web.manage", "twin_load", "--export", str(export), "--scale", str(SCALE)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    if kill_at is not None:
        for line in process.stderr:
            if kill_at in line:
                process.send_signal(signal.SIGKILL)
                break
    process.wait(timeout=600)
    return process.returncode


def _crash_then_recover(env: dict[str, str], export: Path) -> None:
    subprocess.run([sys.executable, "-m", "cadre.web.manage", "migrate", "-v0"], env=env, check=True, timeout=300)
    for stage in ("personal files", "decisions", "courses, posts and field service"):
        code = _load(env, export, kill_at=stage)
        assert code == -signal.SIGKILL, f"the load was not killed at {stage!r} (exit {code})"
        assert _counts(env) == {"files": 0, "decisions": 0, "field": 0, "loads": 0, "duplicates": 0}, stage
    assert _load(env, export, kill_at=None) == 0
    done = _counts(env)
    assert done["files"] > 0
    assert done["decisions"] > 0
    assert (done["loads"], done["duplicates"]) == (1, 0)
    # Run again: a loaded database refuses a second load and keeps what it has.
    assert _load(env, export, kill_at=None) != 0
    assert _counts(env) == done


def test_sqlite_survives_a_killed_load(tmp_path: Path, export: Path) -> None:
    env = _env(CADRE_DATA_DIR=str(tmp_path))
    _crash_then_recover(env, export)
    with sqlite3.connect(tmp_path / "cadre.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"



@pytest.mark.postgres
def test_postgresql_survives_a_killed_load(tmp_path: Path, export: Path, pg_database: str) -> None:
    _crash_then_recover(_env(DATABASE_URL=pg_database, CADRE_DATA_DIR=str(tmp_path)), export)
