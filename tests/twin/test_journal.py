"""The field journal: complaints and transfers fall inside each worker's service, at the scenario's rates."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import polars as pl

from cadre.twin.journal import COMPLAINT_SUBJECTS, field_events
from cadre.twin.scenario import Scenario, load_scenario


def _outcomes(n: int) -> pl.DataFrame:
    return pl.DataFrame({
        "person_id": [f"P{i:05d}" for i in range(n)],
        "source_region": "LEN",
        "start": [dt.date(1930, 2, 1)] * n,
        "end": [dt.date(1931, 2, 1) if i % 2 else None for i in range(n)],
        "channel": [("recalled" if i % 2 else None) for i in range(n)],
    }, schema_overrides={"end": pl.Date})


def _with(scn: Scenario, **values: object) -> Scenario:
    return dataclasses.replace(scn, values={**scn.values, **values})


def test_events_fall_inside_service_and_name_their_subject() -> None:
    outcomes = _outcomes(400)
    events = field_events(outcomes, load_scenario("ussr-1929"), rng=np.random.default_rng(1))
    joined = events.join(outcomes, on="person_id")
    assert joined.height == events.height > 0
    assert (joined.get_column("on") >= joined.get_column("start")).all()
    ended = joined.filter(pl.col("end").is_not_null())
    assert (ended.get_column("on") < ended.get_column("end")).all()
    assert set(events.filter(pl.col("kind") == "complaint").get_column("subject")) == set(COMPLAINT_SUBJECTS)
    assert events.filter(pl.col("kind") == "transfer").get_column("subject").null_count() == \
        events.filter(pl.col("kind") == "transfer").height


def test_rates_drive_the_counts() -> None:
    scn = _with(load_scenario("ussr-1929"), complaint_rate=1.0, transfer_rate=0.0, pre_retreat_rise=1.0)
    outcomes = _outcomes(4000)
    events = field_events(outcomes, scn, rng=np.random.default_rng(2))
    assert events.filter(pl.col("kind") == "transfer").height == 0
    years = (outcomes.get_column("end").fill_null(dt.date(1933, 1, 1)) - outcomes.get_column("start")).dt.total_days()
    expected = float(years.sum()) / 365.0
    assert abs(events.height - expected) < 4 * np.sqrt(expected)
    contact = field_events(outcomes, _with(scn, factory_contact=True), rng=np.random.default_rng(2))
    salary = [e.filter(pl.col("subject") == "salary_unpaid").height for e in (events, contact)]
    assert salary[1] < 0.75 * salary[0]  # with the factory's pay, a third of complaints becomes a fifth
