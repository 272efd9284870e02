"""Time selection at national scale: the grouped model against the plain per-person MILP, in one run.

The instance: N synthetic volunteers (the bundled sample campaign), validated, all of them approved
candidates (or only the eligible ones with --eligible); the 1929 control figures fitted to them per region x
union (17 x 6 cells); sub-quotas for the F factories with the most candidates, each about its share of the
cell's quota times a seeded factor between 0.8 and 1.5, so that some bind; the cohort targets of the
ussr-1929 rulebook (soft unless --hard names them). Both solvers prove the optimum (relative gap 0 unless
--plain-gap says otherwise for the baseline); their objectives must agree.

    .venv/bin/python bench/bench_selection.py [--n 70000] [--factories 2000] [--seed 1929] [--repeat 3]
        [--hard CODE ...] [--eligible] [--plain-gap 0] [--plain-time-limit 900] [--no-plain]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np
import polars as pl

from cadre.cli.cmd_selection import quotas_1929
from cadre.cli.engine_cmd import campaign_schema
from cadre.engine.eligibility import evaluate
from cadre.engine.selection import Selection, SelectionParams, plain_milp, select
from cadre.engine.validation import validate
from cadre.io import load_rulebook
from cadre.twin.sample import sample_volunteers


def factory_quotas(candidates: pl.DataFrame, cells: pl.DataFrame, count: int, rng: np.random.Generator) -> pl.DataFrame:
    """Sub-quotas for the ``count`` factories with the most candidates: their share of the cell's quota x U(0.8, 1.5)."""
    per_cell = candidates.group_by("source_region", "union").len("cell_candidates")
    biggest = (candidates.group_by("source_region", "union", "factory_id").len("factory_candidates")
               .sort(["factory_candidates", "factory_id"], descending=[True, False]).head(count)
               .join(per_cell, on=["source_region", "union"]).join(cells, on=["source_region", "union"])
               .sort(["factory_candidates", "factory_id"], descending=[True, False]))
    factor = pl.Series(rng.uniform(0.8, 1.5, biggest.height))
    share = pl.col("factory_candidates") * pl.col("quota") / pl.col("cell_candidates") * factor
    return biggest.select("factory_id", share.round(0).cast(pl.Int64).clip(1).alias("quota"))


def describe(name: str, result: Selection, seconds: float) -> None:
    c = result.certificate
    stats = c.stats
    size = (f"{stats.get('variables', 0):,.0f} variables ({stats.get('integer_variables', 0):,.0f} integer), "
            f"{stats.get('rows', 0):,.0f} rows, {stats.get('nodes', 0):,.0f} nodes")
    def num(x: float | None, form: str) -> str:
        return "—" if x is None else format(x, form)

    print(f"{name:<34}: {seconds:8.2f} s  {c.status.value}, objective {num(c.objective, ',.3f')}, "
          f"bound {num(c.bound, ',.3f')}, gap {num(c.gap, '.1e')}; {size}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=70_000)
    parser.add_argument("--factories", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1929)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the grouped model; the best is reported")
    parser.add_argument("--hard", action="append", default=[], help="make this target hard (code)")
    parser.add_argument("--eligible", action="store_true", help="only the candidates eligible under the rulebook")
    parser.add_argument("--plain-gap", type=float, default=0.0, help="relative gap for the baseline (HiGHS default 1e-4)")
    parser.add_argument("--plain-time-limit", type=float, default=900.0)
    parser.add_argument("--no-plain", action="store_true", help="skip the baseline")
    args = parser.parse_args()

    schema = campaign_schema()
    book = load_rulebook("ussr-1929", schema)
    targets = tuple(dataclasses.replace(t, hard=True) if t.code in args.hard else t for t in book.targets)
    rng = np.random.default_rng(args.seed)
    files = validate(sample_volunteers(args.n, rng=rng), schema).clean
    candidates = files
    if args.eligible:
        ids = evaluate(files, book).frame.filter(pl.col("eligible")).get_column("person_id")
        candidates = files.filter(pl.col("person_id").is_in(ids.implode()))
    cells = quotas_1929(candidates)
    facs = factory_quotas(candidates, cells, args.factories, rng)
    print(f"instance: {candidates.height:,} candidates, {cells.height} cells (quota {cells.get_column('quota').sum():,}), "
          f"{facs.height:,} factory sub-quotas, targets: "
          + ", ".join(f"{t.code} ({'hard' if t.hard else 'soft'})" for t in targets))

    best, fast = float("inf"), None
    for _ in range(args.repeat):
        started = time.perf_counter()
        fast = select(candidates, cells, targets=targets, factory_quotas=facs)
        best = min(best, time.perf_counter() - started)
    assert fast is not None
    print(f"selected {fast.selected.height:,} of {fast.places:,} places; "
          f"{fast.certificate.stats['kept_after_dominance']:,.0f} candidates kept after dominance")
    describe(f"select (grouped, best of {args.repeat})", fast, best)
    if args.no_plain:
        return
    started = time.perf_counter()
    plain = plain_milp(candidates, cells, targets=targets, factory_quotas=facs,
                       params=SelectionParams(gap=args.plain_gap, time_limit=args.plain_time_limit))
    plain_seconds = time.perf_counter() - started
    describe("plain_milp (one binary per person)", plain, plain_seconds)
    a, b = fast.certificate.objective, plain.certificate.objective
    same = (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(a)))
    print(f"speed-up                          : {plain_seconds / best:8.1f}x")
    print(f"same status                       : {fast.status is plain.status} ({fast.status}, {plain.status})")
    print(f"objectives equal                  : {same} ({a!r} vs {b!r})")
    for b_ in fast.certificate.binding[:3]:
        print(f"  binding: {b_.explanation}")


if __name__ == "__main__":
    main()
