"""A file's page: the questionnaire, the reference, the engine's eligibility per criterion, the history,
and the decision form (whatever the ladder lets the user's bodies do with the file today)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.web.campaigns.selectors import campaign_list, rulebook_current
from cadre.web.errors import DomainError, Forbidden, Invalid
from cadre.web.files.forms import ASKED, CHOICES, LABELS, DecisionForm
from cadre.web.files.models import PersonalFile
from cadre.web.files.pages import refusal_lines, refused, status_of
from cadre.web.files.selectors_queue import file_criteria, file_moves, file_open
from cadre.web.files.selectors_volunteer import my_service
from cadre.web.files.services import file_decide
from cadre.web.files.services_pages import file_view_record
from cadre.web.files.views_queue import criteria_of


def _answers(file: PersonalFile) -> list[tuple[Any, str]]:
    out = []
    for name in ASKED:
        value = getattr(file, name)
        if isinstance(value, list):
            shown = ", ".join(str(CHOICES.get(v, v)) for v in value) or "—"
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif value is None or value == "":
            shown = "—"
        else:
            shown = str(CHOICES.get(value, value)) if isinstance(value, str) else str(value)
        out.append((LABELS[name], shown))
    return out


@login_required
def detail(request: HttpRequest, campaign: str, person_id: str) -> HttpResponse:
    """GET: the file (the read is audited); POST: a decision, refused with the engine's words if wrong."""
    found = get_object_or_404(campaign_list(), slug=campaign)
    try:
        file = file_open(user=request.user, campaign=found, person_id=person_id)
    except Forbidden as error:
        return refused(request, error, back=reverse("files:queue"))
    except PersonalFile.DoesNotExist as missing:
        raise Http404(_("no such file")) from missing
    file.campaign = found  # the same row: spares the audit and the page a second read
    version = rulebook_current(campaign=found)
    criteria = criteria_of(found, version)
    form = DecisionForm(request.POST or None, criteria=criteria)
    status = 200
    head, problems = "", []
    if request.method == "POST" and form.is_valid():
        action, as_role = form.move_parts()
        try:
            file_decide(actor=request.user, file=file, action=action, reason_code=form.cleaned_data["reason_code"],
                        reason=form.cleaned_data["reason"].strip(), as_role=as_role)
        except Forbidden as error:
            return refused(request, error, back=request.path)
        except DomainError as error:
            status = status_of(error)
            head, problems = refusal_lines(error)
            if isinstance(error, Invalid):
                form.add_error("reason_code", head)
        else:
            messages.success(request, _("Decision recorded: %(action)s.") % {"action": action.replace("_", " ")})
            return redirect(request.path)
        file.refresh_from_db()
    try:
        file_view_record(actor=request.user, file=file)
    except Forbidden as error:
        return refused(request, error, back=reverse("files:queue"))
    service = my_service(user=request.user, file=file, visible=True)  # file_open has just read it as this user
    if request.method == "POST":
        version = rulebook_current(campaign=found)  # a decision may have come under a newer one
    context = {"campaign": found, "file": file, "answers": _answers(file),
               "verdict": file_criteria(file=file, version=version),
               "decisions": service["decisions"], "references": service["references"],
               "moves": file_moves(user=request.user, file=file, as_of=timezone.now().date()), "form": form,
               "head": head, "problems": problems}
    return render(request, "files/detail.html", context, status=status)
