"""`cadre demo`: the record and engine in brief, then the 1929 replay loaded into a fresh workspace and served.

The demo runs as a real subprocess in a scratch folder (its database goes under ./var/demo/ there), so
that its own Django set-up is the one a user gets, not the test suite's. Every test here takes more than
the fast suite's 20 s budget on a shared machine, so all are marked slow; ``--help`` is in test_cli.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from cadre.cli.serve import ROLE_CAN

CADRE = Path(sys.executable).with_name("cadre")
SIGN_IN = """
import json, os, sys
os.environ.update(json.loads(sys.argv[1]))
import django
django.setup()
from django.test import Client
from cadre.web.files.models import PersonalFile
for name in sys.argv[2:]:
    answer = Client().post("/accounts/login/", {"username": name, "password": "cadre-demo"})
    assert answer.status_code == 302 and answer["Location"] == "/", (name, answer.status_code)
wrong = Client().post("/accounts/login/", {"username": sys.argv[2], "password": "not-the-password"})
assert wrong.status_code == 200  # the login form again, with its error
print("signed in:", len(sys.argv) - 2, "files:", PersonalFile.objects.count())
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CADRE_DATA_DIR")}
    return {**env, "COLUMNS": "200", **extra}


def demo(folder: Path, *args: str) -> str:
    done = subprocess.run([str(CADRE), "demo", *args], cwd=folder, env=_env(), capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow  # about 30 s on a quiet machine (a subprocess with Django, the twin and 11 password hashes)
def test_the_demo_loads_a_fresh_workspace_where_every_demo_account_signs_in(tmp_path: Path) -> None:
    out = demo(tmp_path, "--no-serve", "--scale", "0.01", "--n", "1000")
    for fragment in ("record check", "The screening ladder", "loaded", "personal files", "http://localhost:8000/",
                     "cadre-demo", *ROLE_CAN):
        assert fragment in out, fragment
    database = tmp_path / "var" / "demo" / "cadre.sqlite3"
    assert database.is_file()
    env = {"CADRE_DEBUG": "1", "CADRE_DATA_DIR": str(database.parent), "DATABASE_URL": f"sqlite:///{database}",
           "DJANGO_SETTINGS_MODULE": "cadre.web.settings", "CADRE_ALLOWED_HOSTS": "testserver"}
    signed = subprocess.run([sys.executable, "-c", SIGN_IN, json.dumps(env), *ROLE_CAN], env=_env(), cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, check=False)
    assert signed.returncode == 0, signed.stdout + signed.stderr
    files = int(signed.stdout.split("files:")[1])
    assert files == int(re.search(r"loaded ([\d,]+) personal files", out).group(1).replace(",", ""))


@pytest.mark.slow
def test_a_second_demo_replaces_the_database_whole_and_a_full_database_is_refused(tmp_path: Path) -> None:
    demo(tmp_path, "--no-serve", "--scale", "0.005", "--n", "500")
    database = tmp_path / "var" / "demo" / "cadre.sqlite3"
    before = database.stat().st_mtime_ns
    demo(tmp_path, "--no-serve", "--scale", "0.005", "--n", "500")
    # Built beside the old one and renamed over it: nothing else is left in the folder.
    assert database.stat().st_mtime_ns != before
    assert [p.name for p in database.parent.iterdir()] == ["cadre.sqlite3"]
    refused = subprocess.run([str(CADRE), "demo", "--no-serve", "--scale", "0.005", "--n", "500"], cwd=tmp_path,
                             env=_env(DATABASE_URL=f"sqlite:///{database}"), capture_output=True, text=True,
                             timeout=600, check=False)
    assert refused.returncode == 1
    assert "not empty" in " ".join((refused.stdout + refused.stderr).split())


def _sign_in_over_http(base: str, username: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": username, "password": "cadre-demo", "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}accounts/login/", data=body.encode(), headers={"Referer": base})
    return opener.open(request, timeout=60).read().decode()


@pytest.mark.slow
def test_the_full_demo_serves_the_workspace_until_interrupted(tmp_path: Path) -> None:
    port = "8765"
    child = subprocess.Popen([str(CADRE), "demo", "--port", port], cwd=tmp_path, env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line)
            if f"http://localhost:{port}/" in line:
                break
        assert any("loaded" in line for line in lines), "".join(lines)
        loaded = int(re.search(r"loaded ([\d,]+) personal files", "".join(lines)).group(1).replace(",", ""))
        assert loaded > 20_000  # full scale: tens of thousands of files
        base = f"http://127.0.0.1:{port}/"
        for _ in range(60):
            try:
                page = _sign_in_over_http(base, "director")
                break
            except OSError:
                time.sleep(1)
        assert "Welcome, director" in page
    finally:
        os.killpg(child.pid, signal.SIGINT)
        child.wait(timeout=30)
