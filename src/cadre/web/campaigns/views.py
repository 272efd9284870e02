"""The director's pages: campaigns, one campaign's overview, creating one from a template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cadre.web.campaigns.forms import CampaignCreateForm, DeadlineForm
from cadre.web.campaigns.selectors import campaign_list, control_figure_list, rulebook_current
from cadre.web.campaigns.selectors_pages import deadline_list
from cadre.web.campaigns.services import campaign_create_from_template
from cadre.web.errors import DomainError, Forbidden
from cadre.web.files.pages import problems_of, refused
from cadre.web.files.selectors import status_counts


@login_required
def campaign_index(request: HttpRequest) -> HttpResponse:
    """Every campaign, newest first."""
    return render(request, "campaigns/list.html", {"campaigns": campaign_list()})


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Create a campaign from a bundled template (its rulebook and, for 1929, the record's control figures)."""
    form = CampaignCreateForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create_from_template(actor=request.user, template=data["template"], slug=data["slug"],
                                                     name=data["name"], selection_opens_on=data["selection_opens_on"])
        except Forbidden as error:
            return refused(request, error, back=reverse("campaigns:list"))
        except DomainError as error:
            problems = problems_of(error)
        else:
            messages.success(request, _("Campaign %(name)s created.") % {"name": campaign.name})
            return redirect("campaigns:detail", slug=campaign.slug)
    return render(request, "campaigns/create.html", {"form": form, "problems": problems},
                  status=422 if problems or form.errors else 200)


@login_required
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A campaign at a glance: its rulebook version, calendar, control figures and where its files stand."""
    campaign = get_object_or_404(campaign_list(), slug=slug)
    figures = control_figure_list(campaign=campaign)
    by_region: dict[str, int] = {}
    for f in figures:
        by_region[f.region.code] = by_region.get(f.region.code, 0) + f.quota
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "rulebook": rulebook_current(campaign=campaign),
        "deadlines": deadline_list(campaign=campaign), "deadline_form": DeadlineForm(),
        "figures_total": sum(by_region.values()), "by_region": sorted(by_region.items(), key=lambda kv: -kv[1]),
        "counts": status_counts(user=request.user, campaign=campaign)})
