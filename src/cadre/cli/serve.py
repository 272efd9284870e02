"""The workspace part of `cadre demo`, and `cadre serve`: load the 1929 replay into a fresh database, serve it.

SQLite (default): the database is built as a temporary file under ``var/demo/`` and renamed over the
previous demo database only once it is fully loaded, so an interrupted demo leaves the last good one.
PostgreSQL (``DATABASE_URL`` set): the same load, into a database that must be empty; the command
refuses otherwise, saying what it found.

Serving: waitress, a production-quality pure-Python WSGI server, runs the workspace's WSGI application;
static files come from Django's ``StaticFilesHandler`` around it (the apps' own static folders, no
collectstatic step). The demo runs with ``CADRE_DEBUG=1`` (development settings, a development secret
key), so it is a demonstration on localhost; production sets SECRET_KEY and serves static files
collected under ``STATIC_ROOT``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cadre.cli.console import console, fail

__all__ = ["DEMO_DIR", "ROLE_CAN", "demo_env", "load_workspace", "serve", "serve_cmd", "wsgi_app"]

DEMO_DIR = Path("var/demo")
DB_NAME = "cadre.sqlite3"
#: What each demo account can do in the workspace, in one line (the roles of SYSTEM.md §2).
ROLE_CAN = {
    "director": "campaigns, control figures, final selection, distribution plan, imports, audit",
    "regional_council": "tier 4 decisions and the region's control figures (Leningrad)",
    "regional_union": "tier 3 decisions (Leningrad metalworkers)",
    "factory_committee": "tier 2 decisions and references at one Leningrad metal factory",
    "party_cell": "tier 1 decisions and references at the same factory",
    "regional_party_committee": "overrule, appeals, final selection in Leningrad",
    "volunteer": "their own personal file: declare, appeal, withdraw",
    "course_organizer": "courses and enrollments (Leningrad)",
    "placement_agency": "courses, distribution, placement, dispatch, arrivals, field journal, imports of posts",
    "district_office": "arrivals, placement and the field journal of one district",
    "historian": "reads everything, writes nothing",
}


def demo_env(*, data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment the workspace runs under for the demo (development mode, its own data folder)."""
    env = {"CADRE_DEBUG": "1", "CADRE_DATA_DIR": str(data_dir.resolve()),
           "DJANGO_SETTINGS_MODULE": "cadre.web.settings"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _refuse_unless_empty() -> None:
    from django.db import connection

    tables = set(connection.introspection.table_names())
    found = []
    with connection.cursor() as cursor:
        for table, what in (("auth_user", "accounts"), ("files_personalfile", "personal files"),
                            ("campaigns_campaign", "campaigns")):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                n = cursor.fetchone()[0]
                if n:
                    found.append(f"{n:,} {what}")
    if found:
        fail(f"the database of DATABASE_URL is not empty ({', '.join(found)}): the demo loads only into an empty "
             "database. Drop and recreate it, or unset DATABASE_URL to use SQLite under var/demo/.")


def load_workspace(*, scale: float, seed: int, data_dir: Path = DEMO_DIR) -> tuple[dict[str, Any], dict[str, str]]:
    """Load one twin replicate into a fresh database; returns the load summary (with the demo accounts as
    rows) and the environment to serve it under."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = os.environ.get("DATABASE_URL")
    final = data_dir / DB_NAME
    building = data_dir / f"{DB_NAME}.building-{os.getpid()}"
    if target is None:
        building.unlink(missing_ok=True)
        _django(demo_env(data_dir=data_dir, database_url=f"sqlite:///{building.resolve()}"))
    else:
        _django(demo_env(data_dir=data_dir, database_url=target))
        _refuse_unless_empty()
    from django.core.management import call_command
    from django.db import connections

    from cadre.web.accounts.services import system_user
    from cadre.web.errors import DomainError
    from cadre.web.twinload.loader import twin_run_and_load

    try:
        with Progress(TextColumn("{task.description:<40}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                      TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("creating the database", total=100)
            call_command("migrate", verbosity=0)
            bar.update(task, completed=3, description="replaying 1929-1933 with the twin")

            def report(fraction: float, message: str) -> None:
                bar.update(task, completed=3 + 97 * fraction, description=message)

            summary = twin_run_and_load(actor=system_user(), scenario="ussr-1929", seed=seed, scale=scale,
                                        progress=report)
            summary["accounts"] = _accounts()
    except DomainError as error:
        fail(error.reason)
    finally:
        connections.close_all()
    if target is None:
        os.replace(building, final)  # the previous demo database is replaced only now, whole
        target = f"sqlite:///{final.resolve()}"
    return summary, demo_env(data_dir=data_dir, database_url=target)


def _accounts() -> list[tuple[str, str, str, str]]:
    from cadre.web.accounts.models import Membership
    from cadre.web.twinload.org import DEMO_PASSWORD

    return [(m.user.username, DEMO_PASSWORD, f"{m.unit.name} ({m.unit.code})", ROLE_CAN[m.role])
            for m in Membership.objects.select_related("user", "unit").filter(user__username__in=list(ROLE_CAN))
            .order_by("id")]


def accounts_table(rows: list[tuple[str, str, str, str]]) -> Table:
    """The demo accounts (one per role): user, password, unit, and what each can do."""
    table = Table(title="Demo accounts: sign in as any of them", title_justify="left")
    for column in ("user", "password", "where", "can"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    return table


def wsgi_app() -> Any:
    """The workspace's WSGI application with its static files (waitress calls this: ``--call``)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    from cadre.web.wsgi import application, settle

    handler = StaticFilesHandler(application)
    settle()
    return handler


def server_command(*, listen: str, workers: int, threads: int) -> list[str]:
    """The server's command line: one waitress process, or gunicorn's ``workers`` processes of ``threads``
    threads each (Python runs one thread at a time per process, so a machine's cores need processes)."""
    if workers <= 1:
        return [sys.executable, "-m", "waitress", f"--listen={listen}", f"--threads={threads}", "--call",
                "cadre.cli.serve:wsgi_app"]
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "gthread", "--bind", listen, "--log-level", "warning", "cadre.cli.serve:wsgi_app()"]


def serve(*, env: dict[str, str], host: str, port: int, workers: int = 1, threads: int = 8) -> None:
    """Serve the workspace until Ctrl-C (demo settings: CADRE_DEBUG=1), with waitress or, for several
    worker processes, gunicorn. Jobs a previous server left unfinished are marked failed first."""
    env = {**os.environ, **env}
    if host not in ("127.0.0.1", "localhost", "::1"):
        env["CADRE_ALLOWED_HOSTS"] = "*" if host in ("0.0.0.0", "::") else f"localhost,127.0.0.1,{host}"
    subprocess.run([sys.executable, "-m", "cadre.web.manage", "jobs_recover", "-v0"], env=env, check=True)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    server = "waitress" if workers <= 1 else f"gunicorn ({workers} processes)"
    console.print(f"\n[bold green]The workspace is at http://{shown}:{port}/[/]  (Ctrl-C stops it)")
    console.print(f"served by {server} with the demo's settings (CADRE_DEBUG=1: a development secret key); "
                  "for production see README", highlight=False)
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    child = subprocess.Popen(server_command(listen=listen, workers=workers, threads=threads), env=env)

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a terminated demo takes its server with it, as Ctrl-C does
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait(timeout=10)
        console.print("stopped.")
        return
    if code:
        fail(f"the server stopped with code {code} (is port {port} taken? try --port)")


def serve_cmd(
    port: int = typer.Option(8000, "--port", help="Port to serve on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes (one per core; more than one: gunicorn)."),
) -> None:
    """Serve the demo workspace that `cadre demo` loaded (var/demo/, or DATABASE_URL) without loading it again."""
    database = os.environ.get("DATABASE_URL")
    if database is None:
        path = DEMO_DIR / DB_NAME
        if not path.is_file():
            fail(f"no demo database at {path}: run `cadre demo` first")
        database = f"sqlite:///{path.resolve()}"
    serve(env=demo_env(data_dir=DEMO_DIR, database_url=database), host=host, port=port, workers=workers)
