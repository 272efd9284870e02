"""The file's workflow: the one module that changes ``PersonalFile.status``, and only by its tables.

Up to selection the table is the engine's screening ladder (``cadre engine ladder`` prints it): a move is
an engine :class:`~cadre.engine.screening.Action` taken by a ladder body on a date, and the ladder says
whether it is legal and where it leads. After selection the table is :data:`LIFECYCLE`::

    selected  -complete_course-> trained      (course completed)
    selected  -waive_course----> trained      (course waived, with a reason)
    trained   -dispatch--------> dispatched
    dispatched -arrive---------> arrived
    arrived   -place-----------> placed
    placed    -transfer--------> placed       (a new post)
    selected, trained -withdraw-> withdrawn   (left before departure)
    dispatched, arrived, placed -exit-> exited (with an exit channel)

Anything else raises :class:`~cadre.web.errors.IllegalMove` saying why. Callers (services) hold the
file's row lock and write the decision or event and the audit row in the same transaction.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _

from cadre.engine.screening import Action, Decision, FileState, IllegalTransition, Ladder, Role
from cadre.web.errors import IllegalMove
from cadre.web.files.models import PersonalFile, Status

__all__ = ["LIFECYCLE", "Move", "lifecycle_apply", "lifecycle_moves", "screening_apply", "state_of"]


class Move(StrEnum):
    """Moves of a file after selection."""

    COMPLETE_COURSE = "complete_course"
    WAIVE_COURSE = "waive_course"
    DISPATCH = "dispatch"
    ARRIVE = "arrive"
    PLACE = "place"
    TRANSFER = "transfer"
    WITHDRAW = "withdraw"
    EXIT = "exit"


LIFECYCLE: dict[tuple[str, Move], str] = {
    (Status.SELECTED, Move.COMPLETE_COURSE): Status.TRAINED,
    (Status.SELECTED, Move.WAIVE_COURSE): Status.TRAINED,
    (Status.TRAINED, Move.DISPATCH): Status.DISPATCHED,
    (Status.DISPATCHED, Move.ARRIVE): Status.ARRIVED,
    (Status.ARRIVED, Move.PLACE): Status.PLACED,
    (Status.PLACED, Move.TRANSFER): Status.PLACED,
    (Status.SELECTED, Move.WITHDRAW): Status.WITHDRAWN,
    (Status.TRAINED, Move.WITHDRAW): Status.WITHDRAWN,
    (Status.DISPATCHED, Move.EXIT): Status.EXITED,
    (Status.ARRIVED, Move.EXIT): Status.EXITED,
    (Status.PLACED, Move.EXIT): Status.EXITED,
}


def lifecycle_moves(status: str) -> list[Move]:
    """The moves the table allows from ``status``."""
    return [move for (frm, move) in LIFECYCLE if frm == status]


def lifecycle_apply(file: PersonalFile, move: Move) -> str:
    """Move ``file`` by ``move`` (after selection); returns the old status. Does not save."""
    to = LIFECYCLE.get((file.status, Move(move)))
    if to is None:
        allowed = ", ".join(lifecycle_moves(file.status)) or _("none")
        raise IllegalMove(_("file %(id)s is %(status)s: it cannot %(move)s (allowed from there: %(allowed)s)") % {
            "id": file.person_id, "status": file.status, "move": str(move).replace("_", " "), "allowed": allowed})
    old = file.status
    file.status = to
    return old


def state_of(file: PersonalFile) -> FileState:
    """The file's screening state as the ladder reads it."""
    return FileState(stage=file.status, rejected_at=file.rejected_at, appealed=file.appealed,
                     decided_by=file.decided_by_role)


def screening_apply(file: PersonalFile, ladder: Ladder, action: Action, *, role: Role, reason: str,
                    as_of: date) -> Decision:
    """Move ``file`` on the screening ladder; returns the engine's decision record. Does not save.

    Raises :class:`IllegalMove` with the ladder's own words when the move is not in its table (wrong
    stage, wrong body, wrong date, appeal already used, no reason).
    """
    if file.status not in ladder.stages:
        raise IllegalMove(_("file %(id)s is %(status)s: screening is over for it") % {
            "id": file.person_id, "status": file.status})
    try:
        new, decision = ladder.apply_logged(state_of(file), action, person_id=file.person_id, role=role,
                                            reason=reason, as_of=as_of)
    except IllegalTransition as error:
        raise IllegalMove(_("file %(id)s: %(action)s by %(role)s at %(stage)s is not allowed: %(why)s") % {
            "id": file.person_id, "action": action, "role": role, "stage": file.status, "why": error.why}) from error
    file.status = new.stage.value
    file.rejected_at = None if new.rejected_at is None else new.rejected_at.value
    file.appealed = new.appealed
    file.decided_by_role = None if new.decided_by is None else new.decided_by.value
    return decision
