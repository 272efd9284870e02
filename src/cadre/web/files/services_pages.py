"""Writes the pages need beyond the foundation's: a volunteer's uploaded reference, and reads of files.

Reading a personal file is an audited event (personal data): :func:`file_view_record` writes an
``file_viewed`` audit row each time a file's page is opened, so auditors see who read whose file.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.web.accounts.permissions import Action, may, require
from cadre.web.audit.services import audit_record
from cadre.web.errors import Forbidden, Invalid
from cadre.web.files.models import PersonalFile, Reference

__all__ = ["REFERENCE_MAX_BYTES", "file_view_record", "reference_upload"]

#: The largest reference a volunteer may upload (a typed letter is a few kilobytes).
REFERENCE_MAX_BYTES = 64 * 1024


def file_view_record(*, actor: Any, file: PersonalFile) -> None:
    """Record that ``actor`` opened ``file``'s personal data (its owner, or someone who may see it)."""
    with transaction.atomic():
        # Files are visible by their source factory or their destination (ADR 0008), as file_get selects them.
        if file.owner_id != actor.pk and not (file.destination_id and may(actor, Action.FILE_VIEW, file.destination)):
            require(actor, Action.FILE_VIEW, file.source_unit, what=_("read file %(id)s") % {"id": file.person_id})
        audit_record(actor=actor, action="file_viewed", obj=file, campaign=file.campaign,
                     after={"file": file.person_id, "status": file.status})


def reference_upload(*, actor: Any, file: PersonalFile, name: str, content: bytes) -> Reference:
    """The volunteer attaches the reference they obtained (a plain-text letter) to their own file.

    The reference is recorded as given by the body the rules name for the file (the party cell for a
    party member, the factory committee otherwise), with the volunteer as the one who uploaded it.
    """
    with transaction.atomic():
        if file.owner_id != actor.pk:
            raise Forbidden(_("only the file's owner may upload its reference"))
        problems = []
        if len(content) > REFERENCE_MAX_BYTES:
            problems.append(_("the file is larger than %(kb)d KB") % {"kb": REFERENCE_MAX_BYTES // 1024})
        try:
            text = content.decode("utf-8").strip()
        except UnicodeDecodeError:
            problems.append(_("the reference must be a plain-text file (UTF-8)"))
            text = ""
        if not problems and not text:
            problems.append(_("the file is empty"))
        if problems:
            raise Invalid(_("the reference was not accepted"), problems)
        given_by = "party_cell" if file.party_status == "party" else "factory_committee"
        ref = Reference.objects.create(file=file, given_by=given_by, unit=file.source_unit, text=text,
                                       author=actor, given_at=timezone.now())
        audit_record(actor=actor, action="reference_upload", obj=ref, campaign=file.campaign,
                     after={"file": file.person_id, "given_by": given_by, "name": name[:100], "bytes": len(content)})
        return ref
