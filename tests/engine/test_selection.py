"""Selection: exact against brute force and the plain per-person MILP; quotas, targets, reasons, determinism."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadre.engine.certificate import Status
from cadre.engine.conditions import Clause
from cadre.engine.rulebook import Target
from cadre.engine.schema import Kind
from cadre.engine.selection import Fill, Selection, SelectionParams, plain_milp, select

WOMEN = Clause(column="sex", kind=Kind.ENUM, operators=(("equals", "female"),))
PARTY = Clause(column="party_status", kind=Kind.ENUM, operators=(("in", ("party", "komsomol")),))
YOUTH = Clause(column="age", kind=Kind.INT, operators=(("below", 23),))


def target(code: str, condition: Clause, *, lo: float | None = None, hi: float | None = None,
           hard: bool = False, penalty: float = 1.0) -> Target:
    return Target(code=code, label=code, condition=condition, min_share=lo, max_share=hi, hard=hard, penalty=penalty)


def people(*rows: tuple[Any, ...]) -> pl.DataFrame:
    """Candidates from (person_id, region, union, factory, quality, sex, party_status, age) tuples."""
    cols = ["person_id", "source_region", "union", "factory_id", "quality", "sex", "party_status", "age"]
    return pl.DataFrame([dict(zip(cols, r, strict=True)) for r in rows],
                        schema={"person_id": pl.String, "source_region": pl.String, "union": pl.String,
                                "factory_id": pl.String, "quality": pl.Float64, "sex": pl.String,
                                "party_status": pl.String, "age": pl.Int64})


def quotas(*cells: tuple[str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(cells, schema={"source_region": pl.String, "union": pl.String, "quota": pl.Int64},
                        orient="row")


# --- an independent reference: every subset, the objective written out plainly ----------------------------

@dataclass(frozen=True)
class Best:
    feasible: bool
    size: int
    value: float


def _meets(row: dict[str, Any], cond: Clause) -> bool:
    op, arg = cond.operators[0]
    v = row[cond.column]
    return bool(v == arg if op == "equals" else v in arg if op == "in" else v < arg)


def brute(frame: pl.DataFrame, cells: pl.DataFrame, targets: list[Target], factories: pl.DataFrame | None,
          fill: Fill = Fill.ALL) -> Best:
    rows = frame.to_dicts()
    quota = {(r, u): q for r, u, q in cells.iter_rows()}
    fquota = {} if factories is None else dict(factories.iter_rows())
    ok = [i for i, r in enumerate(rows) if quota.get((r["source_region"], r["union"]), 0) > 0]

    def caps_hold(subset: tuple[int, ...]) -> bool:
        by_cell: dict[Any, int] = {}
        by_fac: dict[Any, int] = {}
        for i in subset:
            r = rows[i]
            key = (r["source_region"], r["union"])
            by_cell[key] = by_cell.get(key, 0) + 1
            by_fac[r["factory_id"]] = by_fac.get(r["factory_id"], 0) + 1
        return all(n <= quota[k] for k, n in by_cell.items()) and all(
            n <= fquota[f] for f, n in by_fac.items() if f in fquota)

    def shortfalls(subset: tuple[int, ...]) -> list[tuple[Target, int]]:
        n = len(subset)
        out = []
        for t in targets:
            k = sum(_meets(rows[i], t.condition) for i in subset)  # type: ignore[arg-type]
            if t.min_share is not None:
                out.append((t, max(0, math.ceil(round(t.min_share * n, 9)) - k)))
            if t.max_share is not None:
                out.append((t, max(0, k - math.floor(round(t.max_share * n, 9)))))
        return out

    def hard_hold(subset: tuple[int, ...]) -> bool:
        return all(s == 0 for t, s in shortfalls(subset) if t.hard)

    def value(subset: tuple[int, ...]) -> float:
        return sum(rows[i]["quality"] for i in subset) - sum(t.penalty * s for t, s in shortfalls(subset) if not t.hard)

    sizes = range(len(ok), -1, -1)
    size = next(n for n in sizes if any(caps_hold(s) for s in itertools.combinations(ok, n)))
    if fill is Fill.HARD_FIRST:
        size = next(n for n in sizes if any(caps_hold(s) and hard_hold(s) for s in itertools.combinations(ok, n)))
    found = [value(s) for s in itertools.combinations(ok, size) if caps_hold(s) and hard_hold(s)]
    return Best(feasible=bool(found), size=size, value=max(found, default=-math.inf))


def check(result: Selection, frame: pl.DataFrame, cells: pl.DataFrame, targets: list[Target],
          factories: pl.DataFrame | None = None) -> None:
    """What every answer must satisfy: quotas and sub-quotas kept, hard targets met, objective as stated."""
    if result.status is not Status.OPTIMAL:
        assert result.selected.is_empty()
        return
    chosen = frame.join(result.selected.select("person_id"), on="person_id")
    assert chosen.height == result.selected.height == result.places
    per_cell = chosen.group_by("source_region", "union").len().join(cells, on=["source_region", "union"], how="left")
    assert (per_cell.get_column("len") <= per_cell.get_column("quota").fill_null(0)).all()
    if factories is not None:
        per_fac = chosen.group_by("factory_id").len().join(factories, on="factory_id", how="inner")
        assert (per_fac.get_column("len") <= per_fac.get_column("quota")).all()
    table = result.targets
    assert table.filter(pl.col("hard") & ~pl.col("met")).is_empty()
    # Every missed soft target is reported, with its shortfall in people.
    reported = {b.constraint: b.shortfall for b in result.certificate.binding}
    for code, short in table.filter(~pl.col("met")).select("code", "shortfall").iter_rows():
        assert reported[code] == short
    penalty = table.filter(~pl.col("hard")).get_column("penalty").sum()
    assert result.certificate.objective == pytest.approx(chosen.get_column("quality").sum() - penalty, abs=1e-9)
    assert result.certificate.bound is not None
    assert result.certificate.bound == pytest.approx(result.certificate.objective, abs=1e-6)


# --- small fixed cases --------------------------------------------------------------------------------------

FRAME = people(
    ("P1", "LEN", "metalworkers", "F1", 0.9, "male", "party", 35),
    ("P2", "LEN", "metalworkers", "F1", 0.8, "male", "nonparty", 40),
    ("P3", "LEN", "metalworkers", "F2", 0.4, "female", "party", 30),
    ("P4", "LEN", "metalworkers", "F2", 0.3, "female", "komsomol", 20),
    ("P5", "LEN", "textile", "F3", 0.7, "female", "nonparty", 33),
    ("P6", "LEN", "textile", "F3", 0.6, "male", "party", 45),
)
CELLS = quotas(("LEN", "metalworkers", 2), ("LEN", "textile", 1))


def test_fills_each_cell_with_its_best_candidates() -> None:
    result = select(FRAME, CELLS)
    check(result, FRAME, CELLS, [])
    assert result.selected.get_column("person_id").to_list() == ["P1", "P2", "P5"]
    assert result.fill.get_column("shortfall").to_list() == [0, 0]
    assert result.certificate.objective == pytest.approx(2.4)


def test_a_soft_target_trades_quality_for_its_penalty_and_reports_the_shortfall() -> None:
    women = [target("women", WOMEN, lo=0.7, penalty=0.3)]
    result = select(FRAME, CELLS, targets=women)
    check(result, FRAME, CELLS, women)
    # Replacing P2 (0.8) by P3 (0.4) costs 0.4 of quality and saves 0.3 of penalty: not worth it.
    assert result.selected.get_column("person_id").to_list() == ["P1", "P2", "P5"]
    row = result.targets.row(0, named=True)
    assert (row["required"], row["count"], row["shortfall"], row["met"]) == (3, 1, 2, False)
    (b,) = [b for b in result.certificate.binding if b.constraint == "women"]
    assert b.kind == "soft"
    assert b.shortfall == 2
    assert "33.3% reached of at least 70% (2 people short)" in b.explanation
    assert "penalty of 0.3" in b.explanation


CELLS_4 = quotas(("LEN", "metalworkers", 3), ("LEN", "textile", 1))  # 3 women at most among 4 places


def test_a_hard_target_that_cannot_be_met_is_infeasible_with_the_reason_never_relaxed() -> None:
    women = [target("women", WOMEN, lo=0.9, hard=True)]
    result = select(FRAME, CELLS_4, targets=women)
    assert result.status is Status.INFEASIBLE
    assert result.selected.is_empty()
    assert result.certificate.objective is None
    texts = [b.explanation for b in result.certificate.binding]
    assert any("women (hard, at least 90%) cannot be met with the 4 places filled" in t
               and "only 3 of the 6 candidates in the cells with a quota meet it (sex equals female)" in t
               and "at most 3 of the 4 places (75.0%) can go to them" in t
               for t in texts), texts
    assert any("at most 3 of the 4 places can be filled" in t for t in texts), texts


def test_hard_first_leaves_places_empty_rather_than_break_a_hard_target() -> None:
    women = [target("women", WOMEN, lo=0.9, hard=True)]
    result = select(FRAME, CELLS_4, targets=women, params=SelectionParams(fill=Fill.HARD_FIRST))
    check(result, FRAME, CELLS_4, women)
    assert result.places == 3
    assert sorted(result.selected.get_column("person_id").to_list()) == ["P3", "P4", "P5"]
    (b,) = [b for b in result.certificate.binding if b.constraint == "places"]
    assert "hold the cohort to 3 of the 4 places" in b.explanation


def test_hard_targets_that_hold_alone_but_not_together_are_named_together() -> None:
    frame = people(
        ("A", "LEN", "metalworkers", "F1", 0.5, "female", "nonparty", 40),
        ("B", "LEN", "metalworkers", "F1", 0.5, "male", "party", 40),
    )
    cells = quotas(("LEN", "metalworkers", 1))
    both = [target("women", WOMEN, lo=1.0, hard=True), target("party", PARTY, lo=1.0, hard=True)]
    result = select(frame, cells, targets=both)
    assert result.status is Status.INFEASIBLE
    assert any("each can be met alone" in b.explanation and "women, party" in b.explanation
               for b in result.certificate.binding)


def test_cells_short_of_candidates_are_reported_in_words() -> None:
    cells = quotas(("LEN", "metalworkers", 6), ("LEN", "textile", 1), ("MOS", "chemical", 3))
    result = select(FRAME, cells)
    check(result, FRAME, cells, [])
    texts = {b.constraint: b.explanation for b in result.certificate.binding}
    assert texts["quota LEN × metalworkers"] == "LEN × metalworkers: 4 candidates for a quota of 6"
    assert texts["quota MOS × chemical"] == "MOS × chemical: 0 candidates for a quota of 3"
    fill = {(r, u): (q, s) for r, u, q, _, _, s, _ in result.fill.iter_rows()}
    assert fill[("LEN", "metalworkers")] == (6, 4)


def test_factory_sub_quotas_cap_a_factory_and_say_so() -> None:
    factories = pl.DataFrame({"factory_id": ["F1"], "quota": [1]})
    result = select(FRAME, CELLS, factory_quotas=factories)
    check(result, FRAME, CELLS, [], factories)
    assert result.selected.get_column("person_id").to_list() == ["P1", "P3", "P5"]
    (b,) = [b for b in result.certificate.binding if b.constraint == "factory sub-quotas"]
    assert "1 factories are at their sub-quota" in b.explanation
    assert "F1" in b.explanation


def test_ties_in_quality_go_to_the_lowest_person_id_whatever_the_row_order() -> None:
    frame = people(*[(f"P{i}", "LEN", "metalworkers", f"F{i % 3}", 0.5, "male", "party", 40) for i in range(9, 0, -1)])
    cells = quotas(("LEN", "metalworkers", 4))
    first = select(frame, cells)
    assert first.selected.get_column("person_id").to_list() == ["P1", "P2", "P3", "P4"]
    again = select(frame.sample(fraction=1.0, shuffle=True, seed=3), cells.reverse())
    assert again.selected.equals(first.selected)


def test_a_candidate_without_a_quality_score_counts_as_missing_quality() -> None:
    frame = FRAME.with_columns(pl.when(pl.col("person_id") == "P6").then(None).otherwise(pl.col("quality")).alias("quality"))
    low = select(frame, CELLS)
    assert "P6" not in low.selected.get_column("person_id").to_list()
    assert "1 candidates had no quality score" in low.certificate.message
    high = select(frame, CELLS, params=SelectionParams(missing_quality=1.0))
    assert "P6" in high.selected.get_column("person_id").to_list()


def test_candidates_outside_every_quota_cell_are_never_selected() -> None:
    cells = quotas(("LEN", "metalworkers", 5))
    result = select(FRAME, cells)
    assert set(result.selected.get_column("union").to_list()) == {"metalworkers"}
    assert "2 candidates are in cells without a quota" in result.certificate.message
    assert result.fill.filter(pl.col("union") == "textile").row(0, named=True)["quota"] == 0


def test_no_candidates_or_no_quotas_give_an_empty_cohort_not_an_error() -> None:
    women = [target("women", WOMEN, lo=0.5, hard=True)]
    nobody = select(FRAME.head(0), CELLS, targets=women)
    assert (nobody.status, nobody.places, nobody.selected.height) == (Status.OPTIMAL, 0, 0)
    assert nobody.fill.get_column("shortfall").to_list() == [2, 1]
    nowhere = select(FRAME, CELLS.head(0))
    assert (nowhere.status, nowhere.places) == (Status.OPTIMAL, 0)
    assert "6 candidates are in cells without a quota" in nowhere.certificate.message


# --- exactness against brute force and the plain model (hypothesis) --------------------------------------

REGIONS = ("LEN", "MOS")
UNIONS = ("metalworkers", "textile")


@st.composite
def instances(draw: st.DrawFn, max_people: int) -> tuple[pl.DataFrame, pl.DataFrame, list[Target], pl.DataFrame | None]:
    n = draw(st.integers(1, max_people))
    shared = draw(st.booleans())  # factories that span cells (not nested): the slower exact model
    rows = []
    for i in range(n):
        r, u = draw(st.sampled_from(REGIONS)), draw(st.sampled_from(UNIONS))
        k = draw(st.integers(0, 2))
        rows.append((f"P{i:03d}", r, u, f"F{k}" if shared else f"{r}-{u}-{k}",
                     draw(st.sampled_from([0.0, 0.25, 0.5, 0.5, 0.75, 1.0])),
                     draw(st.sampled_from(["male", "female"])), draw(st.sampled_from(["party", "komsomol", "nonparty"])),
                     draw(st.sampled_from([19, 30, 45]))))
    cells = [(r, u, draw(st.integers(0, 4))) for r in REGIONS for u in UNIONS if draw(st.booleans()) or True]
    fids = sorted({row[3] for row in rows})
    capped = draw(st.lists(st.sampled_from(fids), unique=True, max_size=len(fids)))
    factories = (pl.DataFrame({"factory_id": capped, "quota": [draw(st.integers(0, 3)) for _ in capped]},
                              schema={"factory_id": pl.String, "quota": pl.Int64}) if capped else None)
    pool = [
        lambda hard: target("women", WOMEN, lo=draw(st.sampled_from([0.2, 0.5])), hard=hard,
                            penalty=draw(st.sampled_from([0.3, 1.0, 2.0]))),
        lambda hard: target("party", PARTY, lo=draw(st.sampled_from([0.6, 0.7])), hard=hard,
                            penalty=draw(st.sampled_from([0.3, 1.0, 2.0]))),
        lambda hard: target("youths", YOUTH, hi=draw(st.sampled_from([0.0, 0.34])), hard=hard,
                            penalty=draw(st.sampled_from([0.3, 1.0]))),
        lambda hard: target("mature", YOUTH, lo=0.2, hi=0.5, hard=hard),
    ]
    chosen = draw(st.lists(st.integers(0, len(pool) - 1), unique=True, max_size=3))
    targets = [pool[k](draw(st.booleans())) for k in chosen]
    return people(*rows), quotas(*cells), targets, factories


@given(instances(max_people=9), st.sampled_from(list(Fill)))
def test_select_is_exact_against_every_subset(case: Any, fill: Fill) -> None:
    frame, cells, targets, factories = case
    best = brute(frame, cells, targets, factories, fill)
    for solve in (select, plain_milp):
        result = solve(frame, cells, targets=targets, factory_quotas=factories, params=SelectionParams(fill=fill))
        check(result, frame, cells, targets, factories)
        assert result.places == best.size
        if best.feasible:
            assert result.status is Status.OPTIMAL
            assert result.certificate.objective == pytest.approx(best.value, abs=1e-9)
        else:
            assert result.status is Status.INFEASIBLE
            assert any(b.kind == "hard" for b in result.certificate.binding)


@given(instances(max_people=60))
def test_select_agrees_with_the_plain_milp(case: Any) -> None:
    frame, cells, targets, factories = case
    fast = select(frame, cells, targets=targets, factory_quotas=factories)
    plain = plain_milp(frame, cells, targets=targets, factory_quotas=factories)
    check(fast, frame, cells, targets, factories)
    check(plain, frame, cells, targets, factories)
    assert fast.status is plain.status
    if fast.status is Status.OPTIMAL:
        assert fast.certificate.objective == pytest.approx(plain.certificate.objective, abs=1e-6)
    again = select(frame.reverse(), cells, targets=targets, factory_quotas=factories)
    assert again.selected.equals(fast.selected)
    assert again.fill.equals(fast.fill)
