"""Personal files through the API: list, read, declare, decide one, decide many.

Reads go through ``files.selectors`` (what the user may see); writes through ``files.services`` and
``files.bulk`` (permission, the ladder, the rulebook, audit), exactly as the pages do.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as Reply

from cadre.web.api.common import MAX_PAGE, campaign_of, page_of, unit_named
from cadre.web.api.problems import ERRORS, ProblemError, domain_problem
from cadre.web.api.schemas import (
    BulkDecided,
    BulkDecideIn,
    DecideIn,
    DecisionOut,
    DeclareIn,
    FileDetail,
    FileOut,
    Page,
)
from cadre.web.bridge.files import FILE_COLUMNS
from cadre.web.errors import DomainError
from cadre.web.files.bulk import file_decide_bulk
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.selectors import decision_list, file_get, file_list
from cadre.web.files.services import file_decide, file_declare
from cadre.web.files.services_pages import file_view_record

router = Router(tags=["files"])


def file_out(f: PersonalFile) -> dict[str, Any]:
    return {"person_id": f.person_id, "status": f.status, "status_label": str(Status(f.status).label),
            "source_region": f.source_region, "factory_id": f.factory_id, "union": f.union, "sex": f.sex,
            "age": f.age, "party_status": f.party_status,
            "destination": f.destination.code if f.destination_id else None, "updated_at": f.updated_at}


def _detail(user: Any, f: PersonalFile) -> dict[str, Any]:
    # The 1929 political column is historical data: shown for the historical replay only (SYSTEM.md §7).
    names = [n for n in FILE_COLUMNS if n != "opposition_past" or f.campaign.historical]
    decisions = [{"seq": d.seq, "action": d.action, "role": d.role, "tier": d.tier, "from_status": d.from_status,
                  "to_status": d.to_status, "reason_code": d.reason_code, "reason": d.reason,
                  "rulebook": d.rulebook_version.ref if d.rulebook_version_id else None,
                  "decided_by": d.decided_by.get_username() if d.decided_by_id else None,
                  "decided_at": d.decided_at, "as_of": d.as_of} for d in decision_list(user=user, file=f)]
    return {**file_out(f), "answers": {n: getattr(f, n) for n in names}, "decisions": decisions}


@router.get("/campaigns/{slug}/files", response={200: Page[FileOut], **ERRORS}, summary="List personal files")
def files_list(request: HttpRequest, slug: str, status: Status | None = None,
               unit: str | None = Query(None, description="code of an org unit: files from it and below"),
               page: int = Query(1, ge=1), page_size: int = Query(50, ge=1, le=MAX_PAGE)) -> Any:
    """The campaign's files the user may see (their units' files, or their own), by file number."""
    campaign = campaign_of(slug)
    path = unit_named(unit, ["query", "unit"]).path if unit else ""
    rows = file_list(user=request.auth, campaign=campaign, status=status or "", unit_path=path)
    return page_of(rows, page, page_size, file_out)


@router.get("/campaigns/{slug}/files/{person_id}", response={200: FileDetail, **ERRORS}, summary="Read a file")
def files_get(request: HttpRequest, slug: str, person_id: str) -> Any:
    """One file with its questionnaire and decisions; 404 for a file the user may not see. The read is audited
    (``file_viewed``), as opening the file's page is."""
    f = file_get(user=request.auth, campaign=campaign_of(slug), person_id=person_id)
    file_view_record(actor=request.auth, file=f)
    return _detail(request.auth, f)


@router.post("/campaigns/{slug}/files", response={201: FileDetail, **ERRORS}, summary="Declare (volunteer)")
def files_declare(request: HttpRequest, slug: str, payload: DeclareIn) -> Any:
    """A volunteer's own declaration; every problem of the questionnaire comes back at its place."""
    campaign = campaign_of(slug)
    factory = unit_named(payload.factory, ["body", "factory"])
    try:
        f = file_declare(actor=request.auth, campaign=campaign, factory=factory, answers=payload.answers,
                         submit=payload.submit, as_of=payload.as_of)
    except DomainError as error:
        raise domain_problem(error, ["body", "answers"]) from error
    return Reply(201, _detail(request.auth, file_get(user=request.auth, campaign=campaign, person_id=f.person_id)))


@router.post("/campaigns/{slug}/files/{person_id}/decisions", response={201: DecisionOut, **ERRORS},
             summary="Decide on one file")
def files_decide(request: HttpRequest, slug: str, person_id: str, payload: DecideIn) -> Any:
    """A screening decision at the file's tier (approve, reject, appeal, override...), with its reason."""
    campaign = campaign_of(slug)
    f = file_get(user=request.auth, campaign=campaign, person_id=person_id)
    d = file_decide(actor=request.auth, file=f, action=payload.action.value, reason_code=payload.reason_code,
                    reason=payload.reason, as_of=payload.as_of, as_role=payload.as_role)
    return Reply(201, {"seq": d.seq, "action": d.action, "role": d.role, "tier": d.tier, "from_status": d.from_status,
                 "to_status": d.to_status, "reason_code": d.reason_code, "reason": d.reason,
                 "rulebook": d.rulebook_version.ref if d.rulebook_version_id else None,
                 "decided_by": request.auth.get_username(), "decided_at": d.decided_at, "as_of": d.as_of})


@router.post("/campaigns/{slug}/decisions", response={201: BulkDecided, **ERRORS}, summary="Decide on many files")
def files_decide_bulk(request: HttpRequest, slug: str, payload: BulkDecideIn) -> Any:
    """One action on many files: every file moves, or none does (every refusal is listed)."""
    campaign = campaign_of(slug)
    visible = set(file_list(user=request.auth, campaign=campaign).filter(person_id__in=payload.person_ids)
                  .values_list("person_id", flat=True))
    unseen = [pid for pid in payload.person_ids if pid not in visible]
    if unseen:
        raise ProblemError(404, _("no such files, or not ones you may see; nothing was decided"),
                           [(["body", "person_ids", payload.person_ids.index(pid)], pid) for pid in unseen[:100]])
    decisions = file_decide_bulk(actor=request.auth, campaign=campaign, person_ids=payload.person_ids,
                                 action=payload.action.value, reason_code=payload.reason_code, reason=payload.reason,
                                 as_of=payload.as_of)
    return Reply(201, {"decided": len(decisions), "person_ids": [d.file.person_id for d in decisions]})
