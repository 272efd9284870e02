"""Composition of a body of workers: the record's table layout and the twin's SHARES, from the same bands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from cadre.engine.analytics import CATEGORIES, composition, composition_shares

RECORD = Path(__file__).parents[2] / "src" / "cadre" / "record" / "data" / "composition_1930_ussr.csv"

# Eight workers at the edges of every band; each tuple: person_id, region, sex, age, party, years at factory.
PEOPLE = [
    ("p1", "LEN", "male", 22, "party", 4.9),
    ("p2", "LEN", "male", 23, "party", 5.0),
    ("p3", "LEN", "female", 29, "komsomol", 12.0),
    ("p4", "LEN", "male", 30, "nonparty", 12.1),
    ("p5", "MOS", "male", 39, "party", 20.0),
    ("p6", "MOS", "female", 40, "party", 0.0),
    ("p7", "MOS", "male", 55, "nonparty", 7.5),
    ("p8", "MOS", "male", 35, "party", 13.0),
]


def people(rows: list[tuple[Any, ...]] = PEOPLE) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "person_id": pl.String,
            "source_region": pl.String,
            "sex": pl.String,
            "age": pl.Int64,
            "party_status": pl.String,
            "years_at_factory": pl.Float64,
        },
        orient="row",
    )


def check(
    frame: pl.DataFrame, expected: dict[str, list[float | None]], *, by: str | None = None
) -> pl.DataFrame:
    """Compare the percent column(s) of ``composition`` with ``expected`` (column -> values in row order).

    Also checks what holds for every composition: the record's labels in its order, and percents that
    add up to 100 per measure, and that the twin's shares are the same numbers divided by 100.
    """
    table = composition(frame, by=by)
    record = pl.read_csv(RECORD)
    assert (
        table.select("measure", "category").head(record.height).equals(record.select("measure", "category"))
    )
    for column, values in expected.items():
        assert table[column].to_list() == pytest.approx(values, nan_ok=True), column
    body = table.filter(pl.col("measure") != "n")
    percent_columns = [c for c in body.columns if c not in ("measure", "category")]
    sums = body.group_by("measure").agg(pl.col(percent_columns).sum())
    for column in percent_columns:
        assert sums[column].to_list() == pytest.approx([100.0] * 4), column
    shares = composition_shares(frame, by=by)
    for row in shares.iter_rows(named=True):
        column = str(row[by]) if by else "percent"
        for category, value in zip(CATEGORIES, body[column].to_list(), strict=True):
            if category.share is not None:
                assert row[category.share] == pytest.approx(value / 100)
    return table


def test_the_bands_put_each_edge_where_the_record_puts_it() -> None:
    sex = [75.0, 25.0]  # male, female
    age = [12.5, 25.0, 37.5, 25.0]  # under 23 (22), 23-29 (23, 29), 30-39 (30, 35, 39), 40 and over
    party = [62.5, 12.5, 25.0]  # party, komsomol, non-party
    years = [25.0, 37.5, 37.5]  # under 5 (4.9, 0), 5-12 (5, 7.5, 12), over 12 (12.1, 13, 20)
    check(people(), {"percent": [*sex, *age, *party, *years]})


def test_by_region_gives_a_column_per_region_a_total_and_a_count() -> None:
    table = check(
        people(),
        {
            "LEN": [75.0, 25.0, 25.0, 50.0, 25.0, 0.0, 50.0, 25.0, 25.0, 25.0, 50.0, 25.0, 4.0],
            "MOS": [75.0, 25.0, 0.0, 0.0, 50.0, 50.0, 75.0, 0.0, 25.0, 25.0, 25.0, 50.0, 4.0],
        },
        by="source_region",
    )
    assert table.columns == ["measure", "category", "LEN", "MOS", "total"]
    assert table.row(-1) == ("n", None, 4.0, 4.0, 8.0)
    assert table["total"].head(12).to_list() == composition(people())["percent"].to_list()


def test_the_shares_carry_the_twin_keys_in_order() -> None:
    shares = composition_shares(people(), by="source_region")
    assert shares.columns == [
        "source_region",
        "female",
        "age_lt23",
        "age_23_29",
        "age_30_39",
        "age_40p",
        "party",
        "komsomol",
        "nonparty",
        "exp_lt5",
        "exp_5_12",
        "exp_gt12",
    ]
    assert shares["source_region"].to_list() == ["LEN", "MOS"]
    assert composition_shares(people()).row(0, named=True)["female"] == pytest.approx(0.25)


def test_an_unknown_value_is_left_out_of_its_measure_only() -> None:
    rows = [*PEOPLE[:3], ("p9", "LEN", "male", None, "party", None)]
    table = check(people(rows), {})
    by_label = dict(zip(table["category"], table["percent"], strict=True))
    assert by_label["under 23"] == pytest.approx(100 / 3)  # three known ages
    assert by_label["male"] == pytest.approx(75.0)  # four known sexes


def test_no_files_give_null_percents_and_a_zero_count() -> None:
    table = composition(people([]), by="source_region")
    assert table.columns == ["measure", "category", "total"]
    assert table["total"].to_list() == [None] * 12 + [0.0]


@pytest.mark.parametrize(
    ("rows", "by", "message"),
    [
        ([("p1", "LEN", "m", 30, "party", 6.0)], None, "'sex'.*p1"),
        ([("p1", "LEN", "male", 30, "bolshevik", 6.0)], None, "'party_status'.*p1"),
        ([("p1", None, "male", 30, "party", 6.0)], "source_region", "null"),
        ([("p1", "total", "male", 30, "party", 6.0)], "source_region", "clash"),
        (PEOPLE, "union", "missing column"),
    ],
)
def test_a_malformed_frame_is_a_programmer_error(
    rows: list[tuple[Any, ...]], by: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        composition(people(rows), by=by)
