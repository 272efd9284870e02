"""Import pages: upload a list, see every problem and a sample BEFORE anything is written, then import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre.web.campaigns.models import Campaign
from cadre.web.campaigns.selectors import campaign_list
from cadre.web.errors import DomainError, Forbidden
from cadre.web.imports.checks import POST_COLUMNS
from cadre.web.imports.models import ImportBatch, ImportStatus
from cadre.web.imports.selectors import batch_get, batch_list, kinds_allowed
from cadre.web.imports.services import MAX_BYTES, import_preview, import_submit
from cadre.web.jobs.models import JobStatus

#: How many problems the preview lists on the page (all of them are counted; the rest are summarized).
SHOWN = 1000


def _refused(request: HttpRequest, error: DomainError, status: int) -> HttpResponse:
    return render(request, "imports/refused.html", {"error": error, "back": request.path}, status=status)


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The upload form and the user's recent uploads; POST checks the file and shows its preview."""
    kinds = kinds_allowed(user=request.user)
    if not kinds:
        return _refused(request, Forbidden(_("importing lists needs the campaign director's role (volunteer lists) "
                                             "or the placement agency's (posts)")), 403)
    campaigns = campaign_list()
    form: dict[str, Any] = {"campaign": request.POST.get("campaign", ""), "kind": request.POST.get("kind", kinds[0])}
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        campaign = Campaign.objects.filter(slug=form["campaign"]).first()
        if campaign is None:
            errors.append(_("choose the campaign to import into"))
        if upload is None:
            errors.append(_("choose a file (CSV or Excel)"))
        elif upload.size and upload.size > MAX_BYTES:
            errors.append(_("the file is larger than %(mb)d MB: split it") % {"mb": MAX_BYTES // 2**20})
        if not errors:
            try:
                batch = import_preview(actor=request.user, campaign=campaign, kind=form["kind"], filename=upload.name,
                                       data=upload.read())
            except Forbidden as error:
                return _refused(request, error, 403)
            except DomainError as error:
                errors = getattr(error, "problems", None) or [error.reason]
            else:
                return redirect("imports:preview", batch_id=batch.pk)
    return render(request, "imports/start.html", {
        "kinds": kinds, "campaigns": campaigns, "form": form, "errors": errors, "post_columns": POST_COLUMNS,
        "recent": batch_list(user=request.user)[:15]}, status=422 if errors else 200)


@login_required
def preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Every problem at its row and column, a sample of the clean rows, and the import button."""
    try:
        batch = batch_get(user=request.user, batch_id=batch_id)
    except ImportBatch.DoesNotExist as missing:
        raise Http404(_("no such upload of yours")) from missing
    done = batch_list(user=request.user).filter(key=batch.key, status=ImportStatus.IMPORTED).exclude(pk=batch.pk).first()
    running = batch.job is not None and batch.job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    columns = list(batch.sample[0]) if batch.sample else []
    return render(request, "imports/preview.html", {
        "batch": batch, "problems": batch.problems[:SHOWN], "hidden": max(0, len(batch.problems) - SHOWN),
        "columns": columns, "sample": [[row.get(c) for c in columns] for row in batch.sample],
        "done_before": done, "running": running,
        "importable": not batch.problems and batch.status == ImportStatus.PREVIEWED and done is None and not running})


@login_required
@require_POST
def run(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Import a previewed upload (inline, or as a job the preview page follows)."""
    try:
        batch = batch_get(user=request.user, batch_id=batch_id)
    except ImportBatch.DoesNotExist as missing:
        raise Http404(_("no such upload of yours")) from missing
    try:
        job = import_submit(actor=request.user, batch=batch)
    except Forbidden as error:
        return _refused(request, error, 403)
    except DomainError as error:
        messages.error(request, error.reason)
        return redirect("imports:preview", batch_id=batch.pk)
    if job.status == JobStatus.FAILED:
        messages.error(request, _("Nothing was imported: %(why)s") % {"why": job.error})
    elif job.status == JobStatus.DONE:
        result = job.result or {}
        if result.get("files"):
            text = _("Imported %(n)d personal files from %(name)s; they wait at tier 1 (the party cell).")
        else:
            text = _("Imported %(n)d posts from %(name)s.")
        messages.success(request, text % {"n": result.get("files") or result.get("posts", 0), "name": batch.filename})
    return redirect("imports:preview", batch_id=batch.pk)
