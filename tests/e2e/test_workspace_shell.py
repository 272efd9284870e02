"""The workspace in a real browser: signing in, the home page, signing out."""

from __future__ import annotations

from typing import Any

import pytest
from browser import shot, sign_in
from django.contrib.auth import get_user_model

from cadre.web.accounts.models import Membership, OrgUnit, UnitKind

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_sign_in_home_and_sign_out(page: Any) -> None:
    unit = OrgUnit.objects.create(kind=UnitKind.CENTER, code="CENTER", name="Center", path="CENTER/")
    user = get_user_model().objects.create_user(username="director", password="a long demo password")
    Membership.objects.create(user=user, unit=unit, role="director")
    sign_in(page, "director", "a long demo password")
    assert "Welcome, director" in page.inner_text("h1")
    assert "campaign director" in page.inner_text("main")
    shot(page, "home")
    page.click("button:has-text('Sign out')")
    page.goto("/")
    assert "/accounts/login/" in page.url
