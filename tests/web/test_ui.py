"""The page shell: sign-in, the home page, navigation by role."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_pages_need_a_signed_in_user(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


def test_signing_in_shows_where_the_user_sits(client: Client, people: dict[str, Any]) -> None:
    response = client.post("/accounts/login/", {"username": "fc1", "password": "x"})
    assert response.status_code == 302
    home = client.get("/")
    text = home.content.decode()
    assert "factory committee" in text
    assert "LEN-F1" in text


def test_a_wrong_password_is_refused_with_a_message(client: Client, people: dict[str, Any]) -> None:
    response = client.post("/accounts/login/", {"username": "fc1", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_every_page_carries_a_strict_content_security_policy(client: Client) -> None:
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
