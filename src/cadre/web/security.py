"""Security headers for every response: a strict content security policy and its companions.

The pages hold no inline script, no inline event handler and no style attribute (charts read their data
from ``<script type="application/json">`` blocks, which are data, and draw from static files), so the
policy can forbid everything inline. ``Permissions-Policy`` turns off device APIs no page uses;
``Cross-Origin-Opener-Policy`` isolates the window. Django's own middleware sets the rest (HSTS,
nosniff, Referrer-Policy, X-Frame-Options).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeadersMiddleware"]

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """Adds :data:`_HEADERS` to every response that does not set them itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response
