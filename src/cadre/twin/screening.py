"""Screening and final selection of a campaign's files, driven through the engine's ladder and optimizer.

Every file is submitted, then each of the four tiers decides on the files waiting for it (a Bernoulli draw:
one chance for files that fail the rulebook, another, lowered by quality, for files that meet it), the
regional party committee turns down part of the unsuitable that reached it, and the selection optimizer
fills the control figures from the approved files. Every move goes through the ladder's batch form, so
the decision log is the engine's own, with a reason for every decision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from cadre.engine.eligibility import Eligibility
from cadre.engine.rulebook import Target
from cadre.engine.screening import LADDER_1929, Action, Role, Stage, initial_states
from cadre.engine.selection import Fill, Selection, SelectionParams, select
from cadre.twin.planning import quotas_1929

__all__ = ["TIER_DAYS", "Screened", "screen_and_select"]

TIER_ROLES = (Role.PARTY_CELL, Role.FACTORY_COMMITTEE, Role.REGIONAL_UNION, Role.REGIONAL_COUNCIL)
TIER_DAYS = (date(1929, 12, 12), date(1929, 12, 20), date(1929, 12, 28), date(1930, 1, 8))
FINAL_DAY = date(1930, 1, 24)  # after 22 January 1930: the regional party committee selects


@dataclass(frozen=True, slots=True, kw_only=True)
class Screened:
    """Ladder states of every file, the decision log, the funnel (stage, files), and the selection."""

    states: pl.DataFrame
    log: pl.DataFrame
    funnel: list[tuple[str, int]]
    selection: Selection


def _decide(states: pl.DataFrame, mask: np.ndarray, action: np.ndarray, reason: np.ndarray, role: Role,
            day: date, logs: list[pl.DataFrame]) -> pl.DataFrame:
    keep = pl.Series(mask)
    result = LADDER_1929.apply_batch(states.filter(keep), pl.Series(action[mask]), role=role, as_of=day,
                                     reason=pl.Series(reason[mask]))
    logs.append(result.log)
    return pl.concat([states.filter(~keep), result.states]).sort("person_id")


def screen_and_select(
    files: pl.DataFrame, eligibility: Eligibility, *, cuts: Sequence[tuple[float, float]], targets: Sequence[Target],
    rng: np.random.Generator, scale: float = 1.0, progress: Callable[[str], None] | None = None,
) -> Screened:
    """Walk ``files`` up the ladder and select the cohort.

    ``cuts`` has five (if the file fails the rulebook, if it meets it) chances of rejection: tiers 1-4 and
    the regional party committee's review. ``scale`` scales the control figures to the run.
    """
    note = progress or (lambda _: None)
    order = files.sort("person_id")
    elig = order.select("person_id").join(eligibility.frame, on="person_id", how="left", maintain_order="left")
    eligible = elig.get_column("eligible").to_numpy()
    reason_if_cut = elig.get_column("reasons").list.first().fill_null("committee_judgement").to_numpy()
    quality = order.get_column("quality").fill_null(0.5).to_numpy()
    submitted = LADDER_1929.apply_batch(initial_states(order.get_column("person_id")), Action.SUBMIT,
                                        role=Role.VOLUNTEER, as_of=TIER_DAYS[0], reason="declaration")
    states, logs = submitted.states, [submitted.log]
    funnel = [("declared", order.height)]
    note("declarations submitted")
    for tier, (role, day) in enumerate(zip(TIER_ROLES, TIER_DAYS, strict=True)):
        waiting = (states.get_column("stage") == LADDER_1929.tiers[tier].stage.value).to_numpy()
        p_bad, p_good = cuts[tier]
        reject = rng.random(order.height) < np.where(eligible, p_good * 2 * (1 - quality), p_bad)
        action = np.where(reject, Action.REJECT.value, Action.APPROVE.value)
        reason = np.where(reject, reason_if_cut, "meets the criteria")
        states = _decide(states, waiting, action, reason, role, day, logs)
        passed = logs[-1].filter(pl.col("action") == Action.APPROVE.value).height
        funnel.append((f"passed tier {tier + 1}: {LADDER_1929.tiers[tier].name}", passed))
        note(f"tier {tier + 1}: {role.value}")
    approved = (states.get_column("stage") == Stage.APPROVED.value).to_numpy()
    p_bad, p_good = cuts[len(TIER_ROLES)]
    cut = approved & (rng.random(order.height) < np.where(eligible, p_good, p_bad))
    states = _decide(states, cut, np.full(order.height, Action.OVERRIDE_REJECT.value), reason_if_cut,
                     Role.REGIONAL_PARTY, FINAL_DAY, logs)
    pool = order.join(states.filter(pl.col("stage") == Stage.APPROVED.value).select("person_id"), on="person_id")
    # HARD_FIRST: a hard target (the women-hard counterfactual) leaves places empty rather than failing.
    selection = select(pool, quotas_1929(pool, scale=scale), targets=targets,
                       params=SelectionParams(fill=Fill.HARD_FIRST))
    chosen = states.get_column("person_id").is_in(selection.selected.get_column("person_id").implode()).to_numpy()
    states = _decide(states, chosen, np.full(order.height, Action.SELECT.value),
                     np.full(order.height, "final selection: control figures and cohort targets"),
                     Role.REGIONAL_PARTY, FINAL_DAY, logs)
    funnel.append(("approved by the regional party committee", pool.height))
    funnel.append(("selected to fill the control figures", int(chosen.sum())))
    note("final selection (optimizer)")
    return Screened(states=states, log=pl.concat(logs), funnel=funnel, selection=selection)
