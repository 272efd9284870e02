"""Backup and restore of the workspace's database: SQLite by its online backup, PostgreSQL by pg_dump.

- **SQLite**: ``sqlite3``'s online backup API copies the live database page by page while the server
  keeps running; the copy is checked (``PRAGMA integrity_check``) and moved into place atomically.
  Restore copies a backup into the live database by the same API, in one step for every reader.
- **PostgreSQL**: ``pg_dump --format=custom`` (a consistent snapshot), written to a temporary file and
  renamed; restore is ``pg_restore --clean --if-exists --single-transaction``, so a restore that fails
  leaves the database as it was.

A backup's kind is read from its first bytes ("SQLite format 3" or "PGDMP"); restoring one kind into the
other database is refused with a reason. :func:`table_digests` fingerprints every table (row count and a
hash of the rows in key order), which is how the round-trip test and ``cadre restore`` prove the result.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, connections

__all__ = ["BackupError", "BackupInfo", "backup", "restore", "table_digests"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says what and where."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    vendor: str  # "sqlite" or "postgresql"
    size: int
    tables: int


def _vendor() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def _sqlite_file() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name in ("", ":memory:") or name.startswith("file:"):
        raise BackupError(f"the SQLite database {name!r} is in memory: there is no file to back up")
    return Path(name)


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if s.get(key):
            env[var] = str(s[key])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL's client tools are needed for this database)")
    return found


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as e:
        raise BackupError(f"{path}: cannot read the backup: {e.strerror}") from None
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(_PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a cadre backup (neither a SQLite database nor a pg_dump archive)")


def backup(out: Path) -> BackupInfo:
    """Write a consistent copy of the live database to ``out`` (atomically: all of it or nothing)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if _vendor() == "sqlite":
            source = sqlite3.connect(_sqlite_file())
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)
                (status,) = target.execute("PRAGMA integrity_check").fetchone()
            finally:
                target.close()
                source.close()
            if status != "ok":
                raise BackupError(f"the copy failed its integrity check: {status}")
        else:
            result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp)],
                                    env=_pg_env(), capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupInfo(path=out, vendor=_vendor(), size=out.stat().st_size,
                      tables=len(connection.introspection.table_names()))


def restore(source: Path) -> BackupInfo:
    """Replace the live database's contents with the backup at ``source`` (all or nothing)."""
    source = Path(source)
    kind = _kind_of(source)
    if kind != _vendor():
        raise BackupError(f"{source} is a {kind} backup; this workspace's database is {_vendor()}")
    connections.close_all()
    if kind == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_file(), timeout=30)
        try:
            (status,) = backup_db.execute("PRAGMA integrity_check").fetchone()
            if status != "ok":
                raise BackupError(f"{source}: the backup failed its integrity check: {status}")
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    else:
        result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                 "--exit-on-error", "--dbname", _pg_env()["PGDATABASE"], str(source)],
                                env=_pg_env(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed (the database is unchanged): {result.stderr.strip()}")
    return BackupInfo(path=source, vendor=kind, size=source.stat().st_size,
                      tables=len(connection.introspection.table_names()))


def table_digests() -> dict[str, tuple[int, str]]:
    """Every table of the live database: (rows, SHA-256 of its rows in primary-key order)."""
    out: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            order = ", ".join(str(i + 1) for i in range(len(columns)))  # every column: a total order
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY {order}")
            digest = hashlib.sha256()
            rows = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
                rows += 1
            out[table] = (rows, digest.hexdigest())
    return out


def _plain(value: Any) -> Any:
    """A value as both databases give it back (memoryview for binary columns)."""
    return bytes(value) if isinstance(value, memoryview) else value
