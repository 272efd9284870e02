"""Load test of the workspace on PostgreSQL with the full 1929 campaign: committee members working queues.

    .venv/bin/python bench/load_workspace.py [--database-url postgres://.../db] [--users 50] [--run-time 90]

1. Without ``--database-url``: creates ``cadre_load_<random>`` on 127.0.0.1:5432, migrates, and loads the
   full-scale twin replicate (``twin_load --scale 1.0``: the whole 1929 campaign, every decision and field
   event); the database is dropped at the end (``--keep`` keeps it). With it, reuses that loaded database.
2. Creates the load's users (each starts with a session made as the login view makes one: a real sign-in
   is PBKDF2, deliberately slow, and would dominate a short run on 2 cores; the locustfile signs in through
   the form only with ``CADRE_LOAD_SIGN_IN=1``): ``--users`` party cells, one at each of the factories with the most files, and
   gives each queue work. The replayed campaign has screened every file long ago, so queues would be empty:
   each cell's factory gets ``--files-per-user`` fresh declarations made through the real service
   (``file_declare``, by volunteers of that factory, submitted to the first tier), so approving them runs the
   same ladder, rulebook check, row lock and audit as in production. The volunteers have no password.
3. Serves the workspace with waitress (``--threads``, 6 by default for 2 cores: requests mostly wait on
   PostgreSQL) on 127.0.0.1, production settings except secure cookies (plain HTTP on loopback).
4. Runs locust headless (``bench/load/locustfile.py``: sign in, queue, file, approve, quota board,
   analytics) for ``--run-time`` seconds, and prints per endpoint and overall: requests/s, p50/p95/p99 (ms) and
   the error rate, from locust's CSV statistics.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"
FILE_LINK = re.compile(r'href="/files/[^/"]+/([^/"]+)/"')


#: The server's data directory (its cache of dashboards and job progress), outside the repository.
DATA_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / "cadre-load-data"


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "load-test-only-" + "k" * 40,
            "DJANGO_SETTINGS_MODULE": "cadre.web.settings", "CADRE_SSL_REDIRECT": "0",
            "CADRE_ALLOWED_HOSTS": "127.0.0.1", "CADRE_LOG_LEVEL": "WARNING", "CADRE_DATA_DIR": str(DATA_DIR)}


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)


def _seed(url: str, users: int, per_user: int, tag: str) -> list[dict[str, str]]:
    """Create the committee members and their queues (in this process, through the services)."""
    os.environ.update(_env(url))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from cadre.web.accounts.models import Membership, OrgUnit, Role, UnitKind
    from cadre.web.campaigns.models import Campaign
    from cadre.web.files.services import file_declare

    answers = {"sex": "male", "age": 32, "trade": "fitter", "skill_grade": 6, "years_at_factory": 9.0,
               "party_status": "party", "party_joined": 1920, "activist_roles": ["shop_bureau"],
               "civil_war_service": True, "village_ties": "none", "dependents": 2, "education": "primary",
               "wage": 90.0, "health": "fit", "heavy_drinking": False, "labor_violations": False,
               "recruitment": "volunteered", "reference_from": "party_cell", "quality": 0.8}
    campaign = Campaign.objects.order_by("-pk").first()
    factories = list(OrgUnit.objects.filter(kind=UnitKind.FACTORY).annotate(n=Count("files"))
                     .order_by("-n", "code")[:users])
    model = get_user_model()
    out = []
    started = time.perf_counter()
    for i, factory in enumerate(factories):
        name, password = f"load-{tag}-{i:02d}", f"load-{tag}-pass-{i:02d}"
        user = model.objects.create_user(username=name, password=password)
        Membership.objects.create(user=user, unit=factory, role=Role.PARTY_CELL)
        out.append({"username": name, "password": password, "session": _session(user)})
        vols = model.objects.bulk_create([model(username=f"loadvol-{tag}-{i:02d}-{k:03d}", password="!")
                                          for k in range(per_user)])
        Membership.objects.bulk_create([Membership(user=v, unit=factory, role=Role.VOLUNTEER) for v in vols])
        for v in vols:
            file_declare(actor=v, campaign=campaign, factory=factory, answers=answers)
    print(f"seeded {len(out)} party cells x {per_user} declared files in {time.perf_counter() - started:.0f} s "
          f"(campaign {campaign.slug})", flush=True)
    os.environ["CADRE_LOAD_CAMPAIGN"] = campaign.slug
    return out


def _session(user: object) -> str:
    """A signed-in session for ``user``, as the login view would store it (the sign-in itself is PBKDF2 by
    design, about half a second of CPU: 50 of them would fill the run, so the load starts signed in)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that checked the password
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def wsgi() -> object:
    """The workspace's WSGI application with production settings but cookies without Secure."""
    import django
    from django.conf import settings

    django.setup()
    settings.SESSION_COOKIE_SECURE = False  # plain HTTP on loopback: a Secure cookie would never come back
    settings.CSRF_COOKIE_SECURE = False
    from cadre.web.wsgi import application

    return application


def serve(port: int, threads: int, workers: int) -> None:
    """``--serve``: one waitress process (``--workers 1``), or gunicorn's worker processes with threads."""
    if workers > 1:
        os.execv(PY, [PY, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
                      "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench"),
                      "--log-level", "warning", "--backlog", "512", "--preload", "load_workspace:wsgi()"])
    from waitress import serve as waitress_serve

    waitress_serve(wsgi(), host="127.0.0.1", port=port, threads=threads, connection_limit=200,
                   channel_timeout=30, ident="cadre-load")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _warm_up(port: int, users: list[dict[str, str]], campaign: str, rounds: int) -> None:
    """Open every page of the run a few times first, so that each server process has imported and compiled
    what its first requests would (a cold start is not what a campaign's committees see all day)."""
    import urllib.request

    pages = [f"/files/queue/?campaign={campaign}", f"/files/quota-board/?campaign={campaign}",
             f"/analytics/?campaign={campaign}", f"/files/queue/counts/?campaign={campaign}"]
    started = time.perf_counter()
    for i in range(rounds):
        cookie = f"sessionid={users[i % len(users)]['session']}"
        for page in pages:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{page}", headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=60) as answer:
                body = answer.read().decode()
            if page.startswith("/files/queue/?"):
                for pid in FILE_LINK.findall(body)[:2]:
                    urllib.request.urlopen(urllib.request.Request(
                        f"http://127.0.0.1:{port}/files/{campaign}/{pid}/", headers={"Cookie": cookie}), timeout=60).read()
    print(f"warmed up: {rounds} rounds of every page in {time.perf_counter() - started:.0f} s", flush=True)


def _cpu(server_pid: int) -> dict[str, float]:
    """CPU seconds so far: the server's processes, PostgreSQL's, the whole machine (busy and total)."""
    import psutil

    def tree(pid: int) -> float:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0.0
        for proc in procs:
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                continue
        return total

    postgres = 0.0
    for proc in psutil.process_iter(["name", "cpu_times"]):
        if proc.info["name"] and proc.info["name"].startswith("postgres") and proc.info["cpu_times"]:
            postgres += proc.info["cpu_times"].user + proc.info["cpu_times"].system
    machine = psutil.cpu_times()
    return {"server": tree(server_pid), "postgres": postgres, "wall": time.monotonic(),
            "busy": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0), "cores": psutil.cpu_count() or 1}


def _report_cpu(prefix: Path, before: dict[str, float], after: dict[str, float]) -> None:
    """Where the machine's CPU went during the run: per request for the server, and how busy the cores were
    (a server short of CPU because something else ran on the machine shows here, not in the latencies)."""
    with Path(f"{prefix}_stats.csv").open() as stats:
        total = next((int(r["Request Count"]) for r in csv.DictReader(stats) if r["Name"] == "Aggregated"), 0)
    wall = after["wall"] - before["wall"]
    server, postgres, busy = (after[k] - before[k] for k in ("server", "postgres", "busy"))
    print(f"\nCPU during the run ({wall:.0f} s, {after['cores']:.0f} cores): machine {busy / wall / after['cores']:.0%} busy; "
          f"server {server:.1f} s ({1000 * server / max(total, 1):.1f} ms per request), PostgreSQL {postgres:.1f} s "
          f"({1000 * postgres / max(total, 1):.1f} ms per request), everything else {busy - server - postgres:.1f} s "
          "(locust, and whatever else ran)")


def report(prefix: Path, seconds: float) -> None:
    with Path(f"{prefix}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    print(f"\n{'endpoint':<22}{'requests':>9}{'errors':>8}{'err %':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
    for r in rows:
        n, bad = int(r["Request Count"]), int(r["Failure Count"])
        name = "OVERALL" if r["Name"] == "Aggregated" else r["Name"]
        print(f"{name:<22}{n:>9}{bad:>8}{(100 * bad / n if n else 0):>7.2f}{float(r['Requests/s']):>8.1f}"
              f"{r['50%']:>7}{r['95%']:>7}{r['99%']:>7}")
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        print("\nfailures:\n" + failures.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="reuse this loaded database (not dropped)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--files-per-user", type=int, default=30)
    parser.add_argument("--run-time", type=int, default=90, help="seconds of load (bounded)")
    parser.add_argument("--workers", type=int, default=6,
                        help="server processes: 1 is waitress, more are gunicorn's (one per core: Python's threads share one)")
    parser.add_argument("--threads", type=int, default=1, help="threads per server process")
    parser.add_argument("--keep", action="store_true", help="keep the database this run created")
    parser.add_argument("--warm-up", type=int, default=20, help="rounds of every page before the measured run")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.threads, args.workers)
    created = ""
    url = args.database_url
    if not url:
        created = f"cadre_load_{secrets.token_hex(4)}"
        url = f"{SERVER}/{created}"
        _psql(f"CREATE DATABASE {created}")
    server = None
    try:
        if created:
            manage = [PY, "-m", "cadre.web.manage"]
            subprocess.run([*manage, "migrate", "-v0"], env=_env(url), check=True, cwd=ROOT)
            subprocess.run([*manage, "twin_load", "--scale", "1.0"], env=_env(url), check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
        tag = secrets.token_hex(2)
        users = _seed(url, args.users, args.files_per_user, tag)
        port = _free_port()
        server = subprocess.Popen([PY, __file__, "--serve", str(port), "--threads", str(args.threads),
                                   "--workers", str(args.workers)],
                                  env=_env(url), cwd=ROOT)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _warm_up(port, users, os.environ["CADRE_LOAD_CAMPAIGN"], args.warm_up)
        import json

        prefix = Path(os.environ.get("TMPDIR", "/tmp")) / f"cadre-load-{tag}"
        env = {**os.environ, "CADRE_LOAD_USERS": json.dumps(users)}
        before = _cpu(server.pid)
        subprocess.run([PY, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
                        "-u", str(args.users), "-r", "10", "-t", f"{args.run_time}s", "--stop-timeout", "10",
                        "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
                        "--loglevel", "WARNING"], env=env, cwd=ROOT, check=False)
        after = _cpu(server.pid)
        report(prefix, args.run_time)
        _report_cpu(prefix, before, after)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if created and not args.keep:
            from django.db import connections

            connections.close_all()
            _psql(f"DROP DATABASE IF EXISTS {created} WITH (FORCE)")
    return None


if __name__ == "__main__":
    main()
