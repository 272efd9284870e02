"""Pages of the district office: the workers in the field and each worker's journal of service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cadre.web.accounts.permissions import Action, may
from cadre.web.errors import DomainError
from cadre.web.field.forms import EventForm, ExitForm, PlaceForm
from cadre.web.field.models import EventKind
from cadre.web.field.selectors_pages import (
    IN_FIELD,
    field_worker_get,
    field_worker_list,
    journal_of,
    posts_open_to,
)
from cadre.web.field.services import field_event_record, file_exit
from cadre.web.files.models import PersonalFile, Status
from cadre.web.placement.models import Post
from cadre.web.placement.pagekit import campaign_of, refusals, say


@refusals
def workers(request: HttpRequest) -> HttpResponse:
    """Workers who reached their destination: where they serve now, complaints, who has left."""
    campaign = campaign_of(request)
    status, query = request.GET.get("status", ""), request.GET.get("q", "").strip()
    rows = field_worker_list(user=request.user, campaign=campaign, status=status, query=query) if campaign else None
    return render(request, "field/workers.html", {
        "campaign": campaign, "workers": list(rows[:500]) if rows is not None else [],
        "count": rows.count() if rows is not None else 0, "status": status, "q": query,
        "statuses": [(s, Status(s).label) for s in IN_FIELD]})


def _post_choices(request: HttpRequest, file: PersonalFile) -> list[tuple[str, str]]:
    return [(str(p.pk), f"{p.district.code} · {p.name} · {p.get_kind_display()} ({p.held}/{p.capacity})")
            for p in posts_open_to(user=request.user, file=file)]


def _act(request: HttpRequest, file: PersonalFile, forms: dict[str, Any]) -> bool:
    """Apply the posted form through its service; True when it was recorded."""
    action = request.POST.get("do")
    if action == "place":
        form = forms["place"] = PlaceForm(request.POST, posts=_post_choices(request, file))
        if form.is_valid():
            post = posts_open_to(user=request.user, file=file).get(pk=int(form.cleaned_data["post"]))
            kind = EventKind.TRANSFER if file.status == Status.PLACED else EventKind.POST_CHANGE
            field_event_record(actor=request.user, file=file, kind=kind, on=form.cleaned_data["on"], post=post)
            messages.success(request, _("%(id)s now holds %(post)s") % {"id": file.person_id, "post": post.name})
            return True
    elif action == "event":
        form = forms["event"] = EventForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            field_event_record(actor=request.user, file=file, kind=data["kind"], on=data["on"], text=data["text"],
                               amount=data["amount"], addressee=data["addressee"])
            messages.success(request, _("Recorded in the journal"))
            return True
    elif action == "exit":
        form = forms["exit"] = ExitForm(request.POST)
        if form.is_valid():
            file_exit(actor=request.user, file=file, on=form.cleaned_data["on"], channel=form.cleaned_data["channel"],
                      text=form.cleaned_data["text"])
            messages.success(request, _("The worker's field service is closed"))
            return True
    return False


@refusals
def worker(request: HttpRequest, person_id: str) -> HttpResponse:
    """One worker's field journal: posts over time, salary, housing and supply, complaints, exit."""
    campaign = campaign_of(request)
    try:
        file = field_worker_get(user=request.user, campaign=campaign, person_id=person_id)
    except PersonalFile.DoesNotExist as missing:
        raise Http404(_("no such worker among those you may see")) from missing
    forms: dict[str, Any] = {"place": PlaceForm(posts=_post_choices(request, file)), "event": EventForm(),
                             "exit": ExitForm()}
    if request.method == "POST":
        try:
            if _act(request, file, forms):
                return redirect(request.get_full_path())
        except (DomainError, Post.DoesNotExist) as error:
            say(request, error if isinstance(error, DomainError) else DomainError(_("no such post here")))
    journal = journal_of(file=file)
    can_record = may(request.user, Action.FIELD_RECORD, file.destination) and file.status in (Status.ARRIVED,
                                                                                               Status.PLACED)
    return render(request, "field/worker.html", {"campaign": campaign, "file": file, **journal, **forms,
                                                 "can_record": can_record})
