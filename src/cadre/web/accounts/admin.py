"""The admin site: org units and memberships are edited here by administrators; every workflow model is
read-only (workflow states change only through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cadre.web.accounts.models import Membership, OrgUnit
from cadre.web.audit.models import AuditEvent
from cadre.web.campaigns.models import Campaign, ControlFigure, Deadline, FactoryQuota, RulebookVersion
from cadre.web.courses.models import Cohort, Enrollment
from cadre.web.field.models import FieldEvent
from cadre.web.files.models import Decision, PersonalFile, Reference
from cadre.web.jobs.models import Job
from cadre.web.placement.models import Arrival, Dispatch, DistributionFlow, DistributionPlan, Placement, Post


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; adds, changes and deletes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "region_code", "union")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)


@admin.register(PersonalFile)
class PersonalFileAdmin(ReadOnlyAdmin):
    list_display = ("person_id", "campaign", "source_region", "union", "status")
    list_filter = ("status", "source_region", "union")
    search_fields = ("person_id",)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("file", "seq", "action", "role", "tier", "reason_code", "as_of")
    list_filter = ("action", "role")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)


for model in (Campaign, ControlFigure, FactoryQuota, RulebookVersion, Deadline, Reference, Cohort, Enrollment, Post,
              DistributionPlan, DistributionFlow, Placement, Dispatch, Arrival, FieldEvent, Job):
    admin.site.register(model, ReadOnlyAdmin)
