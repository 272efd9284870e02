"""Cohorts of the preparatory course and the enrollment of selected files in them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    """One run of the course (about two weeks in 1929-30), organized by a unit."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="cohorts")
    organizer = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("capacity"))

    class Meta:
        ordering = ["starts_on", "name"]
        verbose_name = _("course cohort")
        verbose_name_plural = _("course cohorts")

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """A selected file in a cohort: attendance, completion, or a waiver with its reason."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    file = models.OneToOneField("files.PersonalFile", on_delete=models.CASCADE, related_name="enrollment")
    days_attended = models.PositiveSmallIntegerField(_("days attended"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    waived = models.BooleanField(_("waived"), default=False)
    waiver_reason = models.CharField(_("waiver reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
