"""A campaign and what configures it: control figures, rulebook versions, deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Template(models.TextChoices):
    USSR_1929 = "ussr-1929", _("The 25,000ers, 1929-30 (historical)")
    RURAL_TEACHERS = "rural-teachers", _("Rural teachers program")


class Campaign(models.Model):
    """One mobilization campaign: its rulebook, ladder and calendar."""

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    template = models.CharField(_("template"), max_length=32, choices=Template.choices)
    ladder_version = models.CharField(_("screening ladder"), max_length=32, default="1929")
    #: Final selection may run from this day on (the campaign's date).
    selection_opens_on = models.DateField(_("selection opens on"))
    historical = models.BooleanField(_("historical replay"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class RulebookVersion(models.Model):
    """One version of a campaign's rulebook (TOML). Decisions keep the version that produced them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rulebooks")
    number = models.PositiveIntegerField(_("version number"))
    text = models.TextField(_("rulebook (TOML)"))
    ref = models.CharField(_("rulebook identity"), max_length=200)  # id@version#fingerprint, from the engine
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="rulebook_number_unique")]
        verbose_name = _("rulebook version")
        verbose_name_plural = _("rulebook versions")

    def __str__(self) -> str:
        return f"{self.campaign.slug} v{self.number} ({self.ref})"


class ControlFigure(models.Model):
    """A quota: how many a source region sends from one trade union."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="control_figures")
    region = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    union = models.CharField(_("union"), max_length=32)
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        ordering = ["region__code", "union"]
        constraints = [models.UniqueConstraint(fields=["campaign", "region", "union"], name="control_figure_unique")]
        verbose_name = _("control figure")
        verbose_name_plural = _("control figures")


class FactoryQuota(models.Model):
    """A control figure pushed down to one factory."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="factory_quotas")
    factory = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "factory"], name="factory_quota_unique")]
        verbose_name = _("factory quota")
        verbose_name_plural = _("factory quotas")


class DeadlineKind(models.TextChoices):
    DECLARATIONS = "declarations", _("declarations close")
    SCREENING = "screening", _("screening ends")
    SELECTION = "selection", _("final selection")
    COURSES = "courses", _("courses end")
    DISPATCH = "dispatch", _("dispatch")
    ARRIVAL = "arrival", _("arrival at posts")


class Deadline(models.Model):
    """A dated step of the campaign's calendar."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=16, choices=DeadlineKind.choices)
    due_on = models.DateField(_("due on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="deadline_unique")]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
