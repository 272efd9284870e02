"""Campaigns, the quota board, final selection (a job), jobs and the audit trail through the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as Reply

from cadre.web.accounts.permissions import Action, require
from cadre.web.accounts.selectors import membership_list
from cadre.web.api.common import MAX_PAGE, campaign_of, page_of, unit_named
from cadre.web.api.problems import ERRORS
from cadre.web.api.schemas import AuditOut, CampaignOut, JobOut, Me, Page, QuotaRow, SelectionIn
from cadre.web.audit.models import AuditEvent
from cadre.web.audit.selectors import audit_event_list
from cadre.web.campaigns.models import Campaign, RulebookVersion
from cadre.web.campaigns.selectors import campaign_list
from cadre.web.files.selectors_board import board_cells
from cadre.web.jobs.models import Job
from cadre.web.jobs.selectors import job_get
from cadre.web.jobs.services import job_submit

router = Router(tags=["campaigns"])


def campaign_out(c: Campaign) -> dict[str, Any]:
    book = RulebookVersion.objects.filter(campaign=c).order_by("-number").first()
    return {"slug": c.slug, "name": c.name, "template": c.template, "historical": c.historical,
            "ladder_version": c.ladder_version, "selection_opens_on": c.selection_opens_on,
            "rulebook": {"number": book.number, "ref": book.ref} if book else None}


def job_out(j: Job) -> dict[str, Any]:
    return {"id": j.pk, "kind": j.kind, "status": j.status, "progress": j.progress, "message": j.message,
            "result": j.result, "error": j.error, "created_at": j.created_at, "started_at": j.started_at,
            "finished_at": j.finished_at}


@router.get("/me", response={200: Me, **ERRORS}, summary="Who the request acts as")
def me(request: HttpRequest) -> Any:
    """The user behind the session or the token, and their roles."""
    user = request.auth
    return {"username": user.get_username(), "superuser": user.is_superuser,
            "roles": [{"role": m.role, "unit": m.unit.code} for m in membership_list(user=user)]}


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS}, summary="List campaigns")
def campaigns(request: HttpRequest) -> Any:
    """Every campaign, newest first."""
    return [campaign_out(c) for c in campaign_list()]


@router.get("/campaigns/{slug}", response={200: CampaignOut, **ERRORS}, summary="Read a campaign")
def campaign(request: HttpRequest, slug: str) -> Any:
    return campaign_out(campaign_of(slug))


@router.get("/campaigns/{slug}/quota-board", response={200: list[QuotaRow], **ERRORS}, summary="The quota board")
def quota_board(request: HttpRequest, slug: str) -> Any:
    """Control figures (region x union) against volunteers, approved and selected, in the user's units."""
    rows = board_cells(user=request.auth, campaign=campaign_of(slug))
    return [{"region": r.extra.get("region", r.key.split(":")[0]), "union": r.extra.get("union", ""),
             "plan": r.plan, "volunteers": r.volunteers, "approved": r.approved, "selected": r.selected,
             "shortfall": r.shortfall} for r in rows]


@router.post("/campaigns/{slug}/selection", response={202: JobOut, **ERRORS}, summary="Run final selection (a job)")
def selection(request: HttpRequest, slug: str, payload: SelectionIn) -> Any:
    """Submit the final selection as a job; poll ``GET /jobs/{id}`` for its progress and result."""
    campaign = campaign_of(slug)
    if payload.region:
        unit_named(payload.region, ["body", "region"])
    params = {"region": payload.region or "", "as_of": payload.as_of.isoformat() if payload.as_of else ""}
    job = job_submit(actor=request.auth, kind="selection", params=params, campaign=campaign)
    return Reply(202, job_out(job))


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="A job's status")
def job(request: HttpRequest, job_id: int) -> Any:
    """One of the user's jobs: status, progress, then the result or the reason it failed."""
    return job_out(job_get(user=request.auth, job_id=job_id))


@router.get("/audit", response={200: Page[AuditOut], **ERRORS}, summary="The audit trail")
def audit(request: HttpRequest, campaign: str | None = None, object_type: str = "", object_id: str = "",
          page: int = Query(1, ge=1), page_size: int = Query(50, ge=1, le=MAX_PAGE)) -> Any:
    """Who did what, newest first; for the roles that may read the trail (403 for the others)."""
    require(request.auth, Action.AUDIT_VIEW, None, what=_("the audit trail"))
    campaign_id = campaign_of(campaign).pk if campaign else None
    rows = audit_event_list(user=request.auth, campaign_id=campaign_id, object_type=object_type,
                            object_id=object_id).select_related("campaign")

    def out(e: AuditEvent) -> dict[str, Any]:
        return {"id": e.pk, "at": e.at, "actor": e.actor.get_username(), "action": e.action,
                "object_type": e.object_type, "object_id": e.object_id,
                "campaign": e.campaign.slug if e.campaign_id else None, "before": e.before, "after": e.after}

    return page_of(rows, page, page_size, out)
