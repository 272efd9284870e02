"""`cadre serve`: a stopped server's unfinished jobs are marked failed first, then the workspace is served by
waitress (one process) or by gunicorn's worker processes (``--workers``), each answering real requests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cadre.cli.serve import server_command

CADRE = Path(sys.executable).with_name("cadre")
SEED = """
import django
django.setup()
from django.contrib.auth import get_user_model
from cadre.web.jobs.models import Job, JobStatus
user = get_user_model().objects.create_user("ops", password="not-used-here-1")
Job.objects.create(kind="selection", params={}, created_by=user, status=JobStatus.RUNNING)
"""
STATE = """
import django
django.setup()
from cadre.web.jobs.models import Job
job = Job.objects.get()
print(job.status, "|", job.error)
"""


def test_one_worker_is_waitress_and_more_are_gunicorn_processes() -> None:
    assert server_command(listen="127.0.0.1:8000", workers=1, threads=8)[1:3] == ["-m", "waitress"]
    several = server_command(listen="127.0.0.1:8000", workers=3, threads=4)
    assert several[1:3] == ["-m", "gunicorn"]
    assert several[several.index("--workers") + 1] == "3"
    assert several[-1] == "cadre.cli.serve:wsgi_app()"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow  # three Django processes start (about 10 s on a quiet machine)
@pytest.mark.parametrize("workers", [1, 2])
def test_serve_recovers_unfinished_jobs_then_answers(tmp_path: Path, workers: int) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'cadre.sqlite3'}", "CADRE_DATA_DIR": str(tmp_path),
                "DJANGO_SETTINGS_MODULE": "cadre.web.settings", "CADRE_DEBUG": "1"})
    subprocess.run([sys.executable, "-m", "cadre.web.manage", "migrate", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([sys.executable, "-c", SEED], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen([str(CADRE), "serve", "--port", str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, answer = time.monotonic() + 120, None
        while time.monotonic() < deadline and answer is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                    answer = (r.status, r.read().decode())
            except OSError:
                assert server.poll() is None, "the server stopped"
                time.sleep(0.3)
        assert answer is not None, "the server never answered"
        assert answer[0] == 200
        assert 'name="username"' in answer[1]
    finally:
        server.send_signal(signal.SIGTERM)  # as a service manager stops it (SIGINT may be ignored in a background job)
        out = server.communicate(timeout=30)[0]
    assert ("gunicorn (2 processes)" if workers == 2 else "served by waitress") in out
    state = subprocess.run([sys.executable, "-c", STATE], env=env, check=True, capture_output=True, text=True,
                           timeout=120).stdout
    assert state.startswith("failed | the server stopped before the job finished"), state
