"""The contract's tables and vocabulary: what RunTables refuses, the required dates, the public API."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from test_contract import tiny_tables

from cadre.twin import contract
from cadre.twin.contract import HEADCOUNT_STATES, REQUIRED_DATES, RunTables, ServiceState, build_document
from cadre.twin.contract_validate import contract_schema


def test_the_required_dates_are_the_schemas() -> None:
    props = contract_schema()["properties"]

    def iso(days: tuple[date, ...]) -> list[str]:
        return [d.isoformat() for d in days]

    assert props["arrivals"]["required"] == iso(REQUIRED_DATES.arrivals)
    assert props["headcount"]["required"] == iso(REQUIRED_DATES.headcount)
    assert props["exits"]["properties"]["by_channel_until"]["required"] == iso(REQUIRED_DATES.exits)
    assert props["coverage"]["required"] == iso(REQUIRED_DATES.coverage)
    assert props["farm_types"]["required"] == iso(REQUIRED_DATES.farm_types)


def test_every_service_state_has_a_documented_place() -> None:
    counted = {state for states in HEADCOUNT_STATES.values() for state in states}
    uncounted = set(ServiceState) - counted
    assert uncounted == {
        ServiceState.WAITING,
        ServiceState.STUDY,
        ServiceState.RETURNED,
        ServiceState.UNACCOUNTED,
    }
    assert (
        set(HEADCOUNT_STATES["on_farms"])
        <= set(HEADCOUNT_STATES["farm_system"])
        <= set(HEADCOUNT_STATES["rural_work"])
    )


def test_regions_outside_the_vocabulary_are_refused() -> None:
    with pytest.raises(ValueError, match=r"actual_flows.from_region.*IVA"):
        build_document(
            tiny_tables(extra_flow=True), scenario="x", seed=1, regions=("LEN", "MOS", "UKR", "LVO", "CBE")
        )
    with pytest.raises(ValueError, match="replicates"):
        build_document(tiny_tables(), scenario="x", seed=1, replicates=0)


def test_bad_tables_are_refused_with_every_problem() -> None:
    good = tiny_tables()
    assert good.spells is not None
    assert good.coverage is not None
    assert good.selected is not None
    overlapping = pl.concat([good.spells, good.spells.head(1).with_columns(pl.lit("mts").alias("state"))])
    with pytest.raises(ValueError, match=r"^RunTables: ") as caught:
        RunTables(
            spells=overlapping.with_columns(
                pl.when(pl.col("person_id") == "P3")
                .then(pl.lit("office"))
                .otherwise(pl.col("state"))
                .alias("state")
            ),
            coverage=good.coverage.with_columns(pl.col("farms") - 5),
            selected=good.selected.drop("recruitment"),
            arrivals=pl.DataFrame({"person_id": ["P1"], "arrived_on": ["soon"]}),
            volunteers=pl.DataFrame(
                {
                    "person_id": ["a", "a"],
                    "source_region": ["LEN", "LEN"],
                    "union": ["metalworkers", "bakers"],
                    "declared_on": [None, None],
                }
            ),
        )
    message = str(caught.value)
    for expected in (
        "overlapping spells for person_id(s) ['P1']",
        "'office'",
        "farms_with_worker exceeds farms",
        "negative",
        "selected: missing column(s) recruitment",
        "arrivals: column 'arrived_on' cannot",
        "['bakers']",
        "volunteers: person_id must identify a row",
    ):
        assert expected in message


def test_the_public_api_is_curated_and_documented() -> None:
    assert set(contract.__all__) == {
        "HEADCOUNT_STATES",
        "REQUIRED_DATES",
        "TABLE_COLUMNS",
        "ContractDates",
        "Document",
        "FarmType",
        "RunTables",
        "ServiceState",
        "aggregate",
        "build_document",
        "validate_document",
    }
    for name in contract.__all__:
        member = getattr(contract, name)
        if callable(member) and name != "Document":
            assert member.__doc__, name
