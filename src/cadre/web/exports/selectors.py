"""The historian's exports: every table of the campaign as a frame, personal data pseudonymized.

A file's number becomes ``person``, a keyed hash (HMAC-SHA256 with the export's own key, truncated) that
is the same in every table of one export, so tables join, and different in another export, so exports
cannot be joined with each other. Nothing names a person: the files hold no names, their owners (user
accounts) are dropped, and staff appear as a keyed hash of their account too. Rows come from the
selectors of each app, so a user exports only what they may see (the audit trail: AUDIT_VIEW only).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

import polars as pl

from cadre.web.accounts.permissions import User
from cadre.web.audit.selectors import audit_event_list
from cadre.web.campaigns.models import Campaign
from cadre.web.field.selectors import field_event_list
from cadre.web.files.models import Decision
from cadre.web.files.selectors import file_list
from cadre.web.placement.selectors import placement_list

__all__ = ["TABLES", "Pseudonyms", "export_frame"]

#: Keys in audit before/after data that point at a person or an account.
_PERSONAL_KEYS = {"person_id", "owner_id", "owner", "file_id", "file", "recorded_by_id", "created_by_id",
                  "actor_id", "decided_by_id", "author_id", "approved_by_id"}


class Pseudonyms:
    """Stable keyed hashes for one export."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, kind: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        digest = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return digest[:16]


def _files(user: User, campaign: Campaign, p: Pseudonyms) -> list[dict[str, Any]]:
    rows = file_list(user=user, campaign=campaign).values(
        "pk", "person_id", "source_region", "factory_id", "union", "sex", "age", "trade", "skill_grade",
        "years_at_factory", "party_status", "party_joined", "civil_war_service", "village_ties", "dependents",
        "education", "wage", "health", "recruitment", "reference_from", "declared_on", "status",
        "destination__code")
    return [{"person": p("file", r.pop("person_id")), **{k: v for k, v in r.items() if k != "pk"}} for r in rows]


def _decisions(user: User, campaign: Campaign, p: Pseudonyms) -> list[dict[str, Any]]:
    files = file_list(user=user, campaign=campaign)
    rows = Decision.objects.filter(file__in=files).order_by("file_id", "seq").values(
        "file__person_id", "seq", "action", "role", "tier", "from_status", "to_status", "reason_code", "reason",
        "rulebook_version__ref", "ladder_version", "decided_by_id", "decided_at", "as_of")
    return [{"person": p("file", r.pop("file__person_id")), "decided_by": p("user", r.pop("decided_by_id")), **r}
            for r in rows]


def _placements(user: User, campaign: Campaign, p: Pseudonyms) -> list[dict[str, Any]]:
    rows = placement_list(user=user, campaign=campaign, current=False).order_by("file_id", "start").values(
        "file__person_id", "post__name", "post__kind", "post__farm_type", "post__district__code", "start", "end")
    return [{"person": p("file", r.pop("file__person_id")), **r} for r in rows]


def _field_events(user: User, campaign: Campaign, p: Pseudonyms, exits: bool = False) -> list[dict[str, Any]]:
    rows = field_event_list(user=user, campaign_id=campaign.pk, kind="exit" if exits else "").order_by(
        "file_id", "on", "id").values("file__person_id", "kind", "on", "channel", "post__name", "amount",
                                      "addressee", "text", "recorded_by_id")
    return [{"person": p("file", r.pop("file__person_id")), "recorded_by": p("user", r.pop("recorded_by_id")),
             **{k: (str(v) if k == "amount" and v is not None else v) for k, v in r.items()}} for r in rows]


def _scrub(data: Any, p: Pseudonyms) -> Any:
    if isinstance(data, dict):
        return {k: (p("ref", v) if k in _PERSONAL_KEYS else _scrub(v, p)) for k, v in data.items()}
    if isinstance(data, list):
        return [_scrub(v, p) for v in data]
    return data


def _audit(user: User, campaign: Campaign, p: Pseudonyms) -> list[dict[str, Any]]:
    import json

    rows = audit_event_list(user=user, campaign_id=campaign.pk).order_by("at", "id").values(
        "at", "actor_id", "action", "object_type", "object_id", "before", "after")
    return [{"at": r["at"], "actor": p("user", r["actor_id"]), "action": r["action"], "object_type": r["object_type"],
             "object": p("object", f"{r['object_type']}:{r['object_id']}"),
             "before": json.dumps(_scrub(r["before"], p), sort_keys=True, default=str),
             "after": json.dumps(_scrub(r["after"], p), sort_keys=True, default=str)} for r in rows]


Builder = Callable[[User, Campaign, Pseudonyms], list[dict[str, Any]]]
#: name -> (how to build it); the order of the export page.
TABLES: dict[str, Builder] = {
    "files": _files,
    "decisions": _decisions,
    "placements": _placements,
    "field_events": _field_events,
    "exits": lambda u, c, p: _field_events(u, c, p, exits=True),
    "audit": _audit,
}


def export_frame(*, user: User, campaign: Campaign, table: str, key: bytes) -> pl.DataFrame:
    """One table of the campaign as the user may see it, pseudonymized with the export's key."""
    rows = TABLES[table](user, campaign, Pseudonyms(key))
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame({"person": []}, schema={"person": pl.String})
