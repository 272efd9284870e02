"""Fixtures of the trust tests: a PostgreSQL database of the test's own, created and dropped around it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest


@pytest.fixture
def pg_database() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database (skips where the server is not reachable)."""
    psycopg = pytest.importorskip("psycopg")
    name = f"cadre_trust_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True)
    except psycopg.OperationalError as e:
        pytest.skip(f"PostgreSQL is not reachable: {e}")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
