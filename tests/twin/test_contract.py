"""Building the output contract: a hand-made replicate whose every number is known."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl

from cadre import record
from cadre.twin.contract import ContractDates, RunTables, build_document, validate_document
from cadre.twin.contract_shape import leaves

D = date
SECTIONS = [
    "volunteers",
    "selected",
    "composition",
    "flows",
    "arrivals",
    "headcount",
    "exits",
    "coverage",
    "farm_types",
]


def tiny_tables(*, extra_volunteers: int = 0, extra_flow: bool = False) -> RunTables:
    """Four selected workers from LEN, MOS and UKR; three serve and leave by different channels.

    P1 (LEN) waits, leads a farm, holds a party post, then a regional office, and leaves with permission;
    P2 (LEN) is removed by officials in June 1930; P3 (MOS) interns on a state farm, works in a station and
    goes to study; P4 (UKR) never arrives. ``extra_volunteers`` adds MOS metalworkers who are not selected;
    ``extra_flow`` adds an IVA -> LVO actual flow of 3.
    """
    volunteers = pl.DataFrame(
        {
            "person_id": ["P1", "P2", "P3", "P4", "V5", *(f"X{i}" for i in range(extra_volunteers))],
            "source_region": ["LEN", "LEN", "MOS", "UKR", "LEN", *["MOS"] * extra_volunteers],
            "union": [
                "metalworkers",
                "textile",
                "textile",
                "miners",
                "metalworkers",
                *["metalworkers"] * extra_volunteers,
            ],
            "declared_on": [
                D(1929, 12, 5),
                D(1929, 12, 9),
                None,
                D(1930, 1, 2),
                D(1929, 12, 1),
                *[D(1930, 1, 5)] * extra_volunteers,
            ],
        }
    )
    selected = pl.DataFrame(
        {
            "person_id": ["P1", "P2", "P3", "P4"],
            "source_region": ["LEN", "LEN", "MOS", "UKR"],
            "union": ["metalworkers", "textile", "textile", "miners"],
            "sex": ["male", "female", "male", "male"],
            "age": [25, 35, 45, 22],
            "party_status": ["party", "komsomol", "party", "nonparty"],
            "years_at_factory": [6.0, 13.0, 3.0, 8.0],
            "recruitment": ["volunteered", "volunteered", "mobilized", "volunteered"],
            "skill_grade": [6, 5, 7, 4],  # an extra personal-file column, kept and ignored
        }
    )
    flows = {"from_region": ["LEN", "MOS", "UKR"], "to_region": ["LVO", "CBE", "UKR"], "n": [2, 1, 1]}
    actual = {
        "from_region": ["LEN", "LEN", "MOS", "UKR"],
        "to_region": ["LVO", "CBE", "CBE", "UKR"],
        "n": [1, 1, 1, 1],
    }
    if extra_flow:
        actual = {k: [*v, x] for (k, v), x in zip(actual.items(), ["IVA", "LVO", 3], strict=True)}
    spells = pl.DataFrame(
        [
            ("P1", "waiting", D(1930, 1, 30), D(1930, 2, 20)),
            ("P1", "farm", D(1930, 2, 20), D(1930, 9, 1)),
            ("P1", "party_soviet_post", D(1930, 9, 1), D(1931, 1, 15)),
            ("P1", "regional_office", D(1931, 1, 15), D(1932, 1, 1)),
            ("P1", "returned", D(1932, 1, 1), None),
            ("P2", "farm", D(1930, 2, 5), D(1930, 6, 1)),
            ("P2", "returned", D(1930, 6, 1), None),
            ("P3", "state_farm", D(1930, 2, 12), D(1930, 4, 1)),
            ("P3", "mts", D(1930, 4, 1), D(1931, 8, 1)),
            ("P3", "study", D(1931, 8, 1), None),
        ],
        schema={"person_id": pl.String, "state": pl.String, "start": pl.Date, "end": pl.Date},
        orient="row",
    )
    outcomes = pl.DataFrame(
        {
            "person_id": ["P1", "P2", "P3"],
            "source_region": ["LEN", "LEN", "MOS"],
            "start": [D(1930, 2, 20), D(1930, 2, 5), D(1930, 2, 12)],
            "end": [D(1932, 1, 1), D(1930, 6, 1), D(1931, 8, 1)],
            "channel": ["permitted_leave", "removed_by_officials", "study"],
        }
    )
    coverage = pl.DataFrame(
        [
            (D(1930, 7, 1), "LVO", "artel", 10, 2),
            (D(1930, 7, 1), "LVO", "kommuna", 2, 1),
            (D(1930, 7, 1), "CBE", "toz", 8, 0),
            (D(1931, 6, 1), "LVO", "artel", 20, 2),
            (D(1931, 6, 1), "CBE", "artel", 5, 1),
        ],
        schema=["date", "region", "farm_type", "farms", "farms_with_worker"],
        orient="row",
    )
    return RunTables(
        volunteers=volunteers,
        selected=selected,
        planned_flows=pl.DataFrame(flows),
        actual_flows=pl.DataFrame(actual),
        arrivals=pl.DataFrame(
            {
                "person_id": ["P1", "P2", "P3", "P4"],
                "arrived_on": [D(1930, 1, 30), D(1930, 2, 5), D(1930, 2, 12), None],
            }
        ),
        spells=spells,
        outcomes=outcomes,
        coverage=coverage,
    )


def check(tables: RunTables, **options: Any) -> dict[str, Any]:
    """Build the document; it must validate, survive a JSON round trip, and have §6's keys in order."""
    doc = build_document(tables, scenario="tiny", seed=7, **options)
    assert validate_document(doc) == []
    assert json.loads(json.dumps(doc)) == doc
    assert list(doc) == ["scenario", "seed", "replicates", *SECTIONS]
    return doc


def nonzero(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v}


def test_the_counts_of_the_tiny_run() -> None:
    doc = check(tiny_tables())
    assert (doc["scenario"], doc["seed"], doc["replicates"]) == ("tiny", 7, 1)
    assert doc["volunteers"]["total"] == 5
    assert nonzero(doc["volunteers"]["by_source_region"]) == {"LEN": 3, "MOS": 1, "UKR": 1}
    assert list(doc["volunteers"]["by_source_region"]) == record.regions().get_column("code").to_list()
    assert doc["volunteers"]["by_union"] == {
        "metalworkers": 2,
        "textile": 2,
        "railroad": 0,
        "miners": 1,
        "chemical": 0,
        "other": 0,
    }
    sel = doc["selected"]
    assert sel["total"] == 4
    assert sel["mobilized_share"] == 0.25
    assert nonzero(sel["by_source_region"]) == {"LEN": 2, "MOS": 1, "UKR": 1}
    assert nonzero(sel["by_union"]) == {"metalworkers": 1, "textile": 2, "miners": 1}
    counts = [v for section in ("volunteers", "selected") for v in doc[section]["by_union"].values()]
    assert all(type(v) is int for v in counts)


def test_the_composition_uses_the_engine_bands() -> None:
    comp = check(tiny_tables())["composition"]
    assert comp["total"] == {
        "female": 0.25,
        "age_lt23": 0.25,
        "age_23_29": 0.25,
        "age_30_39": 0.25,
        "age_40p": 0.25,
        "party": 0.5,
        "komsomol": 0.25,
        "nonparty": 0.25,
        "exp_lt5": 0.25,
        "exp_5_12": 0.5,
        "exp_gt12": 0.25,
    }
    assert comp["by_source_region"]["LEN"] == {
        "female": 0.5,
        "age_lt23": 0.0,
        "age_23_29": 0.5,
        "age_30_39": 0.5,
        "age_40p": 0.0,
        "party": 0.5,
        "komsomol": 0.5,
        "nonparty": 0.0,
        "exp_lt5": 0.0,
        "exp_5_12": 0.5,
        "exp_gt12": 0.5,
    }
    # A region that sent nobody has no composition at all, rather than zeros.
    assert set(comp["by_source_region"]["NOR"].values()) == {None}


def test_flows_arrivals_and_headcount() -> None:
    doc = check(tiny_tables())
    assert doc["flows"]["planned"] == {
        "LEN": {"CBE": 0, "LVO": 2, "UKR": 0},
        "MOS": {"CBE": 1, "LVO": 0, "UKR": 0},
        "UKR": {"CBE": 0, "LVO": 0, "UKR": 1},
    }
    assert doc["flows"]["actual"]["LEN"] == {"CBE": 1, "LVO": 1, "UKR": 0}
    assert doc["arrivals"] == {"1930-02-02": 1, "1930-02-09": 2, "1930-02-15": 3}
    assert doc["headcount"] == {
        "1930-07-01": {"rural_work": 2, "on_farms": 1, "in_mts": 1, "farm_system": 1},
        "1931-04-01": {"rural_work": 2, "on_farms": 0, "in_mts": 1, "farm_system": 1},
        "1932-07-01": {"rural_work": 0, "on_farms": 0, "in_mts": 0, "farm_system": 0},
        "1933-01-01": {"rural_work": 0, "on_farms": 0, "in_mts": 0, "farm_system": 0},
    }


def test_exits_are_cumulative_and_inclusive_of_the_date() -> None:
    exits = check(tiny_tables())["exits"]
    assert nonzero(exits["by_channel"]) == {"removed_by_officials": 1, "permitted_leave": 1, "study": 1}
    assert nonzero(exits["by_source_region"]) == {"LEN": 2, "MOS": 1}
    until = {day: nonzero(row) for day, row in exits["by_channel_until"].items()}
    assert until == {
        "1930-07-01": {"removed_by_officials": 1},
        "1930-10-01": {"removed_by_officials": 1},
        "1931-04-01": {"removed_by_officials": 1},
        "1931-08-01": {"removed_by_officials": 1, "study": 1},  # P3 leaves on the date itself
        "1932-07-01": {"removed_by_officials": 1, "study": 1, "permitted_leave": 1},
        "1933-01-01": {"removed_by_officials": 1, "study": 1, "permitted_leave": 1},
    }


def test_coverage_and_farm_types() -> None:
    doc = check(tiny_tables())
    july, june = doc["coverage"]["1930-07-01"], doc["coverage"]["1931-06-01"]
    assert july["total"] == 0.15
    assert june["total"] == 0.12
    assert nonzero({k: v is not None for k, v in july["by_destination_region"].items()}) == {
        "LVO": True,
        "CBE": True,
    }
    assert (july["by_destination_region"]["LVO"], july["by_destination_region"]["CBE"]) == (0.25, 0.0)
    assert (june["by_destination_region"]["LVO"], june["by_destination_region"]["CBE"]) == (0.1, 0.2)
    assert doc["farm_types"] == {"1930-07-01": {"kommuna": 0.5, "artel": 0.2, "toz": 0.0}}


def test_a_run_without_tables_is_all_null_and_still_valid() -> None:
    doc = check(RunTables())
    assert {value for section in SECTIONS for _, value in leaves(doc[section])} == {None}
    assert doc["flows"] == {"planned": {}, "actual": {}}
    assert doc["headcount"]["1930-07-01"] == dict.fromkeys(
        ("rural_work", "on_farms", "in_mts", "farm_system")
    )


def test_extra_dates_are_added_to_the_required_ones() -> None:
    dates = ContractDates(
        arrivals=(D(1930, 1, 31),),
        headcount=(D(1930, 3, 1),),
        exits=(),
        coverage=(),
        farm_types=(D(1931, 6, 1),),
    )
    doc = check(tiny_tables(), dates=dates)
    assert list(doc["arrivals"]) == ["1930-01-31", "1930-02-02", "1930-02-09", "1930-02-15"]
    assert doc["arrivals"]["1930-01-31"] == 1
    # On 1 March 1930 P1 leads a farm, P2 too, and P3 is an intern on a state farm.
    assert doc["headcount"]["1930-03-01"] == {"rural_work": 3, "on_farms": 2, "in_mts": 0, "farm_system": 2}
    assert doc["farm_types"]["1931-06-01"] == {"kommuna": None, "artel": 0.12, "toz": None}
