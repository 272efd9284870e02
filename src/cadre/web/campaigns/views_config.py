"""The director's configuration pages: control figures (with push-down), the rulebook, the calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cadre.engine.schema import UNIONS_1929
from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.campaigns.forms import DeadlineForm, RulebookForm
from cadre.web.campaigns.selectors import campaign_list, rulebook_current
from cadre.web.campaigns.selectors_pages import figure_grid, rulebook_versions
from cadre.web.campaigns.services import (
    control_figure_set,
    control_figures_push_down,
    deadline_set,
    rulebook_version_create,
)
from cadre.web.errors import DomainError, Forbidden
from cadre.web.files.pages import problems_of, refused


@login_required
def figures(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the region x union grid; POST: save the changed cells (each through ``control_figure_set``)."""
    campaign = get_object_or_404(campaign_list(), slug=slug)
    grid = figure_grid(campaign=campaign, unions=UNIONS_1929)
    problems: list[str] = []
    if request.method == "POST":
        changed = 0
        for row in grid:
            for union, quota in row["cells"]:
                raw = request.POST.get(f"q-{row['region'].code}-{union}", "").strip()
                if (raw == "" and quota is None) or raw == str(quota):
                    continue
                try:
                    value = int(raw or 0)
                    control_figure_set(actor=request.user, campaign=campaign, region=row["region"], union=union,
                                       quota=value)
                    changed += 1
                except ValueError:
                    problems.append(_("%(region)s, %(union)s: %(raw)r is not a whole number") % {
                        "region": row["region"].code, "union": union, "raw": raw})
                except Forbidden as error:
                    return refused(request, error, back=request.path)
                except DomainError as error:
                    problems += [f"{row['region'].code}, {union}: {p}" for p in problems_of(error)]
        if not problems:
            messages.success(request, _("%(n)d control figures saved.") % {"n": changed})
            return redirect(request.path)
        grid = figure_grid(campaign=campaign, unions=UNIONS_1929)
    return render(request, "campaigns/figures.html", {"campaign": campaign, "grid": grid, "unions": UNIONS_1929,
                                                      "problems": problems}, status=422 if problems else 200)


@login_required
@require_POST
def push_down(request: HttpRequest, slug: str) -> HttpResponse:
    """Push one region's control figures down to its factories."""
    campaign = get_object_or_404(campaign_list(), slug=slug)
    region = get_object_or_404(OrgUnit, kind=UnitKind.REGION, code=request.POST.get("region", ""))
    try:
        rows = control_figures_push_down(actor=request.user, campaign=campaign, region=region)
    except DomainError as error:
        return refused(request, error, back=reverse("campaigns:figures", args=[slug]))
    messages.success(request, _("%(region)s: quotas set for %(n)d factories.") % {"region": region.name, "n": len(rows)})
    return redirect("campaigns:figures", slug=slug)


@login_required
def rulebook(request: HttpRequest, slug: str) -> HttpResponse:
    """The current rulebook with its version; POST saves the edited text as a new version (old decisions keep theirs)."""
    campaign = get_object_or_404(campaign_list(), slug=slug)
    current = rulebook_current(campaign=campaign)
    form = RulebookForm(request.POST or None, initial={"text": current.text})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = rulebook_version_create(actor=request.user, campaign=campaign, text=form.cleaned_data["text"])
        except Forbidden as error:
            return refused(request, error, back=request.path)
        except DomainError as error:
            problems = [line for p in problems_of(error) for line in p.splitlines() if line.strip()]
        else:
            messages.success(request, _("Rulebook version %(n)d saved; new decisions are taken under it.") % {
                "n": version.number})
            return redirect(request.path)
    return render(request, "campaigns/rulebook.html", {
        "campaign": campaign, "current": current, "versions": rulebook_versions(campaign=campaign), "form": form,
        "problems": problems, "editing": request.method == "POST" or request.GET.get("edit") == "1"},
        status=422 if problems else 200)


@login_required
@require_POST
def deadline(request: HttpRequest, slug: str) -> HttpResponse:
    """Set or move one deadline of the campaign's calendar."""
    campaign = get_object_or_404(campaign_list(), slug=slug)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("campaigns:detail", slug=slug)
    try:
        deadline_set(actor=request.user, campaign=campaign, **form.cleaned_data)
    except DomainError as error:
        return refused(request, error, back=reverse("campaigns:detail", args=[slug]))
    messages.success(request, _("Deadline saved."))
    return redirect("campaigns:detail", slug=slug)
