"""Fixtures of the end-to-end tests: the workspace on a live server, driven in Debian's chromium.

Chromium comes from the system's packages (``apt-get install chromium``; `.ci/run` installs it), never
from a test tool's own download: Playwright launches it by ``executable_path``. Without it the browser
tests are skipped. Every browser test is marked ``slow`` (run by `.ci/run`, not by the fast suite).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the test itself (fixtures
# creating users) are still plain synchronous calls, which Django allows once told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) on the live server; fails the test on any page error."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert not errors, f"the page reported errors: {errors}"


# Test modules import these from `browser` (a module name unique in the test tree), not from conftest.
from browser import SHOTS as SHOTS  # noqa: E402
from browser import shot as shot  # noqa: E402
from browser import sign_in as sign_in  # noqa: E402
