"""The field journal of the twin: complaints and transfers during service (SYSTEM.md §3.8 and §4).

The contract of §6 has no place for them; the workspace does (each worker's field journal), so the twin
exports them as dated events. Each worker files complaints and is moved to another post as two Poisson
processes over the days they serve, at yearly rates the scenario gives; before the retreat of March 1930
both run faster (``pre_retreat_rise``: the chaos of the first weeks), and a complaint's subject is drawn
from salary, housing and supply, or conflict with local officials. Without the factory's contact and
pay (``factory_contact`` false) complaints about salary are as frequent as the others; with it, they fall
by half. Events after a worker's exit are never drawn.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cadre.twin.scenario import Scenario
from cadre.twin.service import HORIZON

__all__ = ["COMPLAINT_SUBJECTS", "field_events"]

COMPLAINT_SUBJECTS = ("salary_unpaid", "housing_and_supply", "conflict_with_officials")


def _poisson_days(start: np.ndarray, end: np.ndarray, per_day: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Event days of independent Poisson processes on [start, end) per row: (row index, day)."""
    length = np.maximum((end - start).astype(np.int64), 0)
    counts = rng.poisson(per_day * length)
    rows = np.repeat(np.arange(start.size), counts)
    offset = np.floor(rng.random(rows.size) * length[rows]).astype("timedelta64[D]")
    return rows, start[rows] + offset


def field_events(outcomes: pl.DataFrame, scn: Scenario, *, rng: np.random.Generator) -> pl.DataFrame:
    """Complaints and transfers of every worker: person_id, on, kind, subject (null for a transfer)."""
    start = outcomes.get_column("start").to_numpy().astype("datetime64[D]")
    end = outcomes.get_column("end").fill_null(HORIZON).to_numpy().astype("datetime64[D]")
    retreat = np.datetime64(scn["retreat"], "D")
    frames = []
    for kind, rate in (("complaint", scn["complaint_rate"]), ("transfer", scn["transfer_rate"])):
        for lo, hi, rise in ((start, np.minimum(end, retreat), scn["pre_retreat_rise"]),
                             (np.maximum(start, retreat), end, 1.0)):
            rows, days = _poisson_days(lo, hi, np.full(start.size, rate * rise / 365.0), rng)
            subject = None
            if kind == "complaint":
                weights = np.array([0.5 if scn["factory_contact"] else 1.0, 1.0, 1.0])
                subject = np.array(COMPLAINT_SUBJECTS)[rng.choice(3, size=rows.size, p=weights / weights.sum())]
            frames.append(pl.DataFrame({
                "person_id": outcomes.get_column("person_id").gather(rows),
                "on": pl.Series(days).cast(pl.Date),
                "kind": kind,
                "subject": pl.Series(subject.tolist() if subject is not None else [None] * rows.size,
                                     dtype=pl.String),
            }))
    return pl.concat(frames).sort("person_id", "on")
