"""Pages of the course organizer: cohorts, enrollment of selected workers, completion and waivers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cadre.web.accounts.models import UnitKind
from cadre.web.accounts.permissions import Action, holds
from cadre.web.accounts.selectors import unit_get
from cadre.web.courses.forms import CohortForm, CompleteForm, WaiveForm
from cadre.web.courses.models import Cohort, Enrollment
from cadre.web.courses.selectors import cohort_get, cohort_list, enrollable_files, enrollment_list
from cadre.web.courses.services import cohort_create, enrollment_complete, enrollment_create, enrollment_waive
from cadre.web.errors import DomainError
from cadre.web.placement.pagekit import campaign_of, refusals, say
from cadre.web.placement.selectors_pages import unit_choices


@refusals
def cohorts(request: HttpRequest) -> HttpResponse:
    """The campaign's cohorts and a form for a new one."""
    campaign = campaign_of(request)
    units = unit_choices(user=request.user, action=Action.COURSE_MANAGE, kinds=(UnitKind.CENTER, UnitKind.REGION))
    form = CohortForm(request.POST or None, units=units)
    if request.method == "POST" and campaign is not None and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = cohort_create(actor=request.user, campaign=campaign, organizer=unit_get(code=data["organizer"]),
                                   name=data["name"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                                   capacity=data["capacity"])
            messages.success(request, _("Cohort %(name)s opened") % {"name": cohort.name})
            return redirect(reverse("courses:cohort", args=[cohort.pk]) + f"?campaign={campaign.slug}")
        except DomainError as error:
            say(request, error)
    rows = cohort_list(user=request.user, campaign=campaign).select_related("organizer") if campaign else []
    waiting = enrollable_files(user=request.user, campaign=campaign).count() if campaign else 0
    return render(request, "courses/cohorts.html", {
        "campaign": campaign, "cohorts": rows, "form": form, "waiting": waiting,
        "can_manage": bool(units) and holds(request.user, Action.COURSE_MANAGE)})


def _enrollment(request: HttpRequest, cohort: Cohort) -> Enrollment:
    try:
        return enrollment_list(user=request.user, cohort=cohort).get(pk=int(request.POST.get("enrollment", "")))
    except (ValueError, Enrollment.DoesNotExist) as missing:
        raise Http404(_("no such enrollment in this cohort")) from missing


@refusals
def cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """One cohort: its enrollments (attendance, completion, waiver) and the selected workers to enroll."""
    campaign = campaign_of(request)
    try:
        row = cohort_get(user=request.user, campaign=campaign, cohort_id=cohort_id)
    except Cohort.DoesNotExist as missing:
        raise Http404(_("no such cohort")) from missing
    complete, waive = CompleteForm(initial={"completed_on": row.ends_on}), WaiveForm()
    if request.method == "POST":
        action = request.POST.get("do")
        try:
            if action == "enroll":
                ids = request.POST.getlist("file")
                files = list(enrollable_files(user=request.user, campaign=campaign).filter(person_id__in=ids))
                if not files:
                    messages.error(request, _("tick at least one selected worker to enroll"))
                for file in files:
                    enrollment_create(actor=request.user, cohort=row, file=file)
                if files:
                    messages.success(request, _("%(n)s workers enrolled") % {"n": len(files)})
            elif action == "complete":
                complete = CompleteForm(request.POST)
                if complete.is_valid():
                    enrollment_complete(actor=request.user, enrollment=_enrollment(request, row), **complete.cleaned_data)
                    messages.success(request, _("Course completed: the worker is trained and may be dispatched"))
            elif action == "waive":
                waive = WaiveForm(request.POST)
                if waive.is_valid():
                    enrollment_waive(actor=request.user, enrollment=_enrollment(request, row),
                                     reason=waive.cleaned_data["reason"])
                    messages.success(request, _("Course waived, with its reason recorded"))
        except DomainError as error:
            say(request, error)
        if not (complete.errors or waive.errors):
            return redirect(request.get_full_path())
    return render(request, "courses/cohort.html", {
        "campaign": campaign, "cohort": row, "enrollments": enrollment_list(user=request.user, cohort=row).order_by(
            "file__person_id"), "waiting": enrollable_files(user=request.user, campaign=campaign)[:500],
        "complete": complete, "waive": waive,
        "course_days": (row.ends_on - row.starts_on).days + 1, "can_manage": holds(request.user, Action.COURSE_MANAGE)})
