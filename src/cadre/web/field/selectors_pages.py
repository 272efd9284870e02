"""Reads behind the field-journal pages: workers in the field, one worker's journal, posts open to them."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from cadre.web.accounts.permissions import User
from cadre.web.campaigns.models import Campaign
from cadre.web.field.models import EventKind, FieldEvent
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.selectors import file_get, file_list
from cadre.web.placement.models import Placement, Post
from cadre.web.placement.selectors import post_list

__all__ = ["IN_FIELD", "field_worker_get", "field_worker_list", "journal_of", "posts_open_to"]

#: The statuses of a worker who reached the destination (and may have left since).
IN_FIELD = (Status.ARRIVED, Status.PLACED, Status.EXITED)


def field_worker_list(*, user: User, campaign: Campaign, status: str = "", query: str = "") -> QuerySet[PersonalFile]:
    """Workers in the field the user may see, with their current post and how many complaints they made."""
    rows = file_list(user=user, campaign=campaign).filter(status__in=[status] if status in IN_FIELD else IN_FIELD)
    if query:
        rows = rows.filter(Q(person_id__icontains=query) | Q(factory_id__icontains=query))
    return rows.annotate(complaints=Count("field_events", filter=Q(field_events__kind=EventKind.COMPLAINT))
                         ).prefetch_related(Prefetch("placements", queryset=Placement.objects.filter(
                             end__isnull=True).select_related("post__district"), to_attr="current"))


def field_worker_get(*, user: User, campaign: Campaign, person_id: str) -> PersonalFile:
    """One worker's file, if the user may see it (``PersonalFile.DoesNotExist`` otherwise)."""
    return file_get(user=user, campaign=campaign, person_id=person_id)


def journal_of(*, file: PersonalFile) -> dict[str, object]:
    """A visible file's service: placements (posts with dates), field events, arrival and dispatch."""
    return {
        "placements": list(Placement.objects.filter(file=file).select_related("post__district").order_by("start", "id")),
        "events": list(FieldEvent.objects.filter(file=file).select_related("post", "recorded_by").order_by("on", "id")),
        "arrival": getattr(file, "arrival", None) if hasattr(file, "arrival") else None,
        "dispatch": getattr(file, "dispatch", None) if hasattr(file, "dispatch") else None,
    }


def posts_open_to(*, user: User, file: PersonalFile) -> QuerySet[Post]:
    """Posts in the worker's destination (region or district) that the user sees, with room left first."""
    if file.destination is None:
        return Post.objects.none()
    return (post_list(user=user, campaign=file.campaign).filter(district__path__startswith=file.destination.path)
            .order_by("district__code", "kind", "name"))
