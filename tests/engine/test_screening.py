"""The screening ladder: one table of moves, read one file at a time and a frame at a time.

Every data-driven case goes through ``check()``, which runs it both ways (``apply`` and ``apply_batch``),
so the two forms are held to the same answer on every case as well as in the hypothesis properties.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.engine.screening import (
    COURSE_1929,
    LADDER_1929,
    LOG_COLUMNS,
    REASON_REQUIRED,
    REJECTION_STAGES,
    TERMINAL,
    Action,
    Decision,
    FileState,
    IllegalTransition,
    Ladder,
    Role,
    Stage,
    Tier,
    initial_states,
    states_frame,
)

L = LADDER_1929
BEFORE = date(1930, 1, 10)  # the regional council still makes the final selection
TAKEOVER = date(1930, 1, 22)  # from this day the regional party committee does

V = Role.VOLUNTEER
CELL = Role.PARTY_CELL
FC = Role.FACTORY_COMMITTEE
UNION = Role.REGIONAL_UNION
COUNCIL = Role.REGIONAL_COUNCIL
PARTY = Role.REGIONAL_PARTY

S = Stage
A = Action


def at(stage: Stage, rejected_at: Stage | None = None, *, appealed: bool = False, by: Role | None = None) -> FileState:
    return FileState(stage=stage, rejected_at=rejected_at, appealed=appealed, decided_by=by)


def batch_one(
    ladder: Ladder, state: FileState, action: Action, role: Role, as_of: date, reason: str
) -> tuple[FileState, str | None]:
    """The batch form on a one-row frame: the new state and the refusal, if any."""
    result = ladder.apply_batch(states_frame({7: state}), action, role=role, as_of=as_of, reason=reason)
    new = FileState.from_row(result.states.row(0, named=True))
    why = result.illegal["why"][0] if result.illegal.height else None
    assert result.log.height + result.illegal.height == 1
    return new, why


def outcome(
    ladder: Ladder, state: FileState, action: Action, *, role: Role, reason: str, as_of: date, person_id: int
) -> tuple[FileState, Decision] | str:
    """What ``apply_logged`` answers: the new state and its record, or the words of the refusal."""
    try:
        return ladder.apply_logged(state, action, person_id=person_id, role=role, reason=reason, as_of=as_of)
    except IllegalTransition as refused:
        return refused.why


def check(
    state: FileState,
    action: Action,
    role: Role,
    as_of: date,
    expected: Stage | str,
    *,
    ladder: Ladder = L,
    reason: str = "code",
) -> FileState | None:
    """``role`` doing ``action`` reaches ``expected`` (a stage) or is refused with ``expected`` (the why).

    The batch form must give the same answer. Returns the new state when the move is legal.
    """
    batch_state, batch_why = batch_one(ladder, state, action, role, as_of, reason)
    if isinstance(expected, Stage):
        new = ladder.apply(state, action, role=role, reason=reason, as_of=as_of)
        assert new.stage is expected
        assert action in ladder.allowed(state, role, as_of)
        assert (batch_state, batch_why) == (new, None)
        return new
    with pytest.raises(IllegalTransition) as refused:
        ladder.apply(state, action, role=role, reason=reason, as_of=as_of)
    assert refused.value.why == expected
    assert (refused.value.from_stage, refused.value.action, refused.value.role) == (state.stage, action, role)
    assert (batch_state, batch_why) == (state, expected)
    return None


CASES: list[tuple[str, FileState, Action, Role, date, Stage | str]] = [
    # Intake.
    ("volunteer submits", at(S.DECLARED), A.SUBMIT, V, BEFORE, S.AT_PARTY_CELL),
    ("system submits", at(S.DECLARED), A.SUBMIT, Role.SYSTEM, BEFORE, S.AT_PARTY_CELL),
    ("cell cannot submit", at(S.DECLARED), A.SUBMIT, CELL, BEFORE, "the party cell cannot submit a declared file"),
    ("submit twice", at(S.AT_PARTY_CELL), A.SUBMIT, V, BEFORE, "the file has already been submitted"),
    ("approve unsubmitted", at(S.DECLARED), A.APPROVE, CELL, BEFORE, "the file has not been submitted yet"),
    # The tiers, in order, and only the tier whose turn it is.
    ("general meeting is tier 1", at(S.AT_PARTY_CELL), A.APPROVE, Role.GENERAL_MEETING, BEFORE, S.AT_FACTORY_COMMITTEE),
    ("tier 2 approves", at(S.AT_FACTORY_COMMITTEE), A.APPROVE, FC, BEFORE, S.AT_REGIONAL_UNION),
    ("tier 4 approves", at(S.AT_REGIONAL_COUNCIL), A.APPROVE, COUNCIL, BEFORE, S.APPROVED),
    ("tier 3 rejects", at(S.AT_REGIONAL_UNION), A.REJECT, UNION, BEFORE, S.REJECTED),
    ("tier out of turn", at(S.AT_FACTORY_COMMITTEE), A.APPROVE, UNION, BEFORE,
     "tier 3 (regional union) cannot approve a file at tier 2 (factory committee)"),
    ("lower tier too late", at(S.AT_REGIONAL_COUNCIL), A.REJECT, CELL, BEFORE,
     "tier 1 (party cell or general meeting) cannot reject a file at tier 4 (regional council)"),
    ("volunteer cannot approve", at(S.AT_PARTY_CELL), A.APPROVE, V, BEFORE,
     "the volunteer cannot approve a file at tier 1 (party cell or general meeting)"),
    ("party overrides, not approves", at(S.AT_PARTY_CELL), A.APPROVE, PARTY, BEFORE,
     "the regional party committee cannot approve a file at tier 1 (party cell or general meeting); "
     "the regional party committee overrules with override_approve instead"),
    ("approved twice", at(S.APPROVED), A.APPROVE, COUNCIL, BEFORE, "the file is already approved"),
    ("select too early", at(S.AT_REGIONAL_COUNCIL), A.SELECT, COUNCIL, BEFORE, "only an approved file can be selected"),
    # Final selection: the regional council until 22 January 1930, the regional party committee from then on.
    ("council selects before", at(S.APPROVED), A.SELECT, COUNCIL, BEFORE, S.SELECTED),
    ("council selects the day before", at(S.APPROVED), A.SELECT, COUNCIL, TAKEOVER - timedelta(days=1), S.SELECTED),
    ("party selects from the day", at(S.APPROVED), A.SELECT, PARTY, TAKEOVER, S.SELECTED),
    ("council too late", at(S.APPROVED), A.SELECT, COUNCIL, TAKEOVER,
     "only the regional party committee selects from 1930-01-22 on"),
    ("party too early", at(S.APPROVED), A.SELECT, PARTY, BEFORE, "only the regional council selects before 1930-01-22"),
    ("union never selects", at(S.APPROVED), A.SELECT, UNION, BEFORE, "only the regional council selects before 1930-01-22"),
    ("council cuts at selection", at(S.APPROVED), A.REJECT, COUNCIL, BEFORE, S.REJECTED),
    ("party cuts at selection, finally", at(S.APPROVED), A.REJECT, PARTY, TAKEOVER, S.REJECTED_FINAL),
    ("council cannot cut late", at(S.APPROVED), A.REJECT, COUNCIL, TAKEOVER,
     "only the regional party committee may reject an approved file from 1930-01-22 on"),
    # Appeals: one per file, heard by the regional party committee.
    ("appeal", at(S.REJECTED, S.AT_FACTORY_COMMITTEE, by=FC), A.APPEAL, V, BEFORE, S.APPEALED),
    ("only the volunteer appeals", at(S.REJECTED, S.AT_FACTORY_COMMITTEE), A.APPEAL, CELL, BEFORE,
     "the party cell cannot appeal a rejected file"),
    ("appeal an approved file", at(S.APPROVED), A.APPEAL, V, BEFORE, "only a rejected file can be appealed"),
    ("appeal twice at once", at(S.APPEALED, S.AT_PARTY_CELL, appealed=True), A.APPEAL, V, BEFORE,
     "the file is already under appeal"),
    ("upheld at tier 1", at(S.APPEALED, S.AT_PARTY_CELL, appealed=True), A.UPHOLD_APPEAL, PARTY, BEFORE,
     S.AT_FACTORY_COMMITTEE),
    ("upheld at tier 4", at(S.APPEALED, S.AT_REGIONAL_COUNCIL, appealed=True), A.UPHOLD_APPEAL, PARTY, BEFORE,
     S.APPROVED),
    ("upheld at selection", at(S.APPEALED, S.APPROVED, appealed=True), A.UPHOLD_APPEAL, PARTY, BEFORE, S.APPROVED),
    ("dismissed", at(S.APPEALED, S.AT_PARTY_CELL, appealed=True), A.DISMISS_APPEAL, PARTY, BEFORE, S.REJECTED_FINAL),
    ("council does not hear appeals", at(S.APPEALED, S.AT_PARTY_CELL, appealed=True), A.UPHOLD_APPEAL, COUNCIL,
     BEFORE, "the regional council cannot uphold an appeal on a file under appeal"),
    ("nothing to decide", at(S.REJECTED, S.AT_PARTY_CELL), A.DISMISS_APPEAL, PARTY, BEFORE, "there is no appeal to decide"),
    ("no second appeal", at(S.REJECTED_FINAL, S.AT_PARTY_CELL, appealed=True, by=PARTY), A.APPEAL, V, BEFORE,
     "appeal already decided: a file has one appeal"),
    ("rejected after an upheld appeal is final", at(S.AT_REGIONAL_UNION, appealed=True), A.REJECT, UNION, BEFORE,
     S.REJECTED_FINAL),
    ("tiers wait for the appeal", at(S.APPEALED, S.AT_FACTORY_COMMITTEE, appealed=True), A.APPROVE, FC, BEFORE,
     "the file is under appeal: the appeal body decides it first"),
    ("a rejection stands", at(S.REJECTED, S.AT_FACTORY_COMMITTEE), A.APPROVE, FC, BEFORE,
     "the file was rejected at tier 2 (factory committee): only an appeal or an override reopens it"),
    # Overrides by the regional party committee, at any tier, any day.
    ("override approve skips tiers", at(S.AT_PARTY_CELL), A.OVERRIDE_APPROVE, PARTY, BEFORE, S.APPROVED),
    ("override reject is final", at(S.AT_REGIONAL_UNION), A.OVERRIDE_REJECT, PARTY, BEFORE, S.REJECTED_FINAL),
    ("override reject at selection", at(S.APPROVED), A.OVERRIDE_REJECT, PARTY, BEFORE, S.REJECTED_FINAL),
    ("override lifts a rejection", at(S.REJECTED, S.AT_PARTY_CELL, by=CELL), A.OVERRIDE_APPROVE, PARTY, BEFORE,
     S.APPROVED),
    ("no appeal above the party", at(S.REJECTED_FINAL, S.AT_REGIONAL_UNION, by=PARTY), A.APPEAL, V, BEFORE,
     "a rejection by the regional party committee cannot be appealed: no body above it hears appeals"),
    ("only the party overrides", at(S.AT_PARTY_CELL), A.OVERRIDE_APPROVE, COUNCIL, BEFORE,
     "the regional council cannot override-approve a file at tier 1 (party cell or general meeting)"),
    ("nothing to override before submission", at(S.DECLARED), A.OVERRIDE_APPROVE, PARTY, BEFORE,
     "the file has not been submitted yet"),
    ("no override of an appeal", at(S.APPEALED, S.AT_PARTY_CELL, appealed=True), A.OVERRIDE_APPROVE, PARTY, BEFORE,
     "the file is under appeal: the appeal body decides it first"),
    # Withdrawal: while in the running the file is withdrawn; once rejected, withdrawing waives the appeal.
    ("withdraw declared", at(S.DECLARED), A.WITHDRAW, V, BEFORE, S.WITHDRAWN),
    ("withdraw at tier 3", at(S.AT_REGIONAL_UNION), A.WITHDRAW, V, BEFORE, S.WITHDRAWN),
    ("withdraw approved", at(S.APPROVED), A.WITHDRAW, V, TAKEOVER, S.WITHDRAWN),
    ("withdraw waives appeal", at(S.REJECTED, S.AT_PARTY_CELL), A.WITHDRAW, V, BEFORE, S.REJECTED_FINAL),
    ("withdraw drops appeal", at(S.APPEALED, S.AT_PARTY_CELL, appealed=True), A.WITHDRAW, V, BEFORE, S.REJECTED_FINAL),
    ("only the volunteer withdraws", at(S.AT_PARTY_CELL), A.WITHDRAW, CELL, BEFORE,
     "the party cell cannot withdraw a file at tier 1 (party cell or general meeting)"),
    ("waived appeal", at(S.REJECTED_FINAL, S.AT_PARTY_CELL, by=CELL), A.APPEAL, V, BEFORE,
     "the rejection is final: the appeal was waived"),
    # Closed files.
    ("selected is closed", at(S.SELECTED), A.WITHDRAW, V, BEFORE, "the file is selected and accepts no further action"),
    ("withdrawn is closed", at(S.WITHDRAWN), A.SUBMIT, V, BEFORE, "the file is withdrawn and accepts no further action"),
    ("final is closed", at(S.REJECTED_FINAL, S.APPROVED), A.OVERRIDE_APPROVE, PARTY, BEFORE,
     "the file is finally rejected and accepts no further action"),
]


@pytest.mark.parametrize(("state", "action", "role", "as_of", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_moves(state: FileState, action: Action, role: Role, as_of: date, expected: Stage | str) -> None:
    check(state, action, role, as_of, expected)


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(reason: str) -> None:
    check(at(S.AT_PARTY_CELL), A.APPROVE, CELL, BEFORE, REASON_REQUIRED, reason=reason)
    check(at(S.DECLARED), A.SUBMIT, V, BEFORE, REASON_REQUIRED, reason=reason)


def test_the_whole_ladder_with_its_decision_log() -> None:
    state = FileState()
    steps = [
        (A.SUBMIT, V, "volunteered"),
        (A.APPROVE, CELL, "activist"),
        (A.APPROVE, FC, "skilled"),
        (A.APPROVE, UNION, "ok"),
        (A.APPROVE, COUNCIL, "ok"),
        (A.SELECT, PARTY, "quota"),
    ]
    log: list[Decision] = []
    for action, role, reason in steps:
        state, decision = L.apply_logged(state, action, person_id="P1", role=role, reason=reason, as_of=TAKEOVER)
        log.append(decision)
    assert state == FileState(stage=S.SELECTED, decided_by=PARTY)
    assert [d.to_stage for d in log] == [
        S.AT_PARTY_CELL, S.AT_FACTORY_COMMITTEE, S.AT_REGIONAL_UNION, S.AT_REGIONAL_COUNCIL, S.APPROVED, S.SELECTED
    ]
    assert log[-1] == Decision(
        person_id="P1", from_stage=S.APPROVED, to_stage=S.SELECTED, action=A.SELECT, role=PARTY,
        reason="quota", as_of=TAKEOVER, version="1929",
    )


def test_appeal_upheld_goes_on_and_a_second_rejection_is_final() -> None:
    state = at(S.AT_FACTORY_COMMITTEE)
    for action, role, expected in [
        (A.REJECT, FC, S.REJECTED),
        (A.APPEAL, V, S.APPEALED),
        (A.UPHOLD_APPEAL, PARTY, S.AT_REGIONAL_UNION),
        (A.REJECT, UNION, S.REJECTED_FINAL),
    ]:
        new = check(state, action, role, BEFORE, expected)
        assert new is not None
        state = new
    assert state == at(S.REJECTED_FINAL, S.AT_REGIONAL_UNION, appealed=True, by=UNION)
    check(state, A.APPEAL, V, BEFORE, "appeal already decided: a file has one appeal")


def test_the_course_tier() -> None:
    ladder = L.with_course()
    assert ladder.version == "1929+course"
    check(at(S.AT_REGIONAL_COUNCIL), A.APPROVE, COUNCIL, BEFORE, S.AT_COURSE, ladder=ladder)
    check(at(S.AT_COURSE), A.APPROVE, Role.COURSE, BEFORE, S.APPROVED, ladder=ladder)
    check(at(S.AT_COURSE), A.REJECT, Role.COURSE, BEFORE, S.REJECTED, ladder=ladder)
    check(at(S.APPEALED, S.AT_REGIONAL_COUNCIL, appealed=True), A.UPHOLD_APPEAL, PARTY, BEFORE, S.AT_COURSE,
          ladder=ladder)
    check(at(S.AT_COURSE), A.APPROVE, COUNCIL, BEFORE,
          "tier 4 (regional council) cannot approve a file at tier 5 (course)", ladder=ladder)
    check(at(S.AT_COURSE), A.APPROVE, Role.COURSE, BEFORE,
          "this ladder has no stage at_course")


def test_an_appeal_body_above_the_party_hears_its_overrides() -> None:
    ladder = Ladder(version="test", tiers=L.tiers, appeal_body=Role.CAMPAIGN_AUTHORITY)
    assert ladder.takeover_date is None
    check(at(S.AT_PARTY_CELL), A.OVERRIDE_REJECT, PARTY, BEFORE, S.REJECTED, ladder=ladder)
    check(at(S.APPROVED), A.SELECT, COUNCIL, TAKEOVER, S.SELECTED, ladder=ladder)
    check(at(S.APPROVED), A.SELECT, PARTY, TAKEOVER, "the regional party committee cannot select an approved file",
          ladder=ladder)


def test_a_ladder_without_appeals_or_overrides() -> None:
    ladder = Ladder(version="strict", tiers=L.tiers[:2], final_selector=FC, overrider=None, appeal_body=None)
    assert Stage.REJECTED not in ladder.stages
    check(at(S.AT_FACTORY_COMMITTEE), A.APPROVE, FC, BEFORE, S.APPROVED, ladder=ladder)
    check(at(S.AT_PARTY_CELL), A.REJECT, CELL, BEFORE, S.REJECTED_FINAL, ladder=ladder)
    check(at(S.AT_PARTY_CELL), A.OVERRIDE_APPROVE, PARTY, BEFORE, "this ladder has no body that overrides", ladder=ladder)


def test_allowed_lists_the_legal_actions() -> None:
    assert L.allowed(at(S.DECLARED), V, BEFORE) == (A.SUBMIT, A.WITHDRAW)
    assert L.allowed(at(S.APPROVED), PARTY, TAKEOVER) == (A.REJECT, A.OVERRIDE_REJECT, A.SELECT)
    assert L.allowed(at(S.APPROVED), PARTY, BEFORE) == (A.OVERRIDE_REJECT,)
    assert L.allowed(at(S.AT_REGIONAL_UNION), UNION, BEFORE) == (A.APPROVE, A.REJECT)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tiers": ()}, "at least one tier"),
        ({"tiers": (L.tiers[0], L.tiers[0])}, "its own stage"),
        ({"submitters": ()}, "submit"),
        ({"appeal_body": V}, "must be bodies"),
    ],
)
def test_a_bad_ladder_is_refused(changes: dict[str, object], message: str) -> None:
    config: dict[str, object] = {"version": "x", "tiers": L.tiers, **changes}
    with pytest.raises(ValueError, match=message):
        Ladder(**config)  # type: ignore[arg-type]


def test_a_tier_is_a_body_at_a_tier_stage() -> None:
    with pytest.raises(ValueError, match="not a tier stage"):
        Tier(name="x", stage=S.APPROVED, roles=(CELL,))
    with pytest.raises(ValueError, match="only bodies"):
        Tier(name="x", stage=S.AT_PARTY_CELL, roles=(V,))
    assert COURSE_1929.stage is S.AT_COURSE


def test_the_table_is_printable_and_closed() -> None:
    table = L.table()
    assert table.columns[:5] == ["from_stage", "action", "role", "guard", "to_stage"]
    assert table.filter(pl.col("from_stage").is_in([s.value for s in TERMINAL])).is_empty()
    # Every open stage lets the volunteer withdraw.
    open_stages = {s.value for s in L.stages} - {s.value for s in TERMINAL}
    withdrawable = set(table.filter(pl.col("action") == "withdraw")["from_stage"])
    assert withdrawable == open_stages
    dated = table.filter(pl.col("guard").str.contains("1930-01-22"))
    assert set(dated["action"]) == {"select", "reject"}
    assert set(dated["from_stage"]) == {"approved"}


# -- the batch form --------------------------------------------------------------------------------


def test_batch_keeps_order_and_extra_columns_and_logs() -> None:
    states = states_frame({1: at(S.AT_PARTY_CELL), 2: at(S.AT_FACTORY_COMMITTEE), 3: at(S.SELECTED)})
    states = states.with_columns(region=pl.Series(["LEN", "MOS", "UKR"]))
    result = L.apply_batch(states, A.APPROVE, role=CELL, as_of=BEFORE, reason=pl.Series(["a", "b", None]))
    assert result.states["person_id"].to_list() == [1, 2, 3]
    assert result.states["region"].to_list() == ["LEN", "MOS", "UKR"]
    assert result.states["stage"].to_list() == ["at_factory_committee", "at_factory_committee", "selected"]
    assert result.log.columns == list(LOG_COLUMNS)
    assert result.log.row(0) == (1, "at_party_cell", "at_factory_committee", "approve", "party_cell", "a", BEFORE, "1929")
    assert result.illegal["person_id"].to_list() == [2, 3]
    assert result.illegal["why"][1] == "the file is selected and accepts no further action"


def test_batch_fills_missing_state_columns_and_checks_its_inputs() -> None:
    states = pl.DataFrame({"person_id": ["a", "b"], "stage": ["declared", "nowhere"]})
    result = L.apply_batch(states, pl.Series(["submit", "submit"]), role=V, as_of=BEFORE, reason="x")
    assert result.states.columns == ["person_id", "stage", "rejected_at", "appealed", "decided_by"]
    assert result.states["stage"].to_list() == ["at_party_cell", "nowhere"]
    assert result.illegal["why"].to_list() == ["unknown stage 'nowhere'"]
    odd = L.apply_batch(initial_states(["a"]), pl.Series(["promote"]), role=V, as_of=BEFORE, reason="x")
    assert odd.illegal["why"].to_list() == ["unknown action 'promote'"]
    with pytest.raises(ValueError, match="person_id"):
        L.apply_batch(pl.DataFrame({"stage": ["declared"]}), A.SUBMIT, role=V, as_of=BEFORE, reason="x")
    with pytest.raises(ValueError, match="2 values for 1 rows"):
        L.apply_batch(initial_states(["a"]), A.SUBMIT, role=pl.Series(["volunteer"] * 2), as_of=BEFORE, reason="x")


def test_a_batch_of_a_hundred_thousand_files_moves_only_the_legal_rows() -> None:
    n = 100_000
    stages = [s.value for s in (S.AT_PARTY_CELL, S.AT_FACTORY_COMMITTEE, S.AT_REGIONAL_UNION, S.APPROVED)]
    states = initial_states(pl.int_range(n, eager=True)).with_columns(
        stage=pl.Series([stages[i % len(stages)] for i in range(n)])
    )
    result = L.apply_batch(states, A.APPROVE, role=FC, as_of=BEFORE, reason="skilled")
    assert result.log.height == n // 4
    assert result.illegal.height == n - n // 4
    assert result.states.filter(pl.col("stage") == S.AT_REGIONAL_UNION.value).height == n // 2


# -- properties ------------------------------------------------------------------------------------

LADDERS = [L, L.with_course(), Ladder(version="up", tiers=L.tiers[1:], appeal_body=Role.CAMPAIGN_AUTHORITY)]
DATES = [BEFORE, TAKEOVER - timedelta(days=1), TAKEOVER, date(1931, 1, 1)]

states_st = st.builds(
    FileState,
    stage=st.sampled_from(Stage),
    rejected_at=st.none() | st.sampled_from(Stage),
    appealed=st.booleans(),
    decided_by=st.none() | st.sampled_from(Role),
)
moves_st = st.tuples(st.sampled_from(Action), st.sampled_from(Role), st.sampled_from(["code", "", " "]))


@given(
    ladder=st.sampled_from(LADDERS),
    as_of=st.sampled_from(DATES),
    rows=st.lists(st.tuples(states_st, moves_st), min_size=1, max_size=25),
)
def test_batch_agrees_with_apply_row_by_row(
    ladder: Ladder, as_of: date, rows: list[tuple[FileState, tuple[Action, Role, str]]]
) -> None:
    states = states_frame({i: state for i, (state, _) in enumerate(rows)})
    result = ladder.apply_batch(
        states,
        pl.Series([m[0].value for _, m in rows]),
        role=pl.Series([m[1].value for _, m in rows]),
        as_of=as_of,
        reason=pl.Series([m[2] for _, m in rows]),
    )
    whys = dict(zip(result.illegal["person_id"], result.illegal["why"], strict=True))
    log = {row["person_id"]: row for row in result.log.iter_rows(named=True)}
    for i, (state, (action, role, reason)) in enumerate(rows):
        got = FileState.from_row(result.states.row(i, named=True))
        expected = outcome(ladder, state, action, role=role, reason=reason, as_of=as_of, person_id=i)
        if isinstance(expected, str):
            assert (got, whys.get(i), i in log) == (state, expected, False)
        else:
            new, decision = expected
            assert (got, i in whys, log[i]) == (new, False, decision.as_row())


@given(
    ladder=st.sampled_from(LADDERS),
    walk=st.lists(st.tuples(st.sampled_from(Action), st.sampled_from(Role), st.sampled_from(DATES)), max_size=40),
)
def test_random_walks_stay_in_the_table(ladder: Ladder, walk: list[tuple[Action, Role, date]]) -> None:
    state = FileState()
    for action, role, as_of in walk:
        legal = ladder.allowed(state, role, as_of)
        try:
            state = ladder.apply(state, action, role=role, reason="code", as_of=as_of)
        except IllegalTransition:
            assert action not in legal
        else:
            assert action in legal
        assert state.stage in ladder.stages
        # A file carries a rejection exactly while it stands rejected.
        assert (state.rejected_at is not None) == (state.stage in REJECTION_STAGES)
        assert state.rejected_at is None or state.rejected_at in ladder.stages


@given(
    ladder=st.sampled_from(LADDERS),
    state=states_st.filter(lambda s: s.stage in TERMINAL),
    move=moves_st,
    as_of=st.sampled_from(DATES),
)
def test_terminal_states_accept_nothing(
    ladder: Ladder, state: FileState, move: tuple[Action, Role, str], as_of: date
) -> None:
    action, role, _ = move
    assert ladder.allowed(state, role, as_of) == ()
    with pytest.raises(IllegalTransition):
        ladder.apply(state, action, role=role, reason="code", as_of=as_of)
