"""The loaders against the record's own figures: what the sources print, the loaders return."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl
import pytest

import cadre.record as record
from cadre.record import schema, tables


def check_figure(read: Callable[[], object], expected: float) -> None:
    assert read() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        pytest.param(record.quota_total, 26_380, id="printed total of the quotas"),
        pytest.param(lambda: record.quotas("region")["quota"].sum(), 26_380, id="regional quotas"),
        pytest.param(lambda: record.quotas("union")["quota"].sum(), 26_380, id="union quotas"),
        pytest.param(lambda: record.quotas("union").height, 5, id="four named unions and the rest"),
        pytest.param(lambda: record.control_plan()["planned"].sum(), 26_680, id="plan cells, corrected"),
        pytest.param(
            lambda: record.control_plan("printed")["planned"].sum(), 26_680, id="plan cells, printed"
        ),
        pytest.param(lambda: record.observation("arrived_0202"), 18_300, id="arrived by 2 February 1930"),
        pytest.param(lambda: record.observation("arrived_0209"), 20_640, id="arrived by 9 February 1930"),
        pytest.param(lambda: record.observation("selected_total"), 27_519, id="sent, corrected count"),
        pytest.param(lambda: record.observation("personal_files"), 23_409, id="surviving personal files"),
        pytest.param(lambda: record.observation("cut_tier_union_len"), 0.175, id="a range kept as midpoint"),
        pytest.param(lambda: record.regions().height, 22, id="region codes"),
        pytest.param(lambda: record.calendar().height, 35, id="calendar events"),
    ],
)
def test_figures_of_the_record(read: Callable[[], object], expected: float) -> None:
    check_figure(read, expected)


@pytest.mark.parametrize(
    ("origin", "planned"),
    [("LEN", 4_390), ("MOS", 6_600), ("UKR", 7_500), ("URA", 1_700), ("ZSF", 680), ("IVA", 1_600)],
)
def test_plan_per_origin(origin: str, planned: int) -> None:
    check_figure(
        lambda: record.control_plan().filter(pl.col("from_region") == origin)["planned"].sum(), planned
    )


def test_the_total_row_is_kept_out_of_the_quotas() -> None:
    assert "ALL" not in record.quotas()["key"].to_list()
    assert record.quotas().height == record.quotas("region").height + record.quotas("union").height == 22


def test_every_composition_measure_adds_up_to_100() -> None:
    sums = record.composition().group_by("measure").agg(pl.col("percent").sum())
    assert sorted(sums["measure"]) == ["age", "factory_experience", "party", "sex"]
    assert sums["percent"].to_list() == pytest.approx([100.0] * 4, abs=0.1)


def test_printed_reading_differs_only_in_the_two_leningrad_cells() -> None:
    corrected, printed = record.control_plan("corrected"), record.control_plan("printed")
    assert corrected.drop("to_region").equals(printed.drop("to_region"))
    moved = corrected.with_row_index("row", offset=1).filter(corrected["to_region"] != printed["to_region"])
    assert moved.select("row", "from_region", "to_region", "printed_in_row").rows() == [
        (3, "LEN", "NOR", "LEN"),
        (6, "LEN", "CAS", "URA"),
    ]


@pytest.mark.parametrize(
    ("table", "schema"),
    [
        ("regions", {"tempo_group": pl.Int64, "code": pl.String}),
        ("quotas", {"kind": pl.Enum(["region", "union"]), "quota": pl.Int64}),
        ("control_plan", {"planned": pl.Int64, "printed_in_row": pl.String}),
        ("composition", {"percent": pl.Float64}),
        ("collectivization", {"date": pl.Date, "percent": pl.Float64, "percent_low": pl.Float64}),
        ("calendar", {"date": pl.Date, "event": pl.String}),
        ("observations", {"as_of": pl.Date, "value": pl.String, "value_low": pl.Float64}),
    ],
)
def test_dtypes_are_explicit(table: str, schema: dict[str, pl.DataType]) -> None:
    loaded = record.TABLES[table].load().schema
    assert {name: loaded[name] for name in schema} == schema


def test_collectivization_keeps_ranges_as_bounds_and_doubtful_figures_empty() -> None:
    series = record.collectivization()
    jan = series.filter(pl.col("date") == pl.date(1930, 1, 1), pl.col("region").is_in(["LVO", "SIB"]))
    assert jan.select("region", "percent", "percent_low", "percent_high").rows() == [
        ("LVO", None, 56.0, 70.0),
        ("SIB", None, None, None),
    ]
    known = series.filter(pl.col("percent").is_not_null())
    assert known["percent"].equals(known["percent_low"], check_names=False)
    assert known["percent"].equals(known["percent_high"], check_names=False)


def test_observations_keep_the_printed_text_and_its_bounds() -> None:
    ratio = record.observations().filter(pl.col("id") == "rural_salary_ratio_miners")
    assert ratio.select("value", "value_low", "value_high").row(0) == ("2-10", 2.0, 10.0)
    with pytest.raises(ValueError, match="printed as a range"):
        record.observation("rural_salary_ratio_miners")


def test_an_unknown_observation_is_a_key_error_that_suggests_ids() -> None:
    with pytest.raises(KeyError, match="arrived_0202"):
        record.observation("arrived_0203")


def test_a_callers_edit_does_not_reach_the_cache() -> None:
    frame = record.regions()
    frame.drop_in_place("name")
    assert "name" in record.regions().columns


def test_tables_registry_names_every_table_with_its_manifest_entry() -> None:
    assert list(record.TABLES) == list(record.manifest())
    for name, table in record.TABLES.items():
        assert table.info.name == name
        assert table.load().height > 0
        assert getattr(record, name) is table.load


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    tables._frame.cache_clear()
    yield
    tables._frame.cache_clear()


@pytest.mark.usefixtures("fresh_cache")
def test_a_file_with_unparsable_cells_is_refused_on_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def read_broken(table: str) -> pl.DataFrame:
        raw = schema.read_raw(table)
        return raw.with_columns(
            date=pl.when(pl.int_range(pl.len()) == 2).then(pl.lit("1929-12-32")).otherwise("date")
        )

    monkeypatch.setattr(tables, "read_raw", read_broken)
    with pytest.raises(
        record.RecordError, match=r"calendar_1929_1933.csv, row 3, column date: '1929-12-32' is not a date"
    ):
        record.calendar()
