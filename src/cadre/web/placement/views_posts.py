"""Pages of the receiving offices: posts in the districts, arrivals, and the engine's placement run."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cadre.web.accounts.models import UnitKind
from cadre.web.accounts.permissions import Action, holds
from cadre.web.accounts.selectors import unit_get
from cadre.web.errors import DomainError
from cadre.web.jobs.services import job_submit
from cadre.web.placement.bulk import arrival_record_bulk
from cadre.web.placement.forms import ArrivalForm, PlacementRunForm, PostForm
from cadre.web.placement.models import Post, PostKind
from cadre.web.placement.pagekit import campaign_of, refusals, say
from cadre.web.placement.posts import post_create, post_update
from cadre.web.placement.selectors import placement_list, post_list
from cadre.web.placement.selectors_pages import arrivals_due, assignment_summary, unit_choices
from cadre.web.placement.views import _back, job_of

_KIND_LABELS = dict(PostKind.choices)


@refusals
def posts(request: HttpRequest) -> HttpResponse:
    """Posts in the user's districts, what the optimizer assigned per district and kind, a new post."""
    campaign = campaign_of(request)
    districts = unit_choices(user=request.user, action=Action.PLACEMENT_RUN, kinds=(UnitKind.DISTRICT,))
    form = PostForm(request.POST or None, districts=districts)
    if request.method == "POST" and campaign is not None and form.is_valid():
        data = form.cleaned_data
        try:
            post = post_create(actor=request.user, campaign=campaign, district=unit_get(code=data["district"]),
                               kind=data["kind"], name=data["name"], capacity=data["capacity"],
                               farm_type=data["farm_type"])
            messages.success(request, _("Post %(name)s opened") % {"name": post.name})
            return _back("placement:posts", request)
        except DomainError as error:
            say(request, error)
    run_units = unit_choices(user=request.user, action=Action.PLACEMENT_RUN, kinds=(UnitKind.REGION, UnitKind.DISTRICT))
    rows = post_list(user=request.user, campaign=campaign).order_by("district__code", "kind", "name") if campaign else []
    summary = assignment_summary(user=request.user, campaign=campaign) if campaign else []
    for row in summary:
        row["label"] = _KIND_LABELS.get(row["kind"], row["kind"])
    return render(request, "placement/posts.html", {
        "campaign": campaign, "posts": rows[:500] if rows else [], "count": len(rows) if rows else 0,
        "summary": summary, "form": form, "run_form": PlacementRunForm(units=run_units),
        "can_edit": bool(districts) and holds(request.user, Action.PLACEMENT_RUN), "job": job_of(request)})


@refusals
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Rename a post or change its room (through the audited service)."""
    campaign = campaign_of(request)
    try:
        post = post_list(user=request.user, campaign=campaign).get(pk=post_id)
    except Post.DoesNotExist as missing:
        raise Http404(_("no such post in your districts")) from missing
    form = PostForm(request.POST or None, editing=True,
                    initial={"name": post.name, "capacity": post.capacity, "farm_type": post.farm_type})
    if request.method == "POST" and form.is_valid():
        try:
            post_update(actor=request.user, post=post, name=form.cleaned_data["name"],
                        capacity=form.cleaned_data["capacity"], farm_type=form.cleaned_data["farm_type"])
            messages.success(request, _("Post %(name)s saved") % {"name": form.cleaned_data["name"]})
            return _back("placement:posts", request)
        except DomainError as error:
            say(request, error)
    holders = placement_list(user=request.user, campaign=post.campaign).filter(post=post).select_related("file")
    return render(request, "placement/post_edit.html", {"post": post, "form": form, "holders": holders,
                                                        "campaign": campaign})


@refusals
def placement_start(request: HttpRequest) -> HttpResponse:
    """Run the engine's placement over the arrived workers of a region or district, as a job."""
    campaign = campaign_of(request)
    units = unit_choices(user=request.user, action=Action.PLACEMENT_RUN, kinds=(UnitKind.REGION, UnitKind.DISTRICT))
    form = PlacementRunForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid() and campaign is not None:
        try:
            job = job_submit(actor=request.user, kind="placement", campaign=campaign,
                             params={"region": form.cleaned_data["region"],
                                     "start": form.cleaned_data["start"].isoformat()})
            return _back("placement:posts", request, job=job.pk)
        except DomainError as error:
            say(request, error)
    elif request.method == "POST":
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    return _back("placement:posts", request)


@refusals
def arrivals(request: HttpRequest) -> HttpResponse:
    """Workers on their way to the user's regions and districts: record arrivals, one or many."""
    campaign = campaign_of(request)
    units = unit_choices(user=request.user, action=Action.ARRIVAL_RECORD, kinds=(UnitKind.REGION, UnitKind.DISTRICT))
    form = ArrivalForm(request.POST or None, units=units)
    due = arrivals_due(user=request.user, campaign=campaign) if campaign else None
    if request.method == "POST" and due is not None and form.is_valid():
        files = list(due.filter(person_id__in=request.POST.getlist("file")))
        unit = unit_get(code=form.cleaned_data["unit"]) if form.cleaned_data["unit"] else None
        try:
            n = arrival_record_bulk(actor=request.user, files=files, arrived_on=form.cleaned_data["on"], unit=unit)
            messages.success(request, _("%(n)s arrivals recorded") % {"n": n})
            return _back("placement:arrivals", request)
        except DomainError as error:
            say(request, error)
    return render(request, "placement/arrivals.html", {
        "campaign": campaign, "due": list(due[:1000]) if due is not None else [], "form": form,
        "can_record": holds(request.user, Action.ARRIVAL_RECORD)})
