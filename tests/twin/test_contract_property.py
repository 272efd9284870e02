"""Property: whatever small, well-formed tables a replicate hands over, its document is valid, and so is
the ensemble of two such documents."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from cadre.engine.analytics import ExitChannel
from cadre.twin.contract import (
    FarmType,
    RunTables,
    ServiceState,
    aggregate,
    build_document,
    validate_document,
)
from cadre.twin.contract_shape import UNIONS

REGIONS = ("LEN", "MOS", "UKR", "LVO", "CBE")
START = date(1929, 11, 1)
DAYS = 1300  # to mid-1933: past every date of the contract
TABLES = (
    "volunteers",
    "selected",
    "planned_flows",
    "actual_flows",
    "arrivals",
    "spells",
    "outcomes",
    "coverage",
)


def day(draw: st.DrawFn, *, after: date = START) -> date:
    return after + timedelta(days=draw(st.integers(0, max(0, (START + timedelta(DAYS) - after).days))))


def maybe(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> Any:
    return draw(st.one_of(st.none(), values))


@st.composite
def run_tables(draw: st.DrawFn) -> RunTables:
    """A replicate of 0-6 people; each table present or, sometimes, not measured (None)."""
    n = draw(st.integers(0, 6))
    ids = [f"P{i}" for i in range(n)]
    region = [draw(st.sampled_from(REGIONS)) for _ in ids]
    union = [draw(st.sampled_from(UNIONS)) for _ in ids]
    people = {"person_id": ids, "source_region": region, "union": union}
    selected = {
        **people,
        "sex": [maybe(draw, st.sampled_from(["male", "female"])) for _ in ids],
        "age": [maybe(draw, st.integers(14, 80)) for _ in ids],
        "party_status": [maybe(draw, st.sampled_from(["party", "komsomol", "nonparty"])) for _ in ids],
        "years_at_factory": [maybe(draw, st.floats(0, 60)) for _ in ids],
        "recruitment": [maybe(draw, st.sampled_from(["volunteered", "mobilized"])) for _ in ids],
    }
    spells: list[tuple[str, str, date, date | None]] = []
    outcomes: list[tuple[str, str, date, date | None, str | None]] = []
    for pid, reg in zip(ids, region, strict=True):
        begin = day(draw)
        moment = begin
        for k in range(draw(st.integers(0, 3))):
            end = maybe(draw, st.just(None)) if k == 2 else day(draw, after=moment)
            spells.append((pid, draw(st.sampled_from(list(ServiceState))).value, moment, end))
            if end is None:
                break
            moment = end
        left = draw(st.booleans())
        exit_day = day(draw, after=begin) if left else None
        channel = draw(st.sampled_from(list(ExitChannel))).value if left else None
        outcomes.append((pid, reg, begin, exit_day, channel))
    flows = {
        "from_region": draw(st.lists(st.sampled_from(REGIONS), max_size=4)),
    }
    k = len(flows["from_region"])
    flows["to_region"] = [draw(st.sampled_from(REGIONS)) for _ in range(k)]
    coverage_rows = []
    for when in {date(1930, 7, 1), date(1931, 6, 1), day(draw)}:
        for reg in draw(st.sets(st.sampled_from(REGIONS), max_size=3)):
            for farm_type in draw(st.sets(st.sampled_from(list(FarmType)), min_size=1)):
                farms = draw(st.integers(0, 50))
                coverage_rows.append((when, reg, farm_type.value, farms, draw(st.integers(0, farms))))
    frames: dict[str, pl.DataFrame] = {
        "volunteers": pl.DataFrame(
            {**people, "declared_on": [maybe(draw, st.just(START)) for _ in ids]},
            schema_overrides={"declared_on": pl.Date},
        ),
        "selected": pl.DataFrame(
            selected, schema_overrides={"age": pl.Int64, "years_at_factory": pl.Float64}
        ),
        "planned_flows": pl.DataFrame(
            {**flows, "n": [draw(st.integers(0, 9)) for _ in range(k)]}, schema_overrides={"n": pl.Int64}
        ),
        "actual_flows": pl.DataFrame(
            {**flows, "n": [draw(st.integers(0, 9)) for _ in range(k)]}, schema_overrides={"n": pl.Int64}
        ),
        "arrivals": pl.DataFrame(
            {"person_id": ids, "arrived_on": [maybe(draw, st.just(day(draw))) for _ in ids]},
            schema_overrides={"arrived_on": pl.Date},
        ),
        "spells": pl.DataFrame(
            spells,
            schema=["person_id", "state", "start", "end"],
            orient="row",
            schema_overrides={"end": pl.Date, "start": pl.Date},
        ),
        "outcomes": pl.DataFrame(
            outcomes,
            schema=["person_id", "source_region", "start", "end", "channel"],
            orient="row",
            schema_overrides={"end": pl.Date, "channel": pl.String},
        ),
        "coverage": pl.DataFrame(
            coverage_rows,
            schema=["date", "region", "farm_type", "farms", "farms_with_worker"],
            orient="row",
            schema_overrides={"date": pl.Date},
        ),
    }
    missing = draw(st.sets(st.sampled_from(TABLES), max_size=3))
    return RunTables(**{name: (None if name in missing else frame) for name, frame in frames.items()})


def build(tables: RunTables) -> dict[str, Any]:
    return build_document(tables, scenario="random", seed=3, regions=REGIONS)


@given(run_tables())
def test_documents_of_random_tables_always_validate(tables: RunTables) -> None:
    assert validate_document(build(tables), regions=REGIONS) == []


# Each example builds two documents; a third of the examples covers the ensemble's few extra paths.
@settings(max_examples=max(10, settings().max_examples // 3))
@given(run_tables(), run_tables())
def test_ensembles_of_random_documents_always_validate(first: RunTables, second: RunTables) -> None:
    assert validate_document(aggregate([build(first), build(second)]), regions=REGIONS) == []
