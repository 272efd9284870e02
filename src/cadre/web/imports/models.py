"""An uploaded table waiting to be imported, or imported: the file, its problems and what it wrote.

The ``key`` is a hash of the file's bytes, its kind and the campaign: a list can be imported into a
campaign once. A unique constraint on the key of imported batches backs the service's check, so two
people importing the same list at the same moment still write it once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    FILES = "files", _("volunteer list (personal files)")
    POSTS = "posts", _("posts in districts")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed, nothing written")
    IMPORTED = "imported", _("imported")


class ImportBatch(models.Model):
    """One uploaded file, checked; imported all at once or not at all."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    filename = models.CharField(_("file"), max_length=255)
    key = models.CharField(_("idempotency key"), max_length=64, db_index=True)
    data = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(_("bytes"))
    rows_in = models.PositiveIntegerField(_("rows"))
    clean_rows = models.PositiveIntegerField(_("rows without problems"))
    columns = models.JSONField(default=list)
    problems = models.JSONField(default=list)  # [{row, column, value, message}], every one
    sample = models.JSONField(default=list)  # the first clean rows, as the preview shows them
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    result = models.JSONField(null=True, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key"], condition=models.Q(status="imported"),
                                               name="import_batch_once")]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind}, {self.status})"
