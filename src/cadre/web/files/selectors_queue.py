"""Reads for the review queue and the file page: what has reached the user's bodies, and what the engine says.

The queue of a body is read from the campaign's ladder, not written here: a body's files are those at the
stages where the ladder lets it approve, reject or hear an appeal (party cell: tier 1; regional council:
tier 4 and, before the takeover date, approved files; regional party committee: appeals and approved
files). Every list starts from ``file_list``, so it holds only files the user may see.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q, QuerySet

from cadre.engine.screening import Action as LadderAction
from cadre.engine.screening import Role as LadderRole
from cadre.web.accounts.permissions import LADDER_ROLES, User, ladder_roles, memberships_of, subtree_ids
from cadre.web.bridge import files as bridge_files
from cadre.web.bridge import schema as bridge_schema
from cadre.web.campaigns.models import Campaign, RulebookVersion
from cadre.web.campaigns.selectors import rulebook_current
from cadre.web.files.models import PersonalFile
from cadre.web.files.selectors import file_list
from cadre.web.files.workflow import state_of

__all__ = ["body_stages", "file_criteria", "file_moves", "queue_counts", "queue_eligibility", "queue_list"]

_REVIEW = {LadderAction.APPROVE, LadderAction.REJECT, LadderAction.UPHOLD_APPEAL, LadderAction.DISMISS_APPEAL}
_VOLUNTEER = {LadderAction.SUBMIT, LadderAction.APPEAL, LadderAction.WITHDRAW}


def body_stages(campaign: Campaign, role: LadderRole) -> list[str]:
    """The stages at which ``role`` reviews files on the campaign's ladder (in ladder order)."""
    return list(_body_stages(campaign.ladder_version, role))


@lru_cache(maxsize=64)
def _body_stages(ladder_version: str, role: LadderRole) -> tuple[str, ...]:
    table = bridge_schema.ladder(ladder_version).table()
    rows = table.filter(table["role"] == role.value)
    stages: list[str] = []
    for stage, action in rows.select("from_stage", "action").iter_rows():
        if action in _REVIEW and stage not in stages:
            stages.append(stage)
    return tuple(stages)


def _queue_q(user: User, campaign: Campaign) -> Q:
    q = Q(pk__in=[])
    for m in memberships_of(user):
        role = LADDER_ROLES.get(m.role)
        if role is None or role == LadderRole.VOLUNTEER:
            continue
        q |= Q(source_unit__in=subtree_ids(user, [m.unit]), status__in=body_stages(campaign, role))
    return q


def queue_list(*, user: User, campaign: Campaign, status: str = "", union: str = "", factory: str = "",
               search: str = "") -> QuerySet[PersonalFile]:
    """The files before the user's screening bodies, filtered; ordered by declaration, then number."""
    rows = file_list(user=user, campaign=campaign).filter(_queue_q(user, campaign))
    if status:
        rows = rows.filter(status=status)
    if union:
        rows = rows.filter(union=union)
    if factory:
        rows = rows.filter(factory_id=factory)
    if search.strip():
        term = search.strip()
        rows = rows.filter(Q(person_id__icontains=term) | Q(owner__username__icontains=term)
                           | Q(owner__first_name__icontains=term) | Q(owner__last_name__icontains=term))
    return rows.select_related("owner").order_by("declared_on", "person_id")


def queue_counts(*, user: User, campaign: Campaign) -> dict[str, int]:
    """How many files wait at each stage of the user's queue (every stage present, zero included)."""
    stages: list[str] = []
    for m in memberships_of(user):
        role = LADDER_ROLES.get(m.role)
        if role is not None and role != LadderRole.VOLUNTEER:
            stages += [s for s in body_stages(campaign, role) if s not in stages]
    found = dict(queue_list(user=user, campaign=campaign).order_by().values_list("status").annotate(n=Count("id")))
    return {stage: found.get(stage, 0) for stage in stages}


def queue_eligibility(*, campaign: Campaign, files: list[PersonalFile],
                      version: RulebookVersion | None = None) -> dict[str, list[str]]:
    """Per file number, the criteria of the current rulebook (``version``, when read already) that the
    file fails (one engine pass)."""
    version = version or rulebook_current(campaign=campaign)
    book = bridge_schema.rulebook_parse(version.text, source=version.ref)
    return bridge_files.eligibility(files, book)


def file_criteria(*, file: PersonalFile, version: RulebookVersion | None = None) -> dict[str, Any]:
    """The engine's verdict on one file, criterion by criterion, under the campaign's current rulebook
    (``version``, when the caller has read it already)."""
    version = version or rulebook_current(campaign=file.campaign)
    book = bridge_schema.rulebook_parse(version.text, source=version.ref)
    failing = set(bridge_files.eligibility([file], book).get(file.person_id, []))
    rows = [{"code": c.code, "label": c.label, "historical": c.historical, "met": c.code not in failing}
            for c in book.criteria if c.historical is False or file.campaign.historical]
    return {"version": version, "criteria": rows, "eligible": not failing, "failing": sorted(failing)}


def file_moves(*, user: User, file: PersonalFile, as_of: date) -> list[tuple[str, str]]:
    """The (ladder body, action) pairs the user may take on the file today, as the ladder says."""
    ladder = bridge_schema.ladder(file.campaign.ladder_version)
    moves: list[tuple[str, str]] = []
    for role in ladder_roles(user, file.source_unit):
        if file.status not in ladder.stages:
            break
        moves += [(role.value, a.value) for a in ladder.allowed(state_of(file), role, as_of) if a not in _VOLUNTEER]
    return moves


def volunteer_moves(*, user: User, file: PersonalFile, as_of: date) -> list[str]:
    """What the file's owner may do with it today (appeal, withdraw), as the ladder says."""
    ladder = bridge_schema.ladder(file.campaign.ladder_version)
    if file.owner_id != getattr(user, "pk", None) or file.status not in ladder.stages:
        return []
    return [a.value for a in ladder.allowed(state_of(file), LadderRole.VOLUNTEER, as_of)
            if a in (LadderAction.APPEAL, LadderAction.WITHDRAW)]


__all__ += ["volunteer_moves"]


def file_open(*, user: User, campaign: Campaign, person_id: str) -> PersonalFile:
    """A file for its page: the file if the user may see it; ``Forbidden`` with the reason if it exists but
    lies outside the user's units; ``PersonalFile.DoesNotExist`` if there is no such file."""
    from cadre.web.accounts.permissions import Action, require
    from cadre.web.files.selectors import file_get

    try:
        return file_get(user=user, campaign=campaign, person_id=person_id)
    except PersonalFile.DoesNotExist:
        file = PersonalFile.objects.select_related("source_unit").get(campaign=campaign, person_id=person_id)
        require(user, Action.FILE_VIEW, file.source_unit, what=f"file {person_id}")
        raise


__all__ += ["file_open"]
