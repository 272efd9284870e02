"""One file at a time: look a move up in the ladder's table, and say in plain words why it is illegal.

The batch form asks :func:`find` for the words too, once per distinct kind of illegal row, so that a
committee reading the twin's rejects and a clerk reading the workspace's error see the same sentence.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cadre.engine.screening_codes import (
    ROLE_LABELS,
    TERMINAL,
    Action,
    FileState,
    Role,
    Stage,
)
from cadre.engine.screening_table import Transition

if TYPE_CHECKING:
    from cadre.engine.screening import Ladder

REASON_REQUIRED = "a reason is required"

_VERBS: dict[Action, str] = {
    Action.SUBMIT: "submit",
    Action.APPROVE: "approve",
    Action.REJECT: "reject",
    Action.APPEAL: "appeal",
    Action.UPHOLD_APPEAL: "uphold an appeal on",
    Action.DISMISS_APPEAL: "dismiss an appeal on",
    Action.OVERRIDE_APPROVE: "override-approve",
    Action.OVERRIDE_REJECT: "override-reject",
    Action.SELECT: "select",
    Action.WITHDRAW: "withdraw",
}


def has_reason(reason: str | None) -> bool:
    """Every transition carries a reason code, so committees explain every decision (SYSTEM.md §3.2)."""
    return reason is not None and reason.strip() != ""


def find(ladder: Ladder, state: FileState, action: Action, role: Role, as_of: date) -> Transition | str:
    """The one row of the table that applies, or the reason no row does.

    The checks run from the most basic to the most particular, so the first thing wrong is what is said:
    a closed file, an action that has no place at this stage, a role that may not take it, a date outside
    the role's period, a guard on the file's own history.
    """
    if state.stage in TERMINAL:
        return _closed(ladder, state, action)
    if state.stage not in ladder.stages:
        return f"this ladder has no stage {state.stage}"
    rows = ladder.rows_for(state.stage, action)
    if not rows:
        return _misplaced(ladder, state, action)
    mine = [row for row in rows if row.role == role]
    dated = [row for row in rows if row.holds_on(as_of)]
    if not mine or not any(row.holds_on(as_of) for row in mine):
        if len(dated) < len(rows):
            # Who may take this action depends on the date (the final selection): name who may now.
            return _period(ladder, action, dated, as_of)
        return f"{_who(ladder, role, action)} cannot {_VERBS[action]} {_where(ladder, state)}" + _hint(ladder, role, action)
    admitted = [row for row in mine if row.holds_on(as_of) and row.admits(state)]
    if not admitted:
        return _guarded(state, action)
    # The table is checked to be deterministic when the ladder is built, so one row is left.
    return admitted[0]


def allowed(ladder: Ladder, state: FileState, role: Role, as_of: date) -> tuple[Action, ...]:
    """The actions ``role`` may take on ``state`` on ``as_of`` (given a reason), in the order of ``Action``."""
    return tuple(action for action in Action if isinstance(find(ladder, state, action, role, as_of), Transition))


def _closed(ladder: Ladder, state: FileState, action: Action) -> str:
    if action is Action.APPEAL and state.stage is Stage.REJECTED_FINAL:
        if state.appealed:
            return "appeal already decided: a file has one appeal"
        if state.decided_by is not None and not ladder.appealable(state.decided_by):
            return f"a rejection by the {ROLE_LABELS[state.decided_by]} cannot be appealed: no body above it hears appeals"
        return "the rejection is final: the appeal was waived"
    closed = {
        Stage.SELECTED: "selected",
        Stage.REJECTED_FINAL: "finally rejected",
        Stage.WITHDRAWN: "withdrawn",
    }[state.stage]
    return f"the file is {closed} and accepts no further action"


def _misplaced(ladder: Ladder, state: FileState, action: Action) -> str:
    stage = state.stage
    if action is Action.SUBMIT:
        return "the file has already been submitted"
    if stage is Stage.DECLARED:
        return "the file has not been submitted yet"
    if action in (Action.UPHOLD_APPEAL, Action.DISMISS_APPEAL):
        return "there is no appeal to decide"
    if action is Action.APPEAL:
        if stage is Stage.APPEALED:
            return "the file is already under appeal"
        return "only a rejected file can be appealed" if ladder.appeal_body else "this ladder hears no appeals"
    if stage is Stage.APPEALED:
        return "the file is under appeal: the appeal body decides it first"
    if stage is Stage.REJECTED:
        return f"the file was rejected {_where_rejected(ladder, state)}: only an appeal or an override reopens it"
    if action is Action.SELECT:
        return "only an approved file can be selected"
    if stage is Stage.APPROVED and action in (Action.APPROVE, Action.OVERRIDE_APPROVE):
        return "the file is already approved"
    if action in (Action.OVERRIDE_APPROVE, Action.OVERRIDE_REJECT):
        return "this ladder has no body that overrides"
    return f"cannot {_VERBS[action]} {_where(ladder, state)}"


def _period(ladder: Ladder, action: Action, dated: list[Transition], as_of: date) -> str:
    roles = sorted({row.role for row in dated}, key=list(Role).index)
    who = " or ".join(f"the {ROLE_LABELS[r]}" for r in roles) or "no one"
    does = "selects" if action is Action.SELECT else f"may {_VERBS[action]} an approved file"
    takeover = ladder.takeover_date
    if takeover is None:
        return f"only {who} {does}"
    when = f"from {takeover.isoformat()} on" if as_of >= takeover else f"before {takeover.isoformat()}"
    return f"only {who} {does} {when}"


def _guarded(state: FileState, action: Action) -> str:
    if action is Action.APPEAL:
        return "appeal already decided: a file has one appeal"
    if action is Action.UPHOLD_APPEAL:
        return "the file does not record where it was rejected, so the appeal cannot be upheld"
    return f"the file's history does not allow {action} here"


def _hint(ladder: Ladder, role: Role, action: Action) -> str:
    if role is ladder.overrider and action in (Action.APPROVE, Action.REJECT):
        return f"; the {ROLE_LABELS[role]} overrules with override_{action} instead"
    return ""


def _who(ladder: Ladder, role: Role, action: Action) -> str:
    # A tier's body is named by its tier when it tries a tier's decision out of turn; otherwise by itself.
    for number, tier in enumerate(ladder.all_tiers, start=1):
        if role in tier.roles and action in (Action.APPROVE, Action.REJECT):
            return f"tier {number} ({tier.name})"
    return f"the {ROLE_LABELS[role]}"


def _where(ladder: Ladder, state: FileState) -> str:
    tier = ladder.tier_of(state.stage)
    if tier is not None:
        number, name = tier
        return f"a file at tier {number} ({name})"
    return {
        Stage.DECLARED: "a declared file",
        Stage.APPROVED: "an approved file",
        Stage.REJECTED: "a rejected file",
        Stage.APPEALED: "a file under appeal",
    }.get(state.stage, f"a file at {state.stage}")


def _where_rejected(ladder: Ladder, state: FileState) -> str:
    if state.rejected_at is None:
        return "(stage not recorded)"
    tier = ladder.tier_of(state.rejected_at)
    if tier is not None:
        return f"at tier {tier[0]} ({tier[1]})"
    return "at final selection" if state.rejected_at is Stage.APPROVED else f"at {state.rejected_at}"
