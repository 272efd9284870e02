"""`cadre backup` and `cadre restore`: the workspace's database to a file and back.

The database is the workspace's (``DATABASE_URL``; the embedded SQLite file under ``CADRE_DATA_DIR`` by
default). Without ``DATABASE_URL`` and ``SECRET_KEY`` the command works on the local development
database, as ``cadre demo`` does.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from cadre.cli.console import console, fail


def django_setup() -> None:
    """Configure Django with the workspace's settings (development mode for the embedded database)."""
    if "DATABASE_URL" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ.setdefault("CADRE_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.web.settings")
    import django

    django.setup()


def backup_cmd(out: Path = typer.Option(..., "--out", "-o", help="Where to write the backup file.")) -> None:
    """Back up the workspace's database (SQLite online backup, or pg_dump for PostgreSQL)."""
    django_setup()
    from cadre.web.backup import BackupError, backup

    try:
        info = backup(out)
    except BackupError as e:
        fail(str(e))
    console.print(f"wrote {info.path} ({info.vendor}, {info.tables} tables, {info.size:,} bytes)")


def restore_cmd(source: Path = typer.Argument(..., help="A file written by `cadre backup`."),
                yes: bool = typer.Option(False, "--yes", help="Replace the database's contents without asking.")) -> None:
    """Replace the workspace's database with a backup (all or nothing), then fingerprint every table."""
    django_setup()
    from cadre.web.backup import BackupError, restore, table_digests

    if not yes and not typer.confirm(f"Replace every table of the workspace's database with {source}?"):
        fail("nothing restored")
    try:
        info = restore(source)
    except BackupError as e:
        fail(str(e))
    rows = sum(n for n, _ in table_digests().values())
    console.print(f"restored {info.path} ({info.vendor}, {info.tables} tables, {rows:,} rows)")
