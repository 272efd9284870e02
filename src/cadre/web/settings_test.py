"""Settings for the test suite: the workspace's settings with fast hashing and inline jobs.

The database is SQLite (in memory) unless ``DATABASE_URL`` says otherwise, or the command line selects
the ``postgres`` marker (``pytest -m postgres tests/web``): then the PostgreSQL server of
``CADRE_TEST_POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432/test``), where pytest-django
creates and destroys its own test database. tests/web/conftest.py marks every workspace test
``postgres`` when it runs there, so the same test bodies run on both databases.
"""

from __future__ import annotations

import os
import sys


def _postgres_selected(argv: list[str]) -> bool:
    for i, arg in enumerate(argv):
        expression = argv[i + 1] if arg == "-m" and i + 1 < len(argv) else arg[2:] if arg.startswith("-m") else ""
        if "postgres" in expression and "not postgres" not in expression:
            return True
    return False


if "DATABASE_URL" not in os.environ and _postgres_selected(sys.argv):
    os.environ["DATABASE_URL"] = os.environ.get("CADRE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
os.environ.setdefault("SECRET_KEY", "cadre-test-suite-only")

from cadre.web.settings import *  # noqa: E402,F403 - the test settings are the real ones, adjusted below

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never outside tests
CADRE_JOBS_SYNC = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # private to each test run
SECURE_SSL_REDIRECT = False
