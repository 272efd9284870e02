"""Posts, the distribution plan, placements, dispatch and arrival."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadre.engine.placement import PostType


class PostKind(models.TextChoices):
    CHAIRMAN = PostType.CHAIRMAN.value, _("collective farm chairman")
    BOARD_MEMBER = PostType.BOARD_MEMBER.value, _("farm board member")
    CELL_SECRETARY = PostType.CELL_SECRETARY.value, _("farm party-cell secretary")
    MTS_STAFF = PostType.MTS_STAFF.value, _("machine-tractor station")
    STATE_FARM_INTERN = PostType.STATE_FARM_INTERN.value, _("state-farm internship")
    DISTRICT_OFFICE = "district_office", _("district office (not a post the rules want)")


class FarmType(models.TextChoices):
    KOMMUNA = "kommuna", _("kommuna")
    ARTEL = "artel", _("artel")
    TOZ = "toz", _("TOZ")


class Post(models.Model):
    """A post in a district: a farm seat, a station, a state farm, an office."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="posts")
    district = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField(_("kind"), max_length=24, choices=PostKind.choices)
    name = models.CharField(_("name"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"), default=1)
    farm_type = models.CharField(_("farm type"), max_length=8, choices=FarmType.choices, blank=True)

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.name


class DistributionPlan(models.Model):
    """An origin-destination plan built by the engine, with what it proved."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="plans")
    status = models.CharField(_("solver status"), max_length=16)
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    certificate = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    #: Set when the plan is approved (after the engine found no problem in it); files then follow it.
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("distribution plan")
        verbose_name_plural = _("distribution plans")


class DistributionFlow(models.Model):
    """One pair of the plan: how many go from a source region to a destination region."""

    plan = models.ForeignKey(DistributionPlan, on_delete=models.CASCADE, related_name="flows")
    origin = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    n = models.PositiveIntegerField(_("workers"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "origin", "destination"], name="flow_unique")]


class Placement(models.Model):
    """A file in a post from ``start`` to ``end`` (null while held)."""

    file = models.ForeignKey("files.PersonalFile", on_delete=models.CASCADE, related_name="placements")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="placements")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    cost = models.FloatField(null=True, blank=True)  # the optimizer's cost of the match (lower fits better)
    explanation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["file", "start"]
        indexes = [models.Index(fields=["post", "end"])]


class Dispatch(models.Model):
    """The file's departure for its destination region."""

    file = models.OneToOneField("files.PersonalFile", on_delete=models.CASCADE, related_name="dispatch")
    destination = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    departed_on = models.DateField(_("departed on"), null=True, blank=True)  # null: not known (twin imports)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class Arrival(models.Model):
    """The file's arrival in the destination, as the receiving office recorded it."""

    file = models.OneToOneField("files.PersonalFile", on_delete=models.CASCADE, related_name="arrival")
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    arrived_on = models.DateField(_("arrived on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
