"""The transition table a ladder compiles to: one row per (from stage, action, role, guard).

Both faces of the ladder read this one table. The workspace looks a move up in it row by row
(``screening_moves``); the twin joins a whole frame of files against it (``screening_batch``). A guard is
data, not code: a row may require the file to have used its appeal or not, to have been rejected at a
given stage, or the date to fall in a period; a row without a guard applies always.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from cadre.engine.screening_codes import (
    DECISIONS,
    Action,
    FileState,
    Mark,
    Role,
    Stage,
)

if TYPE_CHECKING:
    from cadre.engine.screening import Ladder


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """One row of the table: who may do what to a file at a stage, under which guard, and where it goes."""

    from_stage: Stage
    action: Action
    role: Role
    to_stage: Stage
    # Guards; None means "any".
    appealed: bool | None = None
    rejected_at: Stage | None = None
    on_or_after: date | None = None
    before: date | None = None
    # Effect on the rejection the file carries.
    rejection: Mark = Mark.KEEP

    @property
    def decision(self) -> bool:
        return self.action in DECISIONS

    def holds_on(self, as_of: date) -> bool:
        """Whether the row's period contains ``as_of``."""
        return (self.on_or_after is None or as_of >= self.on_or_after) and (
            self.before is None or as_of < self.before
        )

    def admits(self, state: FileState) -> bool:
        """Whether the file's own guards (its appeal, where it was rejected) let the row apply."""
        return (self.appealed is None or state.appealed == self.appealed) and (
            self.rejected_at is None or state.rejected_at == self.rejected_at
        )

    def apply(self, state: FileState) -> FileState:
        """The state after this row is applied to ``state``."""
        rejected_at = {
            Mark.KEEP: state.rejected_at,
            Mark.SET: state.stage,
            Mark.CLEAR: None,
        }[self.rejection]
        return FileState(
            stage=self.to_stage,
            rejected_at=rejected_at,
            appealed=state.appealed or self.action is Action.APPEAL,
            decided_by=self.role if self.decision else state.decided_by,
        )

    @property
    def guard(self) -> str:
        """The guard in words, empty when the row always applies."""
        parts = []
        if self.appealed is not None:
            parts.append("appeal used" if self.appealed else "appeal not used")
        if self.rejected_at is not None:
            parts.append(f"rejected_at={self.rejected_at}")
        if self.on_or_after is not None:
            parts.append(f"from {self.on_or_after.isoformat()}")
        if self.before is not None:
            parts.append(f"before {self.before.isoformat()}")
        return " and ".join(parts)


def build_transitions(ladder: Ladder) -> tuple[Transition, ...]:
    """Every legal move of ``ladder``, in the order a file meets them."""
    return tuple(_rows(ladder))


def _rows(ladder: Ladder) -> Iterator[Transition]:
    stages = [tier.stage for tier in ladder.all_tiers]
    # Passing a tier sends the file to the next one; passing the last makes it approved.
    after = dict(zip(stages, [*stages[1:], Stage.APPROVED], strict=True))

    def rejections(
        from_stage: Stage, action: Action, role: Role, on_or_after: date | None = None, before: date | None = None
    ) -> Iterator[Transition]:
        # A file has one appeal, heard by a body above the one that rejected. A rejection by a body the
        # appeal body does not outrank, or of a file that has used its appeal, is final at once.
        if ladder.appealable(role):
            yield Transition(
                from_stage=from_stage, action=action, role=role, to_stage=Stage.REJECTED,
                appealed=False, rejection=Mark.SET, on_or_after=on_or_after, before=before,
            )
            yield Transition(
                from_stage=from_stage, action=action, role=role, to_stage=Stage.REJECTED_FINAL,
                appealed=True, rejection=Mark.SET, on_or_after=on_or_after, before=before,
            )
        else:
            yield Transition(
                from_stage=from_stage, action=action, role=role, to_stage=Stage.REJECTED_FINAL,
                rejection=Mark.SET, on_or_after=on_or_after, before=before,
            )

    def withdraw(from_stage: Stage, to_stage: Stage) -> Transition:
        return Transition(from_stage=from_stage, action=Action.WITHDRAW, role=Role.VOLUNTEER, to_stage=to_stage)

    for role in ladder.submitters:
        yield Transition(from_stage=Stage.DECLARED, action=Action.SUBMIT, role=role, to_stage=stages[0])
    yield withdraw(Stage.DECLARED, Stage.WITHDRAWN)

    for tier in ladder.all_tiers:
        for role in tier.roles:
            yield Transition(from_stage=tier.stage, action=Action.APPROVE, role=role, to_stage=after[tier.stage])
            yield from rejections(tier.stage, Action.REJECT, role)
        if ladder.overrider is not None:
            # An override approval skips every tier still ahead, the course included.
            yield Transition(
                from_stage=tier.stage, action=Action.OVERRIDE_APPROVE, role=ladder.overrider,
                to_stage=Stage.APPROVED,
            )
            yield from rejections(tier.stage, Action.OVERRIDE_REJECT, ladder.overrider)
        yield withdraw(tier.stage, Stage.WITHDRAWN)

    for role, on_or_after, before in ladder.selector_periods():
        yield Transition(
            from_stage=Stage.APPROVED, action=Action.SELECT, role=role, to_stage=Stage.SELECTED,
            on_or_after=on_or_after, before=before,
        )
        yield from rejections(Stage.APPROVED, Action.REJECT, role, on_or_after=on_or_after, before=before)
    if ladder.overrider is not None:
        yield from rejections(Stage.APPROVED, Action.OVERRIDE_REJECT, ladder.overrider)
    yield withdraw(Stage.APPROVED, Stage.WITHDRAWN)

    if ladder.appeal_body is None:
        return
    yield Transition(
        from_stage=Stage.REJECTED, action=Action.APPEAL, role=Role.VOLUNTEER, to_stage=Stage.APPEALED,
        appealed=False,
    )
    if ladder.overrider is not None:
        yield Transition(
            from_stage=Stage.REJECTED, action=Action.OVERRIDE_APPROVE, role=ladder.overrider,
            to_stage=Stage.APPROVED, rejection=Mark.CLEAR,
        )
    # A rejected volunteer who withdraws waives the appeal: the committee's rejection stands and becomes
    # final, rather than being overwritten by "withdrawn".
    yield withdraw(Stage.REJECTED, Stage.REJECTED_FINAL)

    # An upheld appeal lets the file go on as if the rejecting stage had approved it. Upholding an
    # appeal against a final-selection rejection returns the file to the approved pool: selecting it is
    # still the final selector's call, because selection fills quotas.
    for rejected_at in [*stages, Stage.APPROVED]:
        yield Transition(
            from_stage=Stage.APPEALED, action=Action.UPHOLD_APPEAL, role=ladder.appeal_body,
            to_stage=after.get(rejected_at, Stage.APPROVED), rejected_at=rejected_at, rejection=Mark.CLEAR,
        )
    yield Transition(
        from_stage=Stage.APPEALED, action=Action.DISMISS_APPEAL, role=ladder.appeal_body,
        to_stage=Stage.REJECTED_FINAL,
    )
    yield withdraw(Stage.APPEALED, Stage.REJECTED_FINAL)


def check_deterministic(transitions: tuple[Transition, ...]) -> None:
    """Raise ``ValueError`` when two rows could both apply to the same file, role and date."""
    seen: dict[tuple[Stage, Action, Role], list[Transition]] = {}
    for row in transitions:
        key = (row.from_stage, row.action, row.role)
        for other in seen.get(key, []):
            if _overlap(row, other):
                raise ValueError(f"ambiguous ladder: {row} and {other} both apply")
        seen.setdefault(key, []).append(row)


def _overlap(a: Transition, b: Transition) -> bool:
    def same(x: object, y: object) -> bool:
        return x is None or y is None or x == y

    starts = [d for d in (a.on_or_after, b.on_or_after) if d is not None]
    ends = [d for d in (a.before, b.before) if d is not None]
    dates_meet = not starts or not ends or max(starts) < min(ends)
    return same(a.appealed, b.appealed) and same(a.rejected_at, b.rejected_at) and dates_meet


def table_frame(transitions: tuple[Transition, ...]) -> pl.DataFrame:
    """The table for people: one row per transition, guards both as columns and in words."""
    return pl.DataFrame(
        {
            "from_stage": [t.from_stage.value for t in transitions],
            "action": [t.action.value for t in transitions],
            "role": [t.role.value for t in transitions],
            "guard": [t.guard for t in transitions],
            "to_stage": [t.to_stage.value for t in transitions],
            "when_appealed": [t.appealed for t in transitions],
            "when_rejected_at": [None if t.rejected_at is None else t.rejected_at.value for t in transitions],
            "on_or_after": [t.on_or_after for t in transitions],
            "before": [t.before for t in transitions],
            "rejection": [t.rejection.value for t in transitions],
            "decision": [t.decision for t in transitions],
        },
        schema={
            "from_stage": pl.String(),
            "action": pl.String(),
            "role": pl.String(),
            "guard": pl.String(),
            "to_stage": pl.String(),
            "when_appealed": pl.Boolean(),
            "when_rejected_at": pl.String(),
            "on_or_after": pl.Date(),
            "before": pl.Date(),
            "rejection": pl.String(),
            "decision": pl.Boolean(),
        },
    )


# The batch form joins on exact keys, so wildcard guards are spelled out over their whole domain: both
# values of "appealed" and every value of "rejected_at" ("" standing for none). The table is small (a few
# thousand rows at most), and an exact join is what makes a hundred thousand files cost one hash join.
NO_STAGE = ""
_REJECTED_AT_DOMAIN = (NO_STAGE, *(s.value for s in Stage))


def join_frame(transitions: tuple[Transition, ...]) -> pl.DataFrame:
    """The table with its guards expanded to exact join keys (the prefix keeps clear of state columns)."""
    rows = [
        (
            t.from_stage.value, t.action.value, t.role.value, appealed, rejected_key,
            t.on_or_after, t.before, t.to_stage.value, t.rejection.value, t.decision,
        )
        for t in transitions
        for appealed in ((False, True) if t.appealed is None else (t.appealed,))
        for rejected_key in (_REJECTED_AT_DOMAIN if t.rejected_at is None else (t.rejected_at.value,))
    ]
    return pl.DataFrame(
        rows,
        schema={
            "_sc_stage": pl.String(),
            "_sc_action": pl.String(),
            "_sc_role": pl.String(),
            "_sc_appealed": pl.Boolean(),
            "_sc_rejected_key": pl.String(),
            "_sc_on_or_after": pl.Date(),
            "_sc_before": pl.Date(),
            "_sc_to_stage": pl.String(),
            "_sc_mark": pl.String(),
            "_sc_decision": pl.Boolean(),
        },
        orient="row",
    )
