"""The vocabulary of the screening ladder: stages, actions, roles, the state of one file, a decision record.

Everything here is plain data. The rules that connect these codes live in the transition table that a
:class:`~cadre.engine.screening.Ladder` compiles (``screening_table``); nothing in this module decides
whether a move is legal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Person identifiers come from the web layer (integers or UUID strings) or the twin (integers); the
# ladder only carries them through.
PersonId = int | str


class Stage(StrEnum):
    """Where a personal file stands in the ladder.

    The ``at_*`` stages mean "waiting for that tier's decision". Values carry an ``at_`` prefix so that a
    stage never compares equal to the role of the same name (both are ``str``).
    """

    DECLARED = "declared"  # the volunteer has declared; the file is not yet submitted for screening
    AT_PARTY_CELL = "at_party_cell"
    AT_FACTORY_COMMITTEE = "at_factory_committee"
    AT_REGIONAL_UNION = "at_regional_union"
    AT_REGIONAL_COUNCIL = "at_regional_council"
    AT_COURSE = "at_course"  # selection continued during the preparatory course (optional tier 5)
    APPROVED = "approved"  # passed every tier; waiting for final selection
    SELECTED = "selected"
    REJECTED = "rejected"  # rejected, and the rejection can still be appealed
    APPEALED = "appealed"  # rejected, and the appeal is waiting for the appeal body
    REJECTED_FINAL = "rejected_final"
    WITHDRAWN = "withdrawn"


#: Stages a tier may stand for, in the order of the 1929 ladder.
TIER_STAGES: tuple[Stage, ...] = (
    Stage.AT_PARTY_CELL,
    Stage.AT_FACTORY_COMMITTEE,
    Stage.AT_REGIONAL_UNION,
    Stage.AT_REGIONAL_COUNCIL,
    Stage.AT_COURSE,
)

#: Stages that accept no action at all.
TERMINAL: frozenset[Stage] = frozenset({Stage.SELECTED, Stage.REJECTED_FINAL, Stage.WITHDRAWN})

#: Stages at which a file carries a standing rejection (``FileState.rejected_at`` is set exactly here).
REJECTION_STAGES: frozenset[Stage] = frozenset({Stage.REJECTED, Stage.APPEALED, Stage.REJECTED_FINAL})


class Action(StrEnum):
    """What someone does to a file."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    APPEAL = "appeal"
    UPHOLD_APPEAL = "uphold_appeal"
    DISMISS_APPEAL = "dismiss_appeal"
    OVERRIDE_APPROVE = "override_approve"
    OVERRIDE_REJECT = "override_reject"
    SELECT = "select"
    WITHDRAW = "withdraw"


#: Actions that are decisions of a body: they set ``FileState.decided_by``. Submitting, appealing and
#: withdrawing are the volunteer's own moves and leave the last decision as it was.
DECISIONS: frozenset[Action] = frozenset(
    {
        Action.APPROVE,
        Action.REJECT,
        Action.UPHOLD_APPEAL,
        Action.DISMISS_APPEAL,
        Action.OVERRIDE_APPROVE,
        Action.OVERRIDE_REJECT,
        Action.SELECT,
    }
)


class Role(StrEnum):
    """Who acts. The bodies of SYSTEM.md §2, plus the volunteer and the system (imports, the twin)."""

    VOLUNTEER = "volunteer"
    SYSTEM = "system"
    PARTY_CELL = "party_cell"
    GENERAL_MEETING = "general_meeting"
    FACTORY_COMMITTEE = "factory_committee"
    REGIONAL_UNION = "regional_union"
    REGIONAL_COUNCIL = "regional_council"
    COURSE = "course"
    REGIONAL_PARTY = "regional_party"
    CAMPAIGN_AUTHORITY = "campaign_authority"


#: How high a body stands. An appeal is heard only by a body that stands above the one that rejected, so a
#: rejection by the appeal body itself (or by a body above it) is final. The volunteer and the system are
#: not bodies and have no rank.
AUTHORITY: Mapping[Role, int] = {
    Role.PARTY_CELL: 1,
    Role.GENERAL_MEETING: 1,
    Role.FACTORY_COMMITTEE: 2,
    Role.REGIONAL_UNION: 3,
    Role.REGIONAL_COUNCIL: 4,
    Role.COURSE: 5,
    Role.REGIONAL_PARTY: 6,
    Role.CAMPAIGN_AUTHORITY: 7,
}

ROLE_LABELS: Mapping[Role, str] = {
    Role.VOLUNTEER: "volunteer",
    Role.SYSTEM: "system",
    Role.PARTY_CELL: "party cell",
    Role.GENERAL_MEETING: "general meeting",
    Role.FACTORY_COMMITTEE: "factory committee",
    Role.REGIONAL_UNION: "regional union",
    Role.REGIONAL_COUNCIL: "regional council",
    Role.COURSE: "course",
    Role.REGIONAL_PARTY: "regional party committee",
    Role.CAMPAIGN_AUTHORITY: "campaign authority",
}


class Mark(StrEnum):
    """What a transition does to ``FileState.rejected_at``."""

    KEEP = "keep"
    SET = "set"  # the rejection is recorded at the stage the file was at
    CLEAR = "clear"  # the rejection is lifted (appeal upheld, overridden)


@dataclass(frozen=True, slots=True, kw_only=True)
class Tier:
    """One rung of the ladder: the stage a file waits at and the bodies that may decide there."""

    name: str
    stage: Stage
    roles: tuple[Role, ...]

    def __post_init__(self) -> None:
        if self.stage not in TIER_STAGES:
            raise ValueError(f"tier {self.name!r}: {self.stage} is not a tier stage")
        if not self.roles:
            raise ValueError(f"tier {self.name!r}: at least one role must decide")
        if any(role not in AUTHORITY for role in self.roles):
            raise ValueError(f"tier {self.name!r}: only bodies decide at a tier, not {self.roles}")


@dataclass(frozen=True, slots=True, kw_only=True)
class FileState:
    """The screening state of one personal file.

    ``rejected_at`` is the stage at which the standing rejection was made (set only while the stage is
    rejected, appealed or finally rejected); ``appealed`` says whether the file has used its one appeal;
    ``decided_by`` is the body that took the last decision.
    """

    stage: Stage = Stage.DECLARED
    rejected_at: Stage | None = None
    appealed: bool = False
    decided_by: Role | None = None

    def __post_init__(self) -> None:
        # Callers outside the engine (forms, ORM rows) may hand over plain strings; keep the codes typed
        # so that a misspelt stage fails here rather than deep in a lookup.
        object.__setattr__(self, "stage", Stage(self.stage))
        if self.rejected_at is not None:
            object.__setattr__(self, "rejected_at", Stage(self.rejected_at))
        if self.decided_by is not None:
            object.__setattr__(self, "decided_by", Role(self.decided_by))

    def as_row(self) -> dict[str, str | bool | None]:
        """The state as the columns of a states frame (without ``person_id``)."""
        return {
            "stage": self.stage.value,
            "rejected_at": None if self.rejected_at is None else self.rejected_at.value,
            "appealed": self.appealed,
            "decided_by": None if self.decided_by is None else self.decided_by.value,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> FileState:
        """The state held in one row of a states frame; missing optional columns take their defaults."""
        rejected_at = row.get("rejected_at")
        decided_by = row.get("decided_by")
        return cls(
            stage=Stage(str(row["stage"])),
            rejected_at=None if rejected_at is None else Stage(str(rejected_at)),
            appealed=bool(row.get("appealed") or False),
            decided_by=None if decided_by is None else Role(str(decided_by)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """One applied transition, as the web layer stores it beside its audit row."""

    person_id: PersonId
    from_stage: Stage
    to_stage: Stage
    action: Action
    role: Role
    reason: str
    as_of: date
    version: str

    def as_row(self) -> dict[str, object]:
        """The record as one row of the decision-log frame that ``apply_batch`` returns."""
        return {
            "person_id": self.person_id,
            "from_stage": self.from_stage.value,
            "to_stage": self.to_stage.value,
            "action": self.action.value,
            "role": self.role.value,
            "reason": self.reason,
            "as_of": self.as_of,
            "version": self.version,
        }


class IllegalTransition(Exception):  # noqa: N818 - the name the brief and the web layer use
    """An action that the ladder does not allow for this file, this role and this date.

    ``why`` says in plain words what is wrong ("a reason is required", "appeal already decided", ...).
    """

    def __init__(self, *, from_stage: Stage, action: Action, role: Role, why: str) -> None:
        super().__init__(f"{action} by {role} at {from_stage}: {why}")
        self.from_stage = from_stage
        self.action = action
        self.role = role
        self.why = why
