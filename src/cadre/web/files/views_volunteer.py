"""The volunteer's own page: the declaration, the reference, the file's status and history, appeal and withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre.web.errors import DomainError
from cadre.web.files.forms import QuestionnaireForm, ReferenceUploadForm, problems_at
from cadre.web.files.pages import campaign_of, problems_of, refused
from cadre.web.files.selectors_queue import volunteer_moves
from cadre.web.files.selectors_volunteer import my_factories, my_file, my_service
from cadre.web.files.services import file_decide, file_declare
from cadre.web.files.services_pages import reference_upload


def _mine_url(campaign_slug: str) -> str:
    return f"{reverse('files:mine')}?campaign={campaign_slug}"


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """GET: the file (or the questionnaire if none yet); POST: declare, validated by the engine at each field."""
    campaign = campaign_of(request)
    context: dict = {"campaign": campaign}
    if campaign is None:
        return render(request, "files/mine.html", context)
    file = my_file(user=request.user, campaign=campaign)
    if file is not None:
        context.update(file=file, upload=ReferenceUploadForm(), moves=volunteer_moves(
            user=request.user, file=file, as_of=timezone.now().date()), **my_service(user=request.user, file=file))
        return render(request, "files/mine.html", context)
    factories = my_factories(user=request.user)
    choices = [(f.code, f"{f.name} ({f.code})") for f in factories]
    form = QuestionnaireForm(request.POST or None, factories=choices)
    loose: list[str] = []
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data.get("factory") or (factories[0].code if factories else "")
        factory = next((f for f in factories if f.code == code), None)
        if factory is None:
            loose = [_("you hold no volunteer role at a factory: ask your factory committee to register you")]
        else:
            try:
                file_declare(actor=request.user, campaign=campaign, factory=factory, answers=form.answers())
            except DomainError as error:
                loose = problems_at(form, problems_of(error))
            else:
                messages.success(request, _("Your declaration is submitted to the party cell of your factory."))
                return redirect(_mine_url(campaign.slug))
    context.update(form=form, loose=loose, factories=factories)
    return render(request, "files/mine.html", context, status=422 if form.errors or loose else 200)


@login_required
@require_POST
def mine_reference(request: HttpRequest) -> HttpResponse:
    """Upload the reference to the user's own file."""
    campaign = campaign_of(request)
    file = my_file(user=request.user, campaign=campaign) if campaign else None
    form = ReferenceUploadForm(request.POST, request.FILES)
    if file is None or not form.is_valid():
        messages.error(request, _("Choose a plain-text file with your reference."))
        return redirect(_mine_url(campaign.slug if campaign else ""))
    upload = form.cleaned_data["reference"]
    try:
        reference_upload(actor=request.user, file=file, name=upload.name, content=upload.read())
    except DomainError as error:
        messages.error(request, "; ".join(problems_of(error)))
    else:
        messages.success(request, _("Your reference is attached to your file."))
    return redirect(_mine_url(campaign.slug))


@login_required
@require_POST
def mine_move(request: HttpRequest) -> HttpResponse:
    """Appeal a rejection or withdraw, as the ladder allows the volunteer."""
    campaign = campaign_of(request)
    file = my_file(user=request.user, campaign=campaign) if campaign else None
    if file is None:
        return redirect(reverse("files:mine"))
    action = request.POST.get("action", "")
    if action not in ("appeal", "withdraw"):
        messages.error(request, _("Unknown request."))
        return redirect(_mine_url(campaign.slug))
    try:
        file_decide(actor=request.user, file=file, action=action, reason=request.POST.get("reason", "").strip())
    except DomainError as error:
        return refused(request, error, back=_mine_url(campaign.slug))
    messages.success(request, _("Your appeal is lodged.") if action == "appeal" else _("Your file is withdrawn."))
    return redirect(_mine_url(campaign.slug))
