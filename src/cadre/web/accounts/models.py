"""The organization tree and who holds which role where.

An :class:`OrgUnit` is a node of one tree: the center, source and destination regions (coded as in the
record's ``regions.csv``: ``LEN``, ``MOS``...), the regional union of a trade within a region, factories
under their regional union, and districts under a destination region. ``path`` is the materialized path
of codes from the root (``CENTER/LEN/LEN:metalworkers/LEN-MET-0001/``), so "this unit and everything
below it" is one indexed prefix query. A :class:`Membership` gives a user one role at one unit; its
powers reach the unit's whole subtree (see ``permissions.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CENTER = "center", _("center")
    REGION = "region", _("region")
    UNION_REGION = "union_region", _("regional union")
    FACTORY = "factory", _("factory")
    DISTRICT = "district", _("district")


class Role(models.TextChoices):
    """The roles of SYSTEM.md §2 that people hold in the workspace."""

    DIRECTOR = "director", _("campaign director")
    REGIONAL_COUNCIL = "regional_council", _("regional council of trade unions")
    REGIONAL_UNION = "regional_union", _("regional union")
    FACTORY_COMMITTEE = "factory_committee", _("factory committee")
    PARTY_CELL = "party_cell", _("party cell")
    REGIONAL_PARTY_COMMITTEE = "regional_party_committee", _("regional party committee")
    VOLUNTEER = "volunteer", _("volunteer")
    COURSE_ORGANIZER = "course_organizer", _("course organizer")
    PLACEMENT_AGENCY = "placement_agency", _("placement agency")
    DISTRICT_OFFICE = "district_office", _("district office of the placement agency")
    HISTORIAN = "historian", _("historian")


class OrgUnit(models.Model):
    """One node of the organization tree."""

    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=500, unique=True, editable=False)
    region_code = models.CharField(_("region"), max_length=8, blank=True, db_index=True)
    union = models.CharField(_("union"), max_length=32, blank=True)

    class Meta:
        ordering = ["path"]
        # Subtree reads are prefix matches on the path (``path LIKE 'CENTER/LEN/%'``); PostgreSQL's
        # ordinary index serves them only in the C collation, this one in any (SQLite ignores the opclass).
        indexes = [models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"])]
        verbose_name = _("organization unit")
        verbose_name_plural = _("organization units")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def contains(self, other: OrgUnit) -> bool:
        """Whether ``other`` is this unit or lies below it."""
        return other.path.startswith(self.path)


class Membership(models.Model):
    """A user's role at a unit; it reaches the unit's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} - {self.role} @ {self.unit.code}"
