"""API tokens: a bearer token lets a program act as its user through the JSON API.

Only a hash of the token is kept; the token itself is shown once, when it is made. A revoked token
stays in the table (with when it was revoked) so that the audit trail can still name it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One bearer token of one user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    #: The first characters of the token, to tell tokens apart on the page (not enough to use one).
    prefix = models.CharField(_("starts with"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)  # SHA-256 of the whole token
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
