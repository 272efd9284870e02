"""Many files at once: the ladder's batch form, for the twin and for bulk decisions in the workspace.

A frame of files is joined against the same transition table the single-file form looks moves up in, so
the two cannot disagree about what is legal. Files are rows; there is no Python loop over them. Only the
words for illegal rows come from Python, once per distinct kind of illegal row, so that they are the
very sentences the single-file form raises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from cadre.engine.screening_codes import Action, FileState, Mark, PersonId, Role, Stage
from cadre.engine.screening_moves import REASON_REQUIRED, find
from cadre.engine.screening_table import NO_STAGE, Transition

if TYPE_CHECKING:
    from cadre.engine.screening import Ladder

#: The columns a states frame carries beside ``person_id``; ``stage`` is the only one required.
STATE_SCHEMA: dict[str, pl.DataType] = {
    "stage": pl.String(),
    "rejected_at": pl.String(),
    "appealed": pl.Boolean(),
    "decided_by": pl.String(),
}

#: The columns of the decision log (``person_id`` keeps the dtype it had in the states frame).
LOG_COLUMNS: tuple[str, ...] = (
    "person_id", "from_stage", "to_stage", "action", "role", "reason", "as_of", "version",
)

_KEYS = ["_sc_stage", "_sc_action", "_sc_role", "_sc_appealed", "_sc_rejected_key"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    """What a batch of actions did.

    ``states``: every input row, in input order, with its new state (illegal rows keep their old one).
    ``illegal``: the rows that were refused: ``person_id, stage, action, role, why``.
    ``log``: one decision record per applied row, with the columns of :data:`LOG_COLUMNS`.
    """

    states: pl.DataFrame
    illegal: pl.DataFrame
    log: pl.DataFrame


def initial_states(person_ids: pl.Series | Sequence[PersonId]) -> pl.DataFrame:
    """A states frame in which every person's file has just been declared."""
    ids = person_ids if isinstance(person_ids, pl.Series) else pl.Series(list(person_ids))
    return pl.DataFrame({"person_id": ids}).with_columns(
        pl.lit(Stage.DECLARED.value, dtype=pl.String()).alias("stage"),
        pl.lit(None, dtype=pl.String()).alias("rejected_at"),
        pl.lit(False).alias("appealed"),
        pl.lit(None, dtype=pl.String()).alias("decided_by"),
    )


def states_frame(files: Mapping[PersonId, FileState]) -> pl.DataFrame:
    """A states frame holding the given files, one row each."""
    rows = [{"person_id": person_id, **state.as_row()} for person_id, state in files.items()]
    return pl.DataFrame(rows, schema_overrides=STATE_SCHEMA) if rows else pl.DataFrame(
        schema={"person_id": pl.Int64(), **STATE_SCHEMA}
    )


def apply_batch(
    ladder: Ladder,
    states: pl.DataFrame,
    action: Action | pl.Series,
    *,
    role: Role | pl.Series,
    as_of: date,
    reason: str | pl.Series,
) -> BatchResult:
    """Apply one action per row (the same for all, or a Series of them); see ``Ladder.apply_batch``."""
    missing = {"person_id", "stage"} - set(states.columns)
    if missing:
        raise ValueError(f"a states frame needs the columns {sorted(missing)}")
    defaults = {"stage": None, "rejected_at": None, "appealed": False, "decided_by": None}
    work = states.with_columns(
        pl.lit(defaults[name], dtype=dtype).alias(name)
        for name, dtype in STATE_SCHEMA.items()
        if name not in states.columns
    ).with_columns(
        _sc_stage=pl.col("stage").cast(pl.String()),
        _sc_action=_per_row(action, states.height, "action"),
        _sc_role=_per_row(role, states.height, "role"),
        _sc_reason=_per_row(reason, states.height, "reason"),
        _sc_appealed=pl.col("appealed").fill_null(False),
        _sc_rejected_key=pl.col("rejected_at").cast(pl.String()).fill_null(NO_STAGE),
    )
    joined = work.join(ladder.join_table(as_of), on=_KEYS, how="left", maintain_order="left").with_columns(
        _sc_matched=pl.col("_sc_to_stage").is_not_null(),
        _sc_has_reason=(pl.col("_sc_reason").str.strip_chars().str.len_chars() > 0).fill_null(False),
    )
    legal = pl.col("_sc_matched") & pl.col("_sc_has_reason")
    new_states = joined.with_columns(
        stage=pl.when(legal).then(pl.col("_sc_to_stage")).otherwise(pl.col("_sc_stage")),
        rejected_at=pl.when(legal & (pl.col("_sc_mark") == Mark.SET.value))
        .then(pl.col("_sc_stage"))
        .when(legal & (pl.col("_sc_mark") == Mark.CLEAR.value))
        .then(pl.lit(None, dtype=pl.String()))
        .otherwise(pl.col("rejected_at").cast(pl.String())),
        appealed=pl.col("_sc_appealed") | (legal & (pl.col("_sc_action") == Action.APPEAL.value)),
        decided_by=pl.when(legal & pl.col("_sc_decision"))
        .then(pl.col("_sc_role"))
        .otherwise(pl.col("decided_by").cast(pl.String())),
    )
    log = new_states.filter(legal).select(
        pl.col("person_id"),
        pl.col("_sc_stage").alias("from_stage"),
        pl.col("_sc_to_stage").alias("to_stage"),
        pl.col("_sc_action").alias("action"),
        pl.col("_sc_role").alias("role"),
        pl.col("_sc_reason").alias("reason"),
        pl.lit(as_of, dtype=pl.Date()).alias("as_of"),
        pl.lit(ladder.version, dtype=pl.String()).alias("version"),
    )
    return BatchResult(
        states=new_states.select([c for c in work.columns if not c.startswith("_sc_")]),
        illegal=_illegal(ladder, joined.filter(~legal), as_of),
        log=log,
    )


def _per_row(value: str | pl.Series, height: int, name: str) -> pl.Expr:
    if isinstance(value, pl.Series):
        if value.len() != height:
            raise ValueError(f"{name}: {value.len()} values for {height} rows")
        return pl.lit(value.cast(pl.String()))
    return pl.lit(str(value), dtype=pl.String())


# The columns that decide what an illegal row is told: every input of ``find`` plus the reason check.
_WHY_KEYS = ["_sc_stage", "rejected_at", "_sc_appealed", "decided_by", "_sc_action", "_sc_role", "_sc_matched"]


def _illegal(ladder: Ladder, bad: pl.DataFrame, as_of: date) -> pl.DataFrame:
    bad = bad.with_columns(pl.col("rejected_at").cast(pl.String()), pl.col("decided_by").cast(pl.String()))
    kinds = bad.select(_WHY_KEYS).unique()
    whys = [_why(ladder, *row, as_of=as_of) for row in kinds.iter_rows()]
    kinds = kinds.with_columns(why=pl.Series(whys, dtype=pl.String()))
    return bad.join(kinds, on=_WHY_KEYS, how="left", nulls_equal=True, maintain_order="left").select(
        pl.col("person_id"),
        pl.col("_sc_stage").alias("stage"),
        pl.col("_sc_action").alias("action"),
        pl.col("_sc_role").alias("role"),
        pl.col("why"),
    )


def _why(
    ladder: Ladder,
    stage: str | None,
    rejected_at: str | None,
    appealed: bool,
    decided_by: str | None,
    action: str | None,
    role: str | None,
    matched: bool,
    *,
    as_of: date,
) -> str:
    # A row the table matched was refused only for its missing reason (the single-file form checks the
    # reason last, too).
    if matched:
        return REASON_REQUIRED
    stages, roles = {s.value for s in Stage}, {r.value for r in Role}
    if stage not in stages:
        return f"unknown stage {stage!r}"
    if rejected_at is not None and rejected_at not in stages:
        return f"unknown stage {rejected_at!r} in rejected_at"
    if decided_by is not None and decided_by not in roles:
        return f"unknown role {decided_by!r} in decided_by"
    if action not in {a.value for a in Action}:
        return f"unknown action {action!r}"
    if role not in roles:
        return f"unknown role {role!r}"
    state = FileState.from_row(
        {"stage": stage, "rejected_at": rejected_at, "appealed": appealed, "decided_by": decided_by}
    )
    found = find(ladder, state, Action(action), Role(role), as_of)
    if isinstance(found, Transition):
        # The join found no row for this file, so the lookup must not find one either.
        raise RuntimeError(f"the batch join and the table disagree about {found}")
    return found
