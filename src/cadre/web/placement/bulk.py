"""Dispatch and arrival of many files at once: every file moves, or none does, with every refusal listed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cadre.web.accounts.models import OrgUnit
from cadre.web.errors import DomainError, Forbidden, Invalid
from cadre.web.files.models import PersonalFile
from cadre.web.placement.services import arrival_record, dispatch

__all__ = ["arrival_record_bulk", "dispatch_bulk"]


def _all_or_none(files: Sequence[PersonalFile], act: Any, what: str) -> int:
    if not files:
        raise Invalid(_("tick at least one worker"))
    problems: list[str] = []
    forbidden: Forbidden | None = None
    with transaction.atomic():
        for file in files:
            try:
                with transaction.atomic():
                    act(file)
            except Forbidden as error:
                forbidden = forbidden or error
            except DomainError as error:
                problems.append(f"{file.person_id}: {error.reason}")
        if forbidden is not None:
            raise forbidden
        if problems:
            transaction.set_rollback(True)
            raise Invalid(what, problems)
    return len(files)


def dispatch_bulk(*, actor: Any, files: Sequence[PersonalFile], departed_on: date) -> int:
    """Dispatch a detachment: every file leaves on ``departed_on``, or none does. Returns how many."""
    return _all_or_none(files, lambda f: dispatch(actor=actor, file=f, departed_on=departed_on),
                        _("nobody was dispatched"))


def arrival_record_bulk(*, actor: Any, files: Sequence[PersonalFile], arrived_on: date,
                        unit: OrgUnit | None = None) -> int:
    """Record that a group arrived on ``arrived_on`` at ``unit`` (or their destination), all or none."""
    return _all_or_none(files, lambda f: arrival_record(actor=actor, file=f, arrived_on=arrived_on, unit=unit),
                        _("no arrival was recorded"))
