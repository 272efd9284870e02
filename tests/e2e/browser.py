"""Helpers of the browser tests: sign in through the workspace's page, take a screenshot to look at.

Import them as ``from browser import sign_in, shot`` (``conftest`` is not a unique module name across
the test tree).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: Where tests leave screenshots of the main pages, to be looked at by eye.
SHOTS = Path(os.environ.get("CADRE_SCREENSHOTS", "var/screenshots"))


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the workspace's own login page."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under :data:`SHOTS`, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
