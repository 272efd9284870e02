"""Field service and exits (SYSTEM.md §3.8-3.9 and §4, Retention), from arrival to January 1933.

Each worker faces competing yearly rates of leaving by each channel, piecewise constant between the
campaign's turning points (the retreat of March 1930, the second wave of hardship from autumn 1930), and
scaled by who they are and where they serve: party members, Leningraders and workers on farms stay more;
office workers, workers in national areas, and (without the factory's contact and pay) everyone leave
more. Dated decisions act on those still serving: the promotions of January 1931, the end of the term in
December 1931 (leave and study places), the factories' recall at the end of the five-year plan. The exit
time is drawn exactly, period by period, from the exponential of the summed rates; the channel in
proportion to the rates.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from cadre.engine.analytics import ExitChannel
from cadre.twin.contract_tables import ServiceState
from cadre.twin.deployment import Deployed
from cadre.twin.scenario import Scenario

__all__ = ["HORIZON", "serve"]

HORIZON = dt.date(1933, 1, 1)
_C = ExitChannel
_RATE_CHANNELS = (_C.REMOVED_BY_OFFICIALS, _C.VIOLATION, _C.RECALLED, _C.ILLNESS_OR_DEATH,
                  _C.PERMITTED_LEAVE, _C.DESERTED)
_HARDSHIP = np.array([False, False, True, False, True, True])  # recall, leave and desertion rise
_CONTACT = _HARDSHIP  # the factory's contact and pay act on the same three
_NATIONAL = np.array([False, False, False, True, True, True])  # illness, leave, desertion


def _day(d: dt.date) -> np.datetime64:
    return np.datetime64(d, "D")


def _rates(scn: Scenario, before_retreat: bool, hardship: bool) -> np.ndarray:
    removal = scn["removal_rate_before_retreat"] if before_retreat or scn["no_retreat"] else scn["removal_rate"]
    base = np.array([removal, scn["violation_rate"], scn["recall_rate"], scn["illness_rate"],
                     scn["leave_rate"], scn["desertion_rate"]]) / 365.0
    return base * np.where(_HARDSHIP & hardship, scn["hardship_rise"], 1.0)


def serve(deployed: Deployed, scn: Scenario, *, scale: float, rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Outcomes (person_id, source_region, start, end, channel) and spells (person_id, state, start, end)."""
    people = deployed.people
    n = people.height
    start = people.get_column("start").to_numpy().astype("datetime64[D]")
    party = (people.get_column("party_status") == "party").to_numpy()
    mult = (np.where(party, scn["party_stay"], 1.0)
            * np.where((people.get_column("source_region") == "LEN").to_numpy(), scn["leningrad_stay"], 1.0)
            * np.where(people.get_column("office").to_numpy(), scn["office_leave"], 1.0))
    national = np.isin(people.get_column("destination").to_numpy(), scn["national_regions"])
    per_channel = np.where(_NATIONAL[None, :] & national[:, None], scn["national_leave"], 1.0)
    if scn["factory_contact"]:
        per_channel = per_channel * np.where(_CONTACT, 0.5, 1.0)[None, :]

    exit_day = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    channel = np.full(n, "", dtype=object)
    bounds = [_day(scn["retreat"]), _day(scn["hardship_from"]), _day(HORIZON)]
    period_start = np.datetime64("1929-01-01")
    for k, period_end in enumerate(bounds):
        rates = _rates(scn, before_retreat=k == 0, hardship=k == 2)[None, :] * per_channel * mult[:, None]
        total = rates.sum(axis=1)
        begin = np.maximum(start, period_start)
        alive = np.isnat(exit_day) & (begin < period_end)
        wait = rng.exponential(1.0, n) / np.maximum(total, 1e-12)
        when = begin + np.floor(wait).astype("timedelta64[D]")
        leaves = alive & (when < period_end)
        pick = (rng.random(n)[:, None] * total[:, None] > np.cumsum(rates, axis=1)).sum(axis=1)
        exit_day[leaves] = when[leaves]
        channel[leaves] = np.array([c.value for c in _RATE_CHANNELS])[np.minimum(pick[leaves], 5)]
        period_start = period_end

    promoted = _decision(exit_day, _day(scn["promotion_day"]), round(scn["promoted"] * scale), party, rng)
    out = promoted & (rng.random(n) < scn["promoted_out_share"])
    _leave(exit_day, channel, out, _day(scn["promotion_day"]), _C.PROMOTED_OUT)
    end_term = _day(scn["end_of_term"])
    study = _decision(exit_day, end_term, round(scn["study_places"] * scale), party, rng)
    _leave(exit_day, channel, study, end_term, _C.STUDY)
    serving = np.isnat(exit_day) | (exit_day > end_term)
    _leave(exit_day, channel, serving & (rng.random(n) < scn["end_of_term_leave"]), end_term, _C.PERMITTED_LEAVE)
    recall_day = _day(dt.date(1932, 12, 31))
    serving = np.isnat(exit_day) | (exit_day > recall_day)
    _leave(exit_day, channel, serving & (rng.random(n) < scn["factory_recall_1932"]), recall_day, _C.RECALLED)

    ids = people.get_column("person_id")
    outcomes = pl.DataFrame({
        "person_id": ids, "source_region": people.get_column("source_region"),
        "start": pl.Series(start).cast(pl.Date),
        "end": pl.Series(exit_day).cast(pl.Date),
        "channel": pl.Series([c or None for c in channel], dtype=pl.String),
    })
    return outcomes, _spells(deployed.segments, ids, exit_day, promoted & ~out, _day(scn["promotion_day"]))


def _decision(exit_day: np.ndarray, day: np.datetime64, count: int, party: np.ndarray,
              rng: np.random.Generator) -> np.ndarray:
    """``count`` of those serving on ``day``, party members twice as likely: promotions and study places."""
    serving = np.flatnonzero(np.isnat(exit_day) | (exit_day > day))
    chosen = np.zeros(exit_day.size, dtype=bool)
    if count <= 0 or serving.size == 0:
        return chosen
    weight = np.where(party[serving], 2.0, 1.0)
    pick = rng.choice(serving, size=min(count, serving.size), replace=False, p=weight / weight.sum())
    chosen[pick] = True
    return chosen


def _leave(exit_day: np.ndarray, channel: np.ndarray, mask: np.ndarray, day: np.datetime64, how: ExitChannel) -> None:
    """Those in ``mask`` who are still serving on ``day`` leave on it, by ``how``."""
    hit = mask & (np.isnat(exit_day) | (exit_day > day))
    exit_day[hit] = day
    channel[hit] = how.value


def _spells(segments: pl.DataFrame, ids: pl.Series, exit_day: np.ndarray, promoted: np.ndarray,
            promotion_day: np.datetime64) -> pl.DataFrame:
    """Segments cut at the exit; the promoted move to a district office of the agency on their day."""
    extra = pl.DataFrame({"person_id": ids.filter(pl.Series(promoted)), "seq": 9,
                          "state": ServiceState.DISTRICT_OFFICE.value}).with_columns(
        pl.lit(promotion_day.astype(dt.date)).alias("start"))
    exits = pl.DataFrame({"person_id": ids, "exit": pl.Series(exit_day).cast(pl.Date)})
    spells = (pl.concat([segments, extra.select(segments.columns).cast(segments.schema)])
              .sort("person_id", "start", "seq")
              .with_columns(pl.col("start").shift(-1).over("person_id").alias("next"))
              .join(exits, on="person_id", how="left")
              .with_columns(pl.min_horizontal("next", "exit").alias("end"))
              .filter(pl.col("end").is_null() | (pl.col("end") > pl.col("start"))))
    return spells.select("person_id", "state", "start", "end")
