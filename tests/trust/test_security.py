"""Security promises of the workspace, each checked against the real settings and the running app.

Login throttling (django-axes), the password policy, cookie and session settings in production,
``manage.py check --deploy`` clean, the security headers, and no secret in the repository.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cadre.web.accounts.services import user_create
from cadre.web.errors import Invalid

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"SECRET_KEY": "a" * 20 + "production-like-secret-for-the-test-" + "z" * 20,
              "CADRE_ALLOWED_HOSTS": "cadre.example.org", "DJANGO_SETTINGS_MODULE": "cadre.web.settings"}


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CADRE_", "DJANGO_", "SECRET_KEY", "DATABASE_URL"))}
    env.update(PRODUCTION)
    env["CADRE_DATA_DIR"] = str(ROOT / "var" / "security-test")
    env.update(extra)
    return env


@pytest.mark.django_db
def test_five_failed_sign_ins_lock_the_account_even_for_the_right_password() -> None:
    get_user_model().objects.create_user(username="alice", password="the right password 42")
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "alice", "password": "the right password 42"})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_password_policy_refuses_weak_passwords() -> None:
    admin = get_user_model().objects.create_superuser(username="root", password="x")
    with pytest.raises(Invalid) as refused:
        user_create(actor=admin, username="bob", password="12345678")
    assert refused.value.problems  # every reason, e.g. too common and entirely numeric
    assert not get_user_model().objects.filter(username="bob").exists()
    user = user_create(actor=admin, username="carol", password="a sturdy pass phrase 7")
    assert user.check_password("a sturdy pass phrase 7")
    assert not user.password.startswith("a sturdy")  # stored hashed


@pytest.mark.slow
def test_check_deploy_is_clean_and_cookies_are_secure_in_production() -> None:
    env = _production_env()
    check = subprocess.run([sys.executable, "-m", "cadre.web.manage", "check", "--deploy", "--fail-level", "WARNING"],
                           env=env, capture_output=True, text=True, timeout=300, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
             "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000)")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "True", "True", "True", "True", "True"]


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run([sys.executable, "-m", "cadre.web.manage", "check"], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in listed.stdout.splitlines()]


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "AWS key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "GitHub token": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    "Slack token": re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"),
    "a password in a URL": re.compile(r"[a-z]+://[^/\s:@]+:[^@\s/]{6,}@"),
    "a Django secret key": re.compile(r"SECRET_KEY\s*=\s*['\"](?!django-insecure-cadre-development-only)[^'\"]{20,}['\"]"),
}


def test_no_secret_is_committed() -> None:
    found: list[str] = []
    for path in _tracked_files():
        if not path.is_file() or path.suffix in (".png", ".parquet", ".xlsx", ".mo", ".lock") or path.name == "uv.lock":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for what, pattern in SECRET_PATTERNS.items():
            if pattern.search(text) and path != Path(__file__):
                found.append(f"{path.relative_to(ROOT)}: {what}")
    assert not found, found


def test_the_development_key_says_what_it_is() -> None:
    from cadre.web import settings

    assert settings.SECRET_KEY.startswith("django-insecure") or "test" in settings.SECRET_KEY or len(settings.SECRET_KEY) > 40
    source = (ROOT / "src/cadre/web/settings.py").read_text(encoding="utf-8")
    assert "development-only-never-in-production" in source


