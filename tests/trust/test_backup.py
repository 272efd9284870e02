"""`cadre backup` and `cadre restore` round trips: every table comes back exactly, on SQLite and PostgreSQL.

Each test works on a real database of its own (a SQLite file; a PostgreSQL database created for it),
through the real commands in subprocesses: migrate, fill, back up, change everything, restore, compare
every table's fingerprint (rows and a hash of their contents).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"

FILL = """
import django; django.setup()
from django.contrib.auth import get_user_model
from cadre.web.accounts.models import OrgUnit, UnitKind
center = OrgUnit.objects.create(kind=UnitKind.CENTER, code="CENTER", name="Center", path="CENTER/")
for code in ("LEN", "MOS", "UKR"):
    OrgUnit.objects.create(kind=UnitKind.REGION, code=code, name=f"Region {code} «ф»", parent=center,
                           path=f"CENTER/{code}/", region_code=code)
get_user_model().objects.create_user(username="alice", password="correct horse battery staple")
"""
CHANGE = """
import django; django.setup()
from django.contrib.auth import get_user_model
from cadre.web.accounts.models import OrgUnit
OrgUnit.objects.filter(code="MOS").delete()
OrgUnit.objects.filter(code="LEN").update(name="renamed")
get_user_model().objects.create_user(username="mallory", password="x" * 12)
"""
DIGESTS = """
import django, json; django.setup()
from cadre.web.backup import table_digests
print(json.dumps(table_digests()))
"""


def _run(env: dict[str, str], *args: str, code: str | None = None) -> str:
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _round_trip(env: dict[str, str], backup: Path) -> None:
    _run(env, "cadre.web.manage", "migrate", "-v0")
    _run(env, code=FILL)
    before = json.loads(_run(env, code=DIGESTS))
    _run(env, "cadre.cli.main", "backup", "--out", str(backup))
    _run(env, code=CHANGE)
    assert json.loads(_run(env, code=DIGESTS)) != before
    _run(env, "cadre.cli.main", "restore", str(backup), "--yes")
    after = json.loads(_run(env, code=DIGESTS))
    assert after == before
    assert before["accounts_orgunit"][0] == 4


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"DJANGO_SETTINGS_MODULE": "cadre.web.settings", "SECRET_KEY": "backup-test", "CADRE_SSL_REDIRECT": "0"})
    env.update(extra)
    return env


def test_sqlite_round_trip(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir()
    _round_trip(_env(CADRE_DATA_DIR=str(data)), tmp_path / "cadre.backup")


def test_a_backup_of_another_kind_or_no_backup_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir()
    env = _env(CADRE_DATA_DIR=str(data))
    _run(env, "cadre.web.manage", "migrate", "-v0")
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    pg_like = tmp_path / "dump.pgdump"
    pg_like.write_bytes(b"PGDMP" + b"\0" * 64)
    for path, words in ((bogus, "not a cadre backup"), (pg_like, "is a postgresql backup"),
                        (tmp_path / "missing", "cannot read")):
        result = subprocess.run([sys.executable, "-m", "cadre.cli.main", "restore", str(path), "--yes"], env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode != 0
        assert words in " ".join((result.stdout + result.stderr).split()), result.stdout + result.stderr



@pytest.mark.postgres
def test_postgresql_round_trip(tmp_path: Path, pg_database: str) -> None:
    _round_trip(_env(DATABASE_URL=pg_database, CADRE_DATA_DIR=str(tmp_path)), tmp_path / "cadre.pgdump")
