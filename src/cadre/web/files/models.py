"""The personal file (one row per person, the engine's personal-file columns), references, decisions.

The questionnaire columns carry the engine's names (``cadre engine schema``), so the bridge copies them
to a frame without renaming. ``status`` changes only through ``files.workflow`` (called by services),
which follows the engine's screening ladder up to selection and the table ``workflow.LIFECYCLE`` after it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cadre.engine.screening import Stage


class Status(models.TextChoices):
    """Where a file stands: the ladder's stages, then the stages of service after selection."""

    DECLARED = Stage.DECLARED.value, _("declared")
    AT_PARTY_CELL = Stage.AT_PARTY_CELL.value, _("tier 1: party cell or general meeting")
    AT_FACTORY_COMMITTEE = Stage.AT_FACTORY_COMMITTEE.value, _("tier 2: factory committee")
    AT_REGIONAL_UNION = Stage.AT_REGIONAL_UNION.value, _("tier 3: regional union")
    AT_REGIONAL_COUNCIL = Stage.AT_REGIONAL_COUNCIL.value, _("tier 4: regional council")
    AT_COURSE = Stage.AT_COURSE.value, _("tier 5: during the course")
    APPROVED = Stage.APPROVED.value, _("approved, waiting for final selection")
    SELECTED = Stage.SELECTED.value, _("selected")
    REJECTED = Stage.REJECTED.value, _("rejected (may appeal)")
    APPEALED = Stage.APPEALED.value, _("appealed")
    REJECTED_FINAL = Stage.REJECTED_FINAL.value, _("rejected")
    WITHDRAWN = Stage.WITHDRAWN.value, _("withdrawn")
    TRAINED = "trained", _("trained (course completed or waived)")
    DISPATCHED = "dispatched", _("dispatched")
    ARRIVED = "arrived", _("arrived in the destination")
    PLACED = "placed", _("placed in a post")
    EXITED = "exited", _("left field service")


class PersonalFile(models.Model):
    """One person's file in one campaign."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="files")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="personal_files")
    #: The factory unit that puts the worker forward (``factory_id`` below is its code, the engine's column).
    source_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="files")
    destination = models.ForeignKey("accounts.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="arriving_files")
    # The engine's personal-file columns (cadre.engine.schema), same names.
    person_id = models.CharField(_("file number"), max_length=64)
    source_region = models.CharField(_("source region"), max_length=8)
    factory_id = models.CharField(_("factory"), max_length=64)
    union = models.CharField(_("union"), max_length=32)
    sex = models.CharField(_("sex"), max_length=8)
    age = models.PositiveSmallIntegerField(_("age"))
    trade = models.CharField(_("trade"), max_length=64, blank=True, null=True)
    skill_grade = models.PositiveSmallIntegerField(_("skill grade"))
    years_at_factory = models.FloatField(_("years at the factory"))
    party_status = models.CharField(_("party status"), max_length=16)
    party_joined = models.PositiveSmallIntegerField(_("year joined"), null=True, blank=True)
    activist_roles = models.JSONField(_("activist roles"), default=list, blank=True)
    civil_war_service = models.BooleanField(_("civil-war service"))
    village_ties = models.CharField(_("village ties"), max_length=16)
    dependents = models.PositiveSmallIntegerField(_("dependents"))
    education = models.CharField(_("education"), max_length=16)
    wage = models.FloatField(_("wage"))
    health = models.CharField(_("health"), max_length=16)
    heavy_drinking = models.BooleanField(_("heavy drinking"))
    labor_violations = models.BooleanField(_("labor violations"))
    recruitment = models.CharField(_("volunteered or mobilized"), max_length=16)
    reference_from = models.CharField(_("reference from"), max_length=32)
    declared_on = models.DateField(_("declared on"), null=True, blank=True)
    quality = models.FloatField(_("committee-judged quality"), null=True, blank=True)
    #: HISTORICAL DATA of the 1929 scenario only (SYSTEM.md §7); never asked by the workspace's forms.
    opposition_past = models.BooleanField(_("historical data (1929): opposition past"), null=True, blank=True)
    # Workflow (written only by files.workflow through services).
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DECLARED,
                              editable=False, db_index=True)
    rejected_at = models.CharField(max_length=24, blank=True, null=True, editable=False)
    appealed = models.BooleanField(default=False, editable=False)
    decided_by_role = models.CharField(max_length=24, blank=True, null=True, editable=False)
    #: Number of decisions so far; a decision takes the next number, so two decisions racing for the same
    #: file cannot both be stored (a unique constraint backs the row lock).
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "person_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "person_id"], name="file_person_unique")]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            # A body's queue: the files of its units at its stages (source_unit IN (...) AND status IN (...)).
            models.Index(fields=["source_unit", "status"], name="file_unit_status"),
        ]
        verbose_name = _("personal file")
        verbose_name_plural = _("personal files")

    def __str__(self) -> str:
        return f"{self.person_id} ({self.status})"


class Reference(models.Model):
    """A reference from the party cell (party members) or the factory committee (others)."""

    file = models.ForeignKey(PersonalFile, on_delete=models.CASCADE, related_name="references")
    given_by = models.CharField(_("given by"), max_length=32)  # cadre.engine.schema.ReferenceFrom
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reference"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given at"))

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")


class Decision(models.Model):
    """One move of a file on the screening ladder (a tier's decision, final selection, appeal...)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="decisions")
    file = models.ForeignKey(PersonalFile, on_delete=models.CASCADE, related_name="decisions")
    seq = models.PositiveIntegerField(_("number"))  # 1, 2, ... per file
    action = models.CharField(_("action"), max_length=24)  # cadre.engine.screening.Action
    role = models.CharField(_("deciding body"), max_length=24)  # cadre.engine.screening.Role
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)  # 1-4 (5: course); null otherwise
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    outcome = models.CharField(_("outcome"), max_length=24)  # the stage the move leads to, in words of the ladder
    reason_code = models.CharField(_("reason code"), max_length=64)
    reason = models.TextField(_("reason"), blank=True)
    rulebook_version = models.ForeignKey("campaigns.RulebookVersion", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="decisions")
    ladder_version = models.CharField(max_length=32)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at (UTC)"))
    as_of = models.DateField(_("as of"))

    class Meta:
        ordering = ["file", "seq"]
        constraints = [models.UniqueConstraint(fields=["file", "seq"], name="decision_seq_unique")]
        indexes = [models.Index(fields=["campaign", "action"])]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    @property
    def final_selection(self) -> bool:
        return self.action == "select"
