"""Posts, placements, the field journal and exits through the API (placement and field services)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as Reply

from cadre.web.api.common import MAX_PAGE, campaign_of, page_of
from cadre.web.api.problems import ERRORS, ProblemError
from cadre.web.api.schemas import ExitIn, FieldEventIn, FieldEventOut, Page, PlacementOut, PostOut
from cadre.web.field.models import EventKind, FieldEvent
from cadre.web.field.selectors import field_event_list
from cadre.web.field.services import field_event_record, file_exit
from cadre.web.files.selectors import file_get
from cadre.web.placement.models import Placement, Post
from cadre.web.placement.selectors import placement_list, post_list

router = Router(tags=["field"])


def event_out(e: FieldEvent) -> dict[str, Any]:
    return {"id": e.pk, "person_id": e.file.person_id, "kind": e.kind, "on": e.on, "channel": e.channel,
            "post_id": e.post_id, "amount": e.amount, "addressee": e.addressee, "text": e.text,
            "recorded_at": e.recorded_at}


@router.get("/campaigns/{slug}/posts", response={200: Page[PostOut], **ERRORS}, summary="List posts")
def posts(request: HttpRequest, slug: str, page: int = Query(1, ge=1),
          page_size: int = Query(50, ge=1, le=MAX_PAGE)) -> Any:
    """Posts in the user's units, with how many hold each now."""
    rows = post_list(user=request.auth, campaign=campaign_of(slug)).order_by("district__code", "name", "pk")

    def out(p: Post) -> dict[str, Any]:
        return {"id": p.pk, "name": p.name, "kind": p.kind, "district": p.district.code, "capacity": p.capacity,
                "held": p.held, "farm_type": p.farm_type}

    return page_of(rows, page, page_size, out)


@router.get("/campaigns/{slug}/placements", response={200: Page[PlacementOut], **ERRORS}, summary="List placements")
def placements(request: HttpRequest, slug: str, current: bool = True, page: int = Query(1, ge=1),
               page_size: int = Query(50, ge=1, le=MAX_PAGE)) -> Any:
    """Placements of the files the user may see (the posts held now, or every one with ``current=false``)."""
    rows = placement_list(user=request.auth, campaign=campaign_of(slug), current=current).select_related(
        "file", "post").order_by("file__person_id", "start", "pk")

    def out(p: Placement) -> dict[str, Any]:
        return {"id": p.pk, "person_id": p.file.person_id, "post_id": p.post_id, "post": p.post.name,
                "start": p.start, "end": p.end, "explanation": p.explanation}

    return page_of(rows, page, page_size, out)


@router.get("/campaigns/{slug}/field-events", response={200: Page[FieldEventOut], **ERRORS},
            summary="List field events")
def field_events(request: HttpRequest, slug: str, kind: EventKind | None = None, page: int = Query(1, ge=1),
                 page_size: int = Query(50, ge=1, le=MAX_PAGE)) -> Any:
    """The field journal of the files the user may see, by date."""
    rows = field_event_list(user=request.auth, campaign_id=campaign_of(slug).pk, kind=kind or "").select_related(
        "file").order_by("on", "pk")
    return page_of(rows, page, page_size, event_out)


@router.post("/campaigns/{slug}/files/{person_id}/field-events", response={201: FieldEventOut, **ERRORS},
             summary="Record a field event")
def field_event(request: HttpRequest, slug: str, person_id: str, payload: FieldEventIn) -> Any:
    """Record an event of a worker's field service (a post change moves them to ``post_id``)."""
    campaign = campaign_of(slug)
    f = file_get(user=request.auth, campaign=campaign, person_id=person_id)
    post = None
    if payload.post_id is not None:
        post = post_list(user=request.auth, campaign=campaign).filter(pk=payload.post_id).first()
        if post is None:
            raise ProblemError(422, _("no such post"), [(["body", "post_id"], _("no post %(id)s in your units")
                                                         % {"id": payload.post_id})])
    event = field_event_record(actor=request.auth, file=f, kind=payload.kind, on=payload.on, text=payload.text,
                               post=post, amount=payload.amount, addressee=payload.addressee)
    return Reply(201, event_out(event))


@router.post("/campaigns/{slug}/files/{person_id}/exit", response={201: FieldEventOut, **ERRORS},
             summary="Record an exit")
def exit_record(request: HttpRequest, slug: str, person_id: str, payload: ExitIn) -> Any:
    """Close a worker's field service with its exit channel."""
    f = file_get(user=request.auth, campaign=campaign_of(slug), person_id=person_id)
    event = file_exit(actor=request.auth, file=f, on=payload.on, channel=payload.channel, text=payload.text)
    return Reply(201, event_out(event))
