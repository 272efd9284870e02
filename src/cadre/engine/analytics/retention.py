"""Retention in field service: survival and the cumulative incidence of each exit channel.

Time is counted in whole days from a person's first day of service. A person who left on or before
``as_of`` has an event on the day of the exit (a duration of 0, leaving on the first day, is valid); anyone
still serving at ``as_of`` (including those whose recorded exit lies after it) is censored at ``as_of``;
anyone who starts after ``as_of`` is not yet at risk and is left out.

Survival is the Kaplan-Meier estimate with any exit as the event. The channels compete: the probability of
having left by a channel is the Aalen-Johansen cumulative incidence, and the incidences of all channels add
up to one minus the survival on every day.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from cadre.engine.analytics.exits import CHANNELS, check_outcomes

__all__ = ["INCIDENCE_SCHEMA", "SURVIVAL_SCHEMA", "cumulative_incidence", "kaplan_meier"]

SURVIVAL_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "day": pl.Int64(),
    "at_risk": pl.Int64(),
    "survival": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
}
INCIDENCE_SCHEMA: dict[str, pl.DataType] = {
    "group": pl.String(),
    "day": pl.Int64(),
    "channel": pl.String(),
    "cif": pl.Float64(),
}

# The group of everyone, when the curves are not broken down by a column.
TOTAL = "total"

# lifelines' Aalen-Johansen fitter cannot take exits of different channels on the same day: it jitters
# them with numpy's global random generator, which would make the curves differ from run to run and
# disturb every other user of that generator. The estimator itself is well defined with ties, and its
# value at the end of a day does not depend on the order in which that day's exits are taken. So the ties
# are broken here, deterministically, before lifelines sees them: an exit by channel k on day t is put at
# t + k * _TIE_STEP, and a censoring on day t at t + _CENSOR_SHIFT, after all that day's exits (a person
# still serving on day t is at risk of every exit of day t, as in the Kaplan-Meier convention). Curves are
# read after the end of each day, at t + _READ_SHIFT.
_TIE_STEP = 1e-3
_CENSOR_SHIFT = 0.5
_READ_SHIFT = 0.75
_JITTER_WARNING = "Tied event times were detected"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _durations(outcomes: pl.DataFrame, *, as_of: date, by: str | None) -> pl.DataFrame:
    """One row per person at risk by ``as_of``: group, duration in days, and channel code (0 = censored)."""
    frame = check_outcomes(outcomes, extra=[by]).filter(pl.col("start") <= as_of)
    exited = pl.col("end").is_not_null() & (pl.col("end") <= as_of)
    last_day = pl.when(exited).then(pl.col("end")).otherwise(pl.lit(as_of))
    # Channel k of the enum (counted from 1) is event code k for lifelines; 0 means censored.
    code = pl.col("channel").replace_strict(list(CHANNELS), list(range(1, len(CHANNELS) + 1)), default=0)
    return frame.select(
        (pl.col(by).cast(pl.String) if by else pl.lit(TOTAL)).alias("group"),
        (last_day - pl.col("start")).dt.total_days().cast(pl.Int64).alias("duration"),
        pl.when(exited).then(code).otherwise(0).cast(pl.Int64).alias("code"),
    ).sort("group", nulls_last=True, maintain_order=True)


def _days(durations: IntArray, timeline_days: Sequence[int] | None) -> IntArray:
    """The days to report: those asked for, or day 0 and every day on which someone left or was censored."""
    if timeline_days is None:
        return np.unique(np.concatenate([np.zeros(1, dtype=np.int64), durations]))
    days = np.unique(np.asarray(timeline_days, dtype=np.int64))
    if days.size and days[0] < 0:
        raise ValueError(f"timeline_days: days must not be negative, got {int(days[0])}")
    return days


def _step(times: FloatArray, values: FloatArray, at: FloatArray) -> FloatArray:
    """Read the right-continuous step function (``times``, ``values``) at ``at``; ``times`` starts at 0."""
    return values[np.searchsorted(times, at, side="right") - 1]


def _groups(durations: pl.DataFrame) -> list[tuple[str | None, IntArray, IntArray]]:
    return [
        (part["group"][0], part["duration"].to_numpy(), part["code"].to_numpy())
        for part in durations.partition_by("group", maintain_order=True)
    ]


def kaplan_meier(
    outcomes: pl.DataFrame,
    *,
    as_of: date,
    by: str | None = None,
    timeline_days: Sequence[int] | None = None,
    alpha: float = 0.05,
) -> pl.DataFrame:
    """The share still serving after each day of service, by the Kaplan-Meier estimator.

    Returns the columns ``group`` (the value of ``by`` as text, or ``"total"``), ``day``, ``at_risk`` (in
    service at the start of the day), ``survival`` (still serving at the end of the day) and ``ci_low``,
    ``ci_high`` (the pointwise ``1 - alpha`` interval of lifelines, on the log(-log) scale). Days are
    ``timeline_days`` or, by default, day 0 and every day on which someone in the group left or was
    censored. Raises ``ValueError`` on a malformed outcomes frame (see ``check_outcomes``).
    """
    # lifelines takes seconds to import (it brings pandas and scipy); importing it here keeps
    # that cost off every caller of the package that never draws a retention curve.
    from lifelines import KaplanMeierFitter

    rows: list[pl.DataFrame] = []
    for group, duration, code in _groups(_durations(outcomes, as_of=as_of, by=by)):
        days = _days(duration, timeline_days)
        fit = KaplanMeierFitter(alpha=alpha).fit(duration.astype(np.float64), event_observed=code > 0)
        times = fit.survival_function_.index.to_numpy(dtype=np.float64)
        bounds = fit.confidence_interval_.to_numpy(dtype=np.float64)
        at = days.astype(np.float64)
        rows.append(
            pl.DataFrame(
                {
                    "group": [group] * days.size,
                    "day": days,
                    # At risk on day d: everyone whose exit or censoring is on day d or later.
                    "at_risk": duration.size - np.searchsorted(np.sort(duration), days, side="left"),
                    "survival": _step(times, fit.survival_function_.to_numpy(dtype=np.float64)[:, 0], at),
                    "ci_low": _step(times, bounds.min(axis=1), at),
                    "ci_high": _step(times, bounds.max(axis=1), at),
                },
                schema=SURVIVAL_SCHEMA,
            )
        )
    frame = pl.concat(rows) if rows else pl.DataFrame(schema=SURVIVAL_SCHEMA)
    return frame.with_columns(pl.col("ci_low", "ci_high").fill_nan(None))


def cumulative_incidence(
    outcomes: pl.DataFrame,
    *,
    as_of: date,
    by: str | None = None,
    timeline_days: Sequence[int] | None = None,
) -> pl.DataFrame:
    """The probability of having left by each channel by the end of each day, with the channels competing.

    Returns the columns ``group``, ``day``, ``channel`` and ``cif`` (the Aalen-Johansen estimate of
    lifelines, one fit per channel), with every channel of ``ExitChannel`` in its order for every day; a
    channel nobody took is 0 throughout. Days are as in :func:`kaplan_meier`, and for each group and day
    the ``cif`` of all channels add up to ``1 - survival``. The result depends only on the input: ties are
    broken deterministically (see the comment on ``_TIE_STEP``).
    """
    from lifelines import AalenJohansenFitter  # imported late, as in kaplan_meier

    rows: list[pl.DataFrame] = []
    for group, duration, code in _groups(_durations(outcomes, as_of=as_of, by=by)):
        days = _days(duration, timeline_days)
        times = duration + np.where(code > 0, code * _TIE_STEP, _CENSOR_SHIFT)
        at = (days + _READ_SHIFT).astype(np.float64)
        incidence = np.zeros((len(CHANNELS), days.size), dtype=np.float64)
        for k in np.unique(code[code > 0]):
            with warnings.catch_warnings():
                # Should lifelines ever find a tie again it would jitter with the global generator; make
                # that an error rather than a silently irreproducible curve.
                warnings.filterwarnings("error", message=_JITTER_WARNING)
                fit = AalenJohansenFitter(calculate_variance=False).fit(times, code, event_of_interest=int(k))
            cif = fit.cumulative_density_
            incidence[k - 1] = _step(
                cif.index.to_numpy(dtype=np.float64), cif.to_numpy(dtype=np.float64)[:, 0], at
            )
        rows.append(
            pl.DataFrame(
                {
                    "group": [group] * incidence.size,
                    "day": np.tile(days, len(CHANNELS)),
                    "channel": np.repeat(np.array(CHANNELS), days.size),
                    "cif": incidence.ravel(),
                },
                schema=INCIDENCE_SCHEMA,
            )
        )
    frame = pl.concat(rows) if rows else pl.DataFrame(schema=INCIDENCE_SCHEMA)
    # The rows were built channel by channel; a reader wants them day by day, channels in the enum's order.
    rank = pl.col("channel").replace_strict(list(CHANNELS), list(range(len(CHANNELS))), return_dtype=pl.Int64)
    return frame.sort([pl.col("group"), pl.col("day"), rank], nulls_last=True, maintain_order=True)
