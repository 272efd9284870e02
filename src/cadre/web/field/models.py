"""The field-service journal: one row per event in a worker's service (SYSTEM.md §3.8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadre.engine.analytics import ExitChannel


class EventKind(models.TextChoices):
    POST_CHANGE = "post_change", _("post change")
    TRANSFER = "transfer", _("transfer")
    SALARY_PAID = "salary_paid", _("salary paid")
    HOUSING = "housing", _("housing")
    SUPPLY = "supply", _("supply")
    COMPLAINT = "complaint", _("complaint or letter")
    CONFLICT = "conflict", _("conflict with district officials")
    PROMOTION = "promotion", _("promotion")
    ILLNESS = "illness", _("illness")
    STUDY = "study", _("study")
    EXIT = "exit", _("exit")


Channel = models.TextChoices("Channel", [(c.name, (c.value, c.value.replace("_", " "))) for c in ExitChannel])


class FieldEvent(models.Model):
    """What happened to a worker in the field, on a day."""

    file = models.ForeignKey("files.PersonalFile", on_delete=models.CASCADE, related_name="field_events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    on = models.DateField(_("on"))
    channel = models.CharField(_("exit channel"), max_length=24, choices=Channel.choices, blank=True)
    post = models.ForeignKey("placement.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    addressee = models.CharField(_("to whom"), max_length=200, blank=True)
    text = models.TextField(_("what"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["file", "on", "id"]
        indexes = [models.Index(fields=["kind", "on"])]
        verbose_name = _("field event")
        verbose_name_plural = _("field events")
