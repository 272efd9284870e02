"""The review queue: the files before the user's bodies, filters, pages, one decision for many (htmx)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre.engine.schema import UNIONS_1929
from cadre.web.bridge import schema as bridge_schema
from cadre.web.campaigns.models import Campaign, RulebookVersion
from cadre.web.campaigns.selectors import campaign_list, rulebook_current
from cadre.web.errors import DomainError
from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.forms import BulkDecisionForm
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.pages import campaign_of, problems_of, refusal_lines
from cadre.web.files.selectors_queue import file_moves, queue_counts, queue_eligibility, queue_list
from cadre.web.files.services import file_decide
from cadre.web.files.templatetags.screening import status_label

PAGE_SIZE = 25
_FILTERS = ("status", "union", "factory", "eligibility", "q")


def criteria_of(campaign: Campaign, version: RulebookVersion | None = None) -> list[tuple[str, str]]:
    """(code, label) of the current rulebook's criteria (``version``, when read already), for the reason menus."""
    version = version or rulebook_current(campaign=campaign)
    book = bridge_schema.rulebook_parse(version.text, source=version.ref)
    return [(c.code, c.label) for c in book.criteria if not c.historical or campaign.historical]


def _row_words() -> dict[str, str]:
    """The words every row repeats, in the reader's language (translated once per language, not per row)."""
    language = get_language()
    if language not in _ROW_WORDS:
        _ROW_WORDS[language] = {"decided": _("decided"), "eligible": _("eligible"), "approve": _("Approve"),
                                "open": _("Open")}
    return _ROW_WORDS[language]


_ROW_WORDS: dict[str, dict[str, str]] = {}


def _detail_url(slug: str, person_id: str) -> str:
    """A file page's path: the URL pattern reversed once per campaign, the number quoted as reverse() would."""
    if slug not in _DETAIL:
        _DETAIL[slug] = reverse("files:detail", args=[slug, "0"]).removesuffix("0/")
    return f"{_DETAIL[slug]}{quote(person_id, safe=_SAFE)}/"


_DETAIL: dict[str, str] = {}
_SAFE = "!$&'()*+,;=~:@"  # reverse() keeps RFC 3986's sub-delimiters and these unquoted


def row_of(file: PersonalFile, failing: list[str], *, can_approve: bool, problem: str = "",
           moved: bool = False) -> dict[str, Any]:
    """One row of the queue, its words and links made here once (a page has 25 rows to render)."""
    detail = _detail_url(file.campaign.slug, file.person_id)
    owner = file.owner
    return {"file": file, "failing": failing, "failing_text": ", ".join(failing), "can_approve": can_approve,
            "words": _row_words(), "fails": ngettext("fails %(n)s criterion", "fails %(n)s criteria", len(failing))
            % {"n": len(failing)} if failing else "",
            "problem": problem, "moved": moved, "url": detail, "approve_url": f"{detail}approve/",
            "owner": (owner.get_full_name() or owner.get_username()) if owner else "",
            "status": status_label(file.status), "declared": file.declared_on.isoformat() if file.declared_on else ""}


def _queue(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    params = {k: request.GET.get(k, "").strip() for k in _FILTERS}
    version = rulebook_current(campaign=campaign)
    rows = queue_list(user=request.user, campaign=campaign, status=params["status"], union=params["union"],
                      factory=params["factory"], search=params["q"])
    if params["eligibility"] in ("eligible", "failing"):
        failing = queue_eligibility(campaign=campaign, files=list(rows), version=version)
        wanted = [pid for pid, codes in failing.items() if bool(codes) == (params["eligibility"] == "failing")]
        rows = rows.filter(person_id__in=wanted)
    counts = queue_counts(user=request.user, campaign=campaign)
    paginator = Paginator(rows, PAGE_SIZE)
    if not any(params.values()):  # the whole queue: its size is the sum of the counters, not one more count
        paginator.count = sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    files = list(page.object_list)
    for f in files:
        f.campaign = campaign  # the rows' ladder and rulebook are the campaign's: one object, not one per row
    eligibility = queue_eligibility(campaign=campaign, files=files, version=version) if files else {}
    today = timezone.now().date()
    items = [row_of(f, eligibility.get(f.person_id, []), can_approve=any(
        a == "approve" for _r, a in file_moves(user=request.user, file=f, as_of=today))) for f in files]
    query = request.GET.copy()
    query.pop("page", None)
    return {"campaign": campaign, "page": page, "items": items, "params": params, "query": query.urlencode(),
            "counts": counts, "unions": UNIONS_1929,
            "statuses": Status, "criteria": criteria_of(campaign, version)}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The queue page; an htmx request (filters, pages) gets only the table region."""
    campaign = campaign_of(request)
    if campaign is None:
        return render(request, "files/queue.html", {"campaign": None})
    context = _queue(request, campaign)
    template = "files/_queue_region.html" if request.htmx and not request.htmx.boosted else "files/queue.html"
    return render(request, template, context)


@login_required
def queue_counts_view(request: HttpRequest) -> HttpResponse:
    """The counters of the queue (re-read after every decision)."""
    campaign = campaign_of(request)
    counts = queue_counts(user=request.user, campaign=campaign) if campaign else {}
    return render(request, "files/_queue_counts.html", {"counts": counts, "campaign": campaign})


@login_required
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """One decision for the ticked files: all of them move, or none does and every refusal is listed."""
    campaign = campaign_of(request)
    ids = request.POST.getlist("files")
    form = BulkDecisionForm(request.POST, person_ids=ids, criteria=criteria_of(campaign) if campaign else [])
    problems: list[str] = []
    done = ""
    if campaign is None:
        problems = [_("no campaign")]
    elif not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
    else:
        data = form.cleaned_data
        try:
            decided = file_decide_bulk(actor=request.user, campaign=campaign, person_ids=data["files"],
                                       action=data["action"], reason_code=data["reason_code"],
                                       reason=data["reason"].strip())
        except DomainError as error:
            head, items = refusal_lines(error)
            problems = [head, *items]
        else:
            done = _("%(n)d files decided: %(action)s.") % {"n": len(decided), "action": data["action"]}
    request.GET = request.GET.copy()
    request.GET.update({k: v for k, v in request.POST.items() if k in _FILTERS})
    context = _queue(request, campaign) if campaign else {"campaign": None}
    context.update(problems=problems, done=done, ticked=set(ids) if problems else set())
    response = render(request, "files/_queue_region.html", context)
    if done:
        response["HX-Trigger"] = "queueChanged"
    return response


@login_required
@require_POST
def queue_approve(request: HttpRequest, campaign: str, person_id: str) -> HttpResponse:
    """Approve one file from its row; the row comes back in its new state, or with the refusal."""
    found = get_object_or_404(campaign_list(), slug=campaign)
    try:
        file = queue_list(user=request.user, campaign=found).get(person_id=person_id)
    except PersonalFile.DoesNotExist as missing:
        raise Http404(_("this file is not in your queue")) from missing
    file.campaign = found
    problem = ""
    try:
        file_decide(actor=request.user, file=file, action="approve")
    except DomainError as error:
        problem = "; ".join(problems_of(error))
    file.refresh_from_db()
    response = render(request, "files/_queue_row.html", {
        "item": row_of(file, [], can_approve=False, problem=problem, moved=not problem),
        "campaign": found})
    if not problem:
        response["HX-Trigger"] = "queueChanged"
    return response
