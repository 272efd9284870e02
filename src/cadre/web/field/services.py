"""Writes of the field app: the journal of field service, transfers and exits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cadre.web.accounts.permissions import Action, require
from cadre.web.audit.services import audit_record, snapshot
from cadre.web.errors import IllegalMove, Invalid
from cadre.web.field.models import Channel, EventKind, FieldEvent
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.workflow import Move, lifecycle_apply
from cadre.web.placement.models import Placement, Post

__all__ = ["field_event_record", "file_exit"]

_IN_FIELD = (Status.ARRIVED, Status.PLACED)


def _locked(actor: Any, file: PersonalFile) -> PersonalFile:
    locked = PersonalFile.objects.select_for_update(of=("self",)).select_related("destination", "campaign").get(pk=file.pk)
    require(actor, Action.FIELD_RECORD, locked.destination, what=_("field service"))
    return locked


def field_event_record(*, actor: Any, file: PersonalFile, kind: str, on: date, text: str = "",
                       post: Post | None = None, amount: Decimal | None = None, addressee: str = "") -> FieldEvent:
    """Record an event of field service. A post change or transfer moves the worker to ``post``.

    Exits are not recorded here but by :func:`file_exit`, which also closes the file's service.
    """
    with transaction.atomic():
        locked = _locked(actor, file)
        if kind not in EventKind.values or kind == EventKind.EXIT:
            raise Invalid(_("unknown event kind %(kind)s (exits go through file_exit)") % {"kind": kind})
        if locked.status not in _IN_FIELD:
            raise IllegalMove(_("file %(id)s is %(status)s: it is not in the field") % {
                "id": locked.person_id, "status": locked.status})
        before = {"status": locked.status}
        if kind in (EventKind.POST_CHANGE, EventKind.TRANSFER):
            if post is None:
                raise Invalid(_("a post change names the new post"))
            _move_post(locked, post, on)
        if kind == EventKind.SALARY_PAID and (amount is None or amount < 0):
            raise Invalid(_("a salary payment needs a non-negative amount"))
        event = FieldEvent.objects.create(file=locked, kind=kind, on=on, post=post, amount=amount,
                                          addressee=addressee, text=text, recorded_by=actor)
        audit_record(actor=actor, action=f"field_{kind}", obj=event, campaign=locked.campaign, before=before,
                     after={**snapshot(event), "file_status": locked.status})
        return event


def _move_post(file: PersonalFile, post: Post, on: date) -> None:
    if file.destination is None or not file.destination.contains(post.district):
        raise Invalid(_("the new post is outside the worker's destination region"))
    current = Placement.objects.select_for_update(of=("self",)).filter(file=file, end__isnull=True).first()
    if current is not None:
        if on < current.start:
            raise Invalid(_("a transfer cannot precede the current post's start"))
        current.end = on
        current.save(update_fields=["end"])
        lifecycle_apply(file, Move.TRANSFER)
    else:
        lifecycle_apply(file, Move.PLACE)
    file.save(update_fields=["status", "updated_at"])
    Placement.objects.create(file=file, post=post, start=on, explanation=_("transfer"))


def file_exit(*, actor: Any, file: PersonalFile, on: date, channel: str, text: str = "") -> FieldEvent:
    """Close a worker's field service: the exit event with its channel, the open post ended."""
    with transaction.atomic():
        locked = _locked(actor, file)
        if channel not in Channel.values:
            raise Invalid(_("unknown exit channel %(c)s (one of %(all)s)") % {"c": channel, "all": ", ".join(Channel.values)})
        before = locked.status
        lifecycle_apply(locked, Move.EXIT)
        locked.save(update_fields=["status", "updated_at"])
        Placement.objects.filter(file=locked, end__isnull=True).update(end=on)
        event = FieldEvent.objects.create(file=locked, kind=EventKind.EXIT, on=on, channel=channel, text=text,
                                          recorded_by=actor)
        audit_record(actor=actor, action="file_exit", obj=locked, campaign=locked.campaign,
                     before={"status": before}, after={"status": locked.status, "channel": channel, "on": on})
        return event
