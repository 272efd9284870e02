"""Plan versus actual along any keys, counts of people by keys, and origin-destination matrices."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from cadre.engine.analytics import count_by, od_matrix, plan_vs_actual

Row = tuple[Any, ...]


def check(
    plan: pl.DataFrame, actual: pl.DataFrame, keys: list[str], expected: list[Row], *, total: bool = False
) -> None:
    """Compare ``plan_vs_actual`` row by row: keys, planned, actual, difference, fulfilment."""
    result = plan_vs_actual(plan, actual, keys=keys, total=total)
    assert result.columns == [*keys, "planned", "actual", "difference", "fulfilment"]
    assert result.rows() == [pytest.approx(r) if isinstance(r[-1], float) else r for r in expected]


def frame(columns: list[str], rows: list[Row]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=columns, orient="row")


SENT = frame(
    ["person_id", "source_region", "union", "to_region"],
    [
        ("a", "LEN", "metalworkers", "LVO"),
        ("b", "LEN", "metalworkers", "LEN"),
        ("c", "LEN", "textile", "LVO"),
        ("d", "MOS", "textile", "CBE"),
        ("e", "IVA", "textile", "CBE"),
    ],
)


def test_by_region_with_keys_on_one_side_only() -> None:
    plan = frame(["source_region", "planned"], [("LEN", 4), ("MOS", 2), ("UKR", 3)])
    check(
        plan,
        count_by(SENT, ["source_region"], "actual"),
        ["source_region"],
        [
            ("IVA", 0, 1, 1, None),  # sent without a plan
            ("LEN", 4, 3, -1, 0.75),
            ("MOS", 2, 1, -1, 0.5),
            ("UKR", 3, 0, -3, 0.0),  # planned, nobody sent
        ],
    )


def test_a_total_row_sums_the_columns() -> None:
    plan = frame(["union", "planned"], [("metalworkers", 2), ("textile", 4)])
    check(
        plan,
        count_by(SENT, ["union"], "actual"),
        ["union"],
        [("metalworkers", 2, 2, 0, 1.0), ("textile", 4, 3, -1, 0.75), ("total", 6, 5, -1, 5 / 6)],
        total=True,
    )


def test_region_by_union_and_origin_destination_pairs() -> None:
    plan = frame(["source_region", "union", "planned"], [("LEN", "metalworkers", 1), ("LEN", "textile", 1)])
    check(
        plan,
        count_by(SENT, ["source_region", "union"], "actual"),
        ["source_region", "union"],
        [
            ("IVA", "textile", 0, 1, 1, None),
            ("LEN", "metalworkers", 1, 2, 1, 2.0),
            ("LEN", "textile", 1, 1, 0, 1.0),
            ("MOS", "textile", 0, 1, 1, None),
        ],
    )
    pairs = SENT.rename({"source_region": "from_region"})
    od_plan = frame(
        ["from_region", "to_region", "planned"], [("LEN", "LVO", 2), ("LEN", "LEN", 0), ("MOS", "CBE", 1)]
    )
    check(
        od_plan,
        count_by(pairs, ["from_region", "to_region"], "actual"),
        ["from_region", "to_region"],
        [
            ("IVA", "CBE", 0, 1, 1, None),
            ("LEN", "LEN", 0, 1, 1, None),
            ("LEN", "LVO", 2, 2, 0, 1.0),
            ("MOS", "CBE", 1, 1, 0, 1.0),
        ],
    )


def test_duplicate_keys_are_a_programmer_error() -> None:
    plan = frame(["source_region", "planned"], [("LEN", 4), ("LEN", 2)])
    with pytest.raises(ValueError, match="not unique"):
        plan_vs_actual(plan, count_by(SENT, ["source_region"], "actual"), keys=["source_region"])
    with pytest.raises(ValueError, match="'actual'"):
        plan_vs_actual(plan.head(1), SENT, keys=["source_region"])


def test_od_matrix_has_row_and_column_totals() -> None:
    long = frame(
        ["from_region", "to_region", "n"],
        [("LEN", "LVO", 5), ("LEN", "LEN", 2), ("MOS", "CBE", 3), ("LEN", "LVO", 1)],  # a pair twice adds up
    )
    matrix = od_matrix(long, origin="from_region", destination="to_region", value="n")
    assert matrix.columns == ["from_region", "CBE", "LEN", "LVO", "total"]
    assert matrix.rows() == [("LEN", 0, 2, 6, 8), ("MOS", 3, 0, 0, 3), ("total", 3, 2, 6, 11)]


def test_od_matrix_of_nothing_is_a_zero_total() -> None:
    empty = frame(["from_region", "to_region", "n"], []).cast({"n": pl.Int64})
    assert od_matrix(empty, origin="from_region", destination="to_region", value="n").rows() == [("total", 0)]
