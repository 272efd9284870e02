"""How a request to the API says who it is: the browser's session (with CSRF), or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from cadre.web.api.selectors import token_user

__all__ = ["AUTH", "BearerToken", "Session"]


class BearerToken(HttpBearer):
    """``Authorization: Bearer cadre_...``: a token made on the API tokens page or by ``api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_user(raw=token)
        if user is not None:
            request.user = user  # pages' helpers and selectors read request.user; here it is the token's
        return user


class Session(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (``X-CSRFToken``)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: nobody to check CSRF for, and the answer is 401 (sign in), not 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        if key is None:
            return None
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated and user.is_active else None


#: The token first: a program that sends one is not held to the browser's CSRF rule.
AUTH = [BearerToken(), Session()]
