"""Selection's inputs: bad ones raise one error naming every row and column at fault; quotas fitted to marginals."""

from __future__ import annotations

import random

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.engine.conditions import Clause
from cadre.engine.rulebook import Target
from cadre.engine.schema import Kind
from cadre.engine.selection import SelectionInputError, SelectionParams, fit_quotas, select

WOMEN = Target(code="women", label="women", min_share=0.2,
               condition=Clause(column="sex", kind=Kind.ENUM, operators=(("equals", "female"),)))
GOOD = pl.DataFrame({
    "person_id": ["P1", "P2", "P3"], "source_region": ["LEN", "LEN", "MOS"],
    "union": ["metalworkers", "textile", "metalworkers"], "factory_id": ["F1", "F2", "F3"],
    "quality": [0.5, 0.6, 0.7], "sex": ["male", "female", "male"],
})
CELLS = pl.DataFrame({"source_region": ["LEN", "LEN", "MOS"], "union": ["metalworkers", "textile", "metalworkers"],
                      "quota": [1, 1, 1]})
VOCABULARY = SelectionParams(regions=("LEN", "MOS"), unions=("metalworkers", "textile"))


def check(problems: list[str], *, candidates: pl.DataFrame = GOOD, quotas: pl.DataFrame = CELLS,
          factory_quotas: pl.DataFrame | None = None, targets: tuple[Target, ...] = (WOMEN,)) -> None:
    """Selecting raises one SelectionInputError (a ValueError) whose message holds each of ``problems``."""
    with pytest.raises(SelectionInputError) as caught:
        select(candidates, quotas, targets=targets, factory_quotas=factory_quotas, params=VOCABULARY)
    assert isinstance(caught.value, ValueError)
    for p in problems:
        assert p in str(caught.value), str(caught.value)


def test_good_input_is_accepted() -> None:
    assert select(GOOD, CELLS, targets=(WOMEN,), params=VOCABULARY).selected.height == 3


@pytest.mark.parametrize(
    ("quotas", "problems"),
    [
        (CELLS.with_columns(quota=pl.Series([1, -2, 1])), ["quotas: row 2: 'quota' must not be negative, got [-2]"]),
        (CELLS.with_columns(quota=pl.Series([1.0, 2.5, 1.0])), ["row 2: 'quota' must be a whole number, got [2.5]"]),
        (CELLS.with_columns(quota=pl.Series([1, None, 1])), ["row 2: 'quota' is missing"]),
        (CELLS.with_columns(source_region=pl.Series(["LEN", "XXX", "MOS"])),
         ["row 2: 'XXX' is not a region of the campaign (known: LEN, MOS)"]),
        (CELLS.with_columns(union=pl.Series(["metalworkers", "bakers", "metalworkers"])),
         ["row 2: 'bakers' is not a union of the campaign"]),
        (CELLS.with_columns(source_region=pl.Series(["LEN", "MOS", "MOS"]), union=pl.Series(["textile"] * 3)),
         ["rows 2, 3: the cell MOS × textile appears more than once"]),
        (CELLS.drop("quota"), ["required column 'quota' is missing"]),
        (CELLS.with_columns(quota=pl.Series([-1, 1, 1]), source_region=pl.Series(["LEN", "LEN", "ZZZ"])),
         ["row 1: 'quota' must not be negative", "row 3: 'ZZZ' is not a region"]),  # every problem at once
    ],
)
def test_bad_quotas_name_the_row(quotas: pl.DataFrame, problems: list[str]) -> None:
    check(problems, quotas=quotas)


@pytest.mark.parametrize(
    ("candidates", "problems"),
    [
        (GOOD.drop("quality"), ["candidates: required column 'quality' is missing"]),
        (GOOD.drop("union"), ["required column 'union' is missing"]),
        (GOOD.drop("sex"), ["target 'women' reads column 'sex', which the candidates do not have"]),
        (GOOD.with_columns(person_id=pl.Series(["P1", "P1", "P3"])), ["rows 1, 2: person_id appears more than once (P1)"]),
        (GOOD.with_columns(quality=pl.Series([0.5, 1.5, 0.7])), ["row 2: 'quality' must lie between 0 and 1, got [1.5]"]),
        (GOOD.with_columns(source_region=pl.Series(["LEN", None, "MOS"])), ["row 2: 'source_region' is missing"]),
        (GOOD.with_columns(quality=pl.Series(["a", "b", "c"])), ["column 'quality' must hold numbers"]),
    ],
)
def test_bad_candidates_name_the_row_or_column(candidates: pl.DataFrame, problems: list[str]) -> None:
    check(problems, candidates=candidates)


def test_targets_with_the_same_code_are_refused() -> None:
    check(["targets 'women' are given more than once"], targets=(WOMEN, WOMEN))


@pytest.mark.parametrize(
    ("factories", "problems"),
    [
        (pl.DataFrame({"factory_id": ["F1", "F1"], "quota": [1, 2]}), ["rows 1, 2: the factory 'F1' appears more than once"]),
        (pl.DataFrame({"factory_id": ["F1"], "quota": [-1]}), ["factory quotas: row 1: 'quota' must not be negative"]),
        (pl.DataFrame({"factory": ["F1"], "quota": [1]}), ["required column 'factory_id' is missing"]),
    ],
)
def test_bad_factory_quotas_name_the_row(factories: pl.DataFrame, problems: list[str]) -> None:
    check(problems, factory_quotas=factories)


def test_candidates_need_a_factory_id_only_when_there_are_factory_quotas() -> None:
    assert select(GOOD.drop("factory_id"), CELLS).selected.height == 3
    check(["required column 'factory_id' is missing"], candidates=GOOD.drop("factory_id"),
          factory_quotas=pl.DataFrame({"factory_id": ["F1"], "quota": [1]}))


# --- quotas per region x union from the two marginals --------------------------------------------------------

REGIONS = pl.DataFrame({"source_region": ["UKR", "MOS", "LEN"], "quota": [750, 660, 439]})
UNIONS = pl.DataFrame({"union": ["metalworkers", "textile", "other"], "quota": [930, 403, 516]})


def sums(table: pl.DataFrame, key: str) -> dict[str, int]:
    return dict(table.group_by(key).agg(pl.col("quota").sum()).iter_rows())


def test_fitted_quotas_add_up_exactly_to_both_marginals() -> None:
    table = fit_quotas(REGIONS, UNIONS)
    assert table.height == 9
    assert sums(table, "source_region") == dict(REGIONS.iter_rows())
    assert sums(table, "union") == dict(UNIONS.iter_rows())
    # Without a seed the cells are the product of the marginals over the total, rounded down or up.
    total = REGIONS.get_column("quota").sum()
    for r, u, q in table.iter_rows():
        expected = dict(REGIONS.iter_rows())[r] * dict(UNIONS.iter_rows())[u] / total
        assert abs(q - expected) < 1


def test_a_seed_steers_the_cells_and_its_empty_cells_stay_empty() -> None:
    seed = pl.DataFrame({"source_region": ["UKR", "UKR", "MOS", "MOS", "LEN", "LEN"],
                         "union": ["metalworkers", "other", "textile", "metalworkers", "metalworkers", "other"],
                         "weight": [5.0, 1.0, 3.0, 1.0, 1.0, 1.0]})
    table = fit_quotas(REGIONS, UNIONS, seed=seed)
    assert sums(table, "source_region") == dict(REGIONS.iter_rows())
    assert sums(table, "union") == dict(UNIONS.iter_rows())
    empty = table.join(seed, on=["source_region", "union"], how="anti")
    assert (empty.get_column("quota") == 0).all()


@pytest.mark.parametrize(
    ("regions", "unions", "seed", "problem"),
    [
        (REGIONS, UNIONS.with_columns(quota=pl.Series([930, 403, 500])), None,
         "the region quotas add up to 1,849 and the union quotas to 1,833"),
        (REGIONS.with_columns(quota=pl.Series([750, -660, 439])), UNIONS, None, "row 2: 'quota' must not be negative"),
        (REGIONS, UNIONS, pl.DataFrame({"source_region": ["UKR"], "union": ["other"], "weight": [1.0]}),
         "MOS, LEN, metalworkers, textile have a quota but no weight in any cell of the seed"),
        (REGIONS, UNIONS, pl.DataFrame({"source_region": ["XXX"], "union": ["other"], "weight": [1.0]}),
         "row 1: each row needs a region and a union of the marginals"),
    ],
)
def test_bad_marginals_or_seeds_are_refused(regions: pl.DataFrame, unions: pl.DataFrame, seed: pl.DataFrame | None,
                                            problem: str) -> None:
    with pytest.raises(SelectionInputError, match=problem):
        fit_quotas(regions, unions, seed=seed)


@given(st.lists(st.integers(0, 400), min_size=1, max_size=6), st.integers(1, 5), st.randoms(use_true_random=False))
def test_fitting_any_marginals_adds_up_exactly(rows: list[int], n_cols: int, rnd: random.Random) -> None:
    total = sum(rows)
    cuts = sorted(rnd.randint(0, total) for _ in range(n_cols - 1))
    cols = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    regions = pl.DataFrame({"source_region": [f"R{i}" for i in range(len(rows))], "quota": rows})
    unions = pl.DataFrame({"union": [f"U{j}" for j in range(n_cols)], "quota": cols})
    seed = pl.DataFrame({"source_region": [f"R{i}" for i in range(len(rows)) for _ in range(n_cols)],
                         "union": [f"U{j}" for _ in rows for j in range(n_cols)],
                         "weight": [rnd.uniform(0.1, 5.0) for _ in range(len(rows) * n_cols)]})
    table = fit_quotas(regions, unions, seed=seed)
    assert (table.get_column("quota") >= 0).all()
    assert sums(table, "source_region") == dict(regions.iter_rows())
    assert sums(table, "union") == dict(unions.iter_rows())
