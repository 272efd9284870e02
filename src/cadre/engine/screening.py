"""The screening ladder (SYSTEM.md §3.4) as a state machine with an explicit transition table.

A personal file is declared, submitted, and reviewed in order by each tier of the ladder; passing the last
tier makes it approved, and final selection makes it selected. Every tier accepts or rejects with a reason.
A rejection may be appealed once, to a body above the one that rejected; the regional party committee can
overrule lower bodies, and from a set date it alone makes the final selection. The volunteer may withdraw.

A :class:`Ladder` is the configuration; it compiles to one table of legal moves (:meth:`Ladder.table`),
and both forms read that table::

    ladder.apply(state, Action.APPROVE, role=Role.PARTY_CELL, reason="activist", as_of=day)   # one file
    ladder.apply_batch(frame, Action.APPROVE, role=Role.PARTY_CELL, reason=codes, as_of=day)  # many

Stages::

    declared -submit-> at_party_cell -approve-> at_factory_committee -> at_regional_union
        -> at_regional_council [-> at_course] -approve-> approved -select-> selected
    any tier or approved -reject-> rejected -appeal-> appealed -uphold-> (the next stage)
                                                               -dismiss-> rejected_final
    any tier, rejected -override_approve-> approved;  any tier or approved -override_reject-> rejected_final
    declared, any tier, approved -withdraw-> withdrawn;  rejected, appealed -withdraw-> rejected_final

A rejection goes straight to ``rejected_final`` when the file has used its one appeal, or when no appeal
body stands above the body that rejected (so, in 1929, every rejection by the regional party committee).

The terminal stages are ``selected``, ``rejected_final`` and ``withdrawn``; they accept nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl

from cadre.engine.screening_batch import (
    LOG_COLUMNS,
    STATE_SCHEMA,
    BatchResult,
    apply_batch,
    initial_states,
    states_frame,
)
from cadre.engine.screening_codes import (
    AUTHORITY,
    REJECTION_STAGES,
    TERMINAL,
    TIER_STAGES,
    Action,
    Decision,
    FileState,
    IllegalTransition,
    Mark,
    PersonId,
    Role,
    Stage,
    Tier,
)
from cadre.engine.screening_moves import REASON_REQUIRED, allowed, find, has_reason
from cadre.engine.screening_table import (
    Transition,
    build_transitions,
    check_deterministic,
    join_frame,
    table_frame,
)

__all__ = [
    "AUTHORITY",
    "COURSE_1929",
    "LADDER_1929",
    "LOG_COLUMNS",
    "REASON_REQUIRED",
    "REJECTION_STAGES",
    "STATE_SCHEMA",
    "TERMINAL",
    "TIER_STAGES",
    "Action",
    "BatchResult",
    "Decision",
    "FileState",
    "IllegalTransition",
    "Ladder",
    "Mark",
    "PersonId",
    "Role",
    "Stage",
    "Tier",
    "Transition",
    "initial_states",
    "states_frame",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Ladder:
    """A campaign's screening ladder.

    ``tiers`` are reviewed in order; ``course``, when given, is one more tier after them (selection
    continued during the preparatory course). ``final_selector`` makes the final selection until
    ``takeover_date``, and ``takeover_selector`` from that day on. ``overrider`` may overrule any tier
    (``None``: no one may); ``appeal_body`` hears appeals (``None``: no appeals). ``version`` is stored
    with every decision, so that a decision can be explained by the ladder that allowed it.
    """

    version: str
    tiers: tuple[Tier, ...]
    course: Tier | None = None
    submitters: tuple[Role, ...] = (Role.VOLUNTEER, Role.SYSTEM)
    final_selector: Role = Role.REGIONAL_COUNCIL
    takeover_date: date | None = None
    takeover_selector: Role = Role.REGIONAL_PARTY
    overrider: Role | None = Role.REGIONAL_PARTY
    appeal_body: Role | None = Role.REGIONAL_PARTY

    transitions: tuple[Transition, ...] = field(init=False, repr=False, compare=False)
    #: Every stage the table knows: a file of this ladder is never anywhere else.
    stages: frozenset[Stage] = field(init=False, repr=False, compare=False)
    _by_move: dict[tuple[Stage, Action], tuple[Transition, ...]] = field(init=False, repr=False, compare=False)
    _join: pl.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.tiers:
            raise ValueError("a ladder needs at least one tier")
        stages = [tier.stage for tier in self.all_tiers]
        if len(set(stages)) != len(stages):
            raise ValueError(f"each tier needs its own stage, got {stages}")
        if not self.submitters:
            raise ValueError("someone must be able to submit a file")
        bodies = [self.final_selector, self.takeover_selector, self.overrider, self.appeal_body]
        if any(body is not None and body not in AUTHORITY for body in bodies):
            raise ValueError(f"selectors, the overrider and the appeal body must be bodies, got {bodies}")
        transitions = build_transitions(self)
        check_deterministic(transitions)
        by_move: dict[tuple[Stage, Action], list[Transition]] = {}
        for row in transitions:
            by_move.setdefault((row.from_stage, row.action), []).append(row)
        object.__setattr__(self, "transitions", transitions)
        object.__setattr__(
            self, "stages", frozenset(s for row in transitions for s in (row.from_stage, row.to_stage))
        )
        object.__setattr__(self, "_by_move", {key: tuple(rows) for key, rows in by_move.items()})
        object.__setattr__(self, "_join", join_frame(transitions))

    # -- configuration, as the table builder and the messages read it -------------------------------

    @property
    def all_tiers(self) -> tuple[Tier, ...]:
        """The tiers in review order, the course tier last when there is one."""
        return self.tiers if self.course is None else (*self.tiers, self.course)

    def tier_of(self, stage: Stage) -> tuple[int, str] | None:
        """The number (from 1) and name of the tier that decides at ``stage``, or None."""
        for number, tier in enumerate(self.all_tiers, start=1):
            if tier.stage == stage:
                return number, tier.name
        return None

    def appealable(self, role: Role) -> bool:
        """Whether a rejection by ``role`` can be appealed: only to a body that stands above it."""
        return self.appeal_body is not None and AUTHORITY[self.appeal_body] > AUTHORITY.get(role, 0)

    def selector_on(self, as_of: date) -> Role:
        """The body that makes the final selection on ``as_of``."""
        if self.takeover_date is not None and as_of >= self.takeover_date:
            return self.takeover_selector
        return self.final_selector

    def selector_periods(self) -> tuple[tuple[Role, date | None, date | None], ...]:
        """``(selector, on_or_after, before)`` for each period of the final selection."""
        if self.takeover_date is None or self.takeover_selector == self.final_selector:
            return ((self.final_selector, None, None),)
        return (
            (self.final_selector, None, self.takeover_date),
            (self.takeover_selector, self.takeover_date, None),
        )

    def with_course(self, course: Tier | None = None) -> Ladder:
        """This ladder with selection continued during the course (tier 5), under its own version."""
        return replace(self, course=course or COURSE_1929, version=f"{self.version}+course")

    # -- the table -----------------------------------------------------------------------------------

    def table(self) -> pl.DataFrame:
        """The transition table: ``from_stage, action, role, guard, to_stage`` and the guards as columns."""
        return table_frame(self.transitions)

    def rows_for(self, stage: Stage, action: Action) -> tuple[Transition, ...]:
        """The table's rows for ``action`` on a file at ``stage``, any role, any guard."""
        return self._by_move.get((stage, action), ())

    def join_table(self, as_of: date) -> pl.DataFrame:
        """The rows in force on ``as_of``, keyed exactly for the batch form's join."""
        j = self._join
        in_force = (pl.col("_sc_on_or_after").is_null() | (pl.col("_sc_on_or_after") <= as_of)) & (
            pl.col("_sc_before").is_null() | (pl.col("_sc_before") > as_of)
        )
        return j.filter(in_force).drop("_sc_on_or_after", "_sc_before")

    # -- one file ------------------------------------------------------------------------------------

    def allowed(self, state: FileState, role: Role, as_of: date) -> tuple[Action, ...]:
        """The actions ``role`` may take on the file on ``as_of`` (each still needs a reason)."""
        return allowed(self, state, Role(role), as_of)

    def apply(self, state: FileState, action: Action, *, role: Role, reason: str, as_of: date) -> FileState:
        """The file's state after ``role`` takes ``action`` on ``as_of``.

        Raises :class:`IllegalTransition`, whose ``why`` says what is wrong, when the table has no such
        move for this file, role and date, or when ``reason`` is empty.
        """
        return self._step(state, Action(action), Role(role), reason, as_of)[0]

    def apply_logged(
        self, state: FileState, action: Action, *, person_id: PersonId, role: Role, reason: str, as_of: date
    ) -> tuple[FileState, Decision]:
        """Like :meth:`apply`, and also the decision record the web layer stores with its audit row."""
        new, row = self._step(state, Action(action), Role(role), reason, as_of)
        decision = Decision(
            person_id=person_id, from_stage=state.stage, to_stage=new.stage, action=row.action,
            role=row.role, reason=reason, as_of=as_of, version=self.version,
        )
        return new, decision

    def _step(
        self, state: FileState, action: Action, role: Role, reason: str, as_of: date
    ) -> tuple[FileState, Transition]:
        found = find(self, state, action, role, as_of)
        if not isinstance(found, Transition):
            raise IllegalTransition(from_stage=state.stage, action=action, role=role, why=found)
        if not has_reason(reason):
            raise IllegalTransition(from_stage=state.stage, action=action, role=role, why=REASON_REQUIRED)
        return found.apply(state), found

    # -- many files ----------------------------------------------------------------------------------

    def apply_batch(
        self,
        states: pl.DataFrame,
        action: Action | pl.Series,
        *,
        role: Role | pl.Series,
        as_of: date,
        reason: str | pl.Series,
    ) -> BatchResult:
        """Apply an action to every row of ``states`` at once, by joining them against the table.

        ``states`` needs ``person_id`` and ``stage``; ``rejected_at``, ``appealed`` and ``decided_by``
        default to a fresh file's values when absent. ``action``, ``role`` and ``reason`` are one value for
        every row or a Series with one value per row. Illegal rows keep their state and are listed, with
        the same ``why`` :meth:`apply` would raise, in ``BatchResult.illegal``.
        """
        return apply_batch(self, states, action, role=role, as_of=as_of, reason=reason)


COURSE_1929 = Tier(name="course", stage=Stage.AT_COURSE, roles=(Role.COURSE,))

#: The ladder of 1929-30: four tiers, the regional council selecting until the regional party committee
#: took over the final selection on 22 January 1930; the party committee overrules and hears appeals.
LADDER_1929 = Ladder(
    version="1929",
    tiers=(
        Tier(name="party cell or general meeting", stage=Stage.AT_PARTY_CELL,
             roles=(Role.PARTY_CELL, Role.GENERAL_MEETING)),
        Tier(name="factory committee", stage=Stage.AT_FACTORY_COMMITTEE, roles=(Role.FACTORY_COMMITTEE,)),
        Tier(name="regional union", stage=Stage.AT_REGIONAL_UNION, roles=(Role.REGIONAL_UNION,)),
        Tier(name="regional council", stage=Stage.AT_REGIONAL_COUNCIL, roles=(Role.REGIONAL_COUNCIL,)),
    ),
    final_selector=Role.REGIONAL_COUNCIL,
    takeover_date=date(1930, 1, 22),
    takeover_selector=Role.REGIONAL_PARTY,
    overrider=Role.REGIONAL_PARTY,
    appeal_body=Role.REGIONAL_PARTY,
)
