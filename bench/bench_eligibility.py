"""Time eligibility screening of 70,000 personal files: the engine against a row-by-row Python baseline.

The baseline is what a program without a columnar engine would do: loop over the people and, for each
one, over the rules. Both evaluate the same rulebook over the same validated files, and must agree.

    .venv/bin/python bench/bench_eligibility.py [N]
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
import polars as pl

from cadre import record
from cadre.engine.conditions import Clause, Condition
from cadre.engine.eligibility import evaluate
from cadre.engine.schema import personal_file_schema
from cadre.engine.validation import validate
from cadre.io import load_rulebook
from cadre.twin.sample import sample_volunteers

_OPS: dict[str, Any] = {
    "at_least": lambda v, a: v >= a, "at_most": lambda v, a: v <= a, "above": lambda v, a: v > a,
    "below": lambda v, a: v < a, "equals": lambda v, a: v == a, "is": lambda v, a: v == a,
    "not_equals": lambda v, a: v != a, "in": lambda v, a: v in a, "not_in": lambda v, a: v not in a,
    "contains_any": lambda v, a: bool(set(v) & set(a)),
}


def _holds(cond: Condition, row: dict[str, Any]) -> bool:
    if not isinstance(cond, Clause):
        results = [_holds(m, row) for m in cond.members]
        return any(results) if cond.mode == "any" else all(results)
    value = row[cond.column]
    return value is not None and all(_OPS[op](value, arg) for op, arg in cond.operators)


def baseline(rows: list[dict[str, Any]], book: Any) -> list[list[str]]:
    out = []
    for row in rows:
        reasons = []
        for c in book.criteria:
            applies = c.when is None or _holds(c.when, row)
            if applies and not (_holds(c.condition, row) or (c.missing_passes and row[c.condition.column] is None)):
                reasons.append(c.code)
        out.append(reasons)
    return out


def best_of(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 70_000
    schema = personal_file_schema(regions=tuple(record.regions().get_column("code").to_list()))
    book = load_rulebook("ussr-1929", schema)
    text = sample_volunteers(n, rng=np.random.default_rng(1929)).select(pl.all().cast(pl.String))
    valid_s, validation = best_of(lambda: validate(text, schema), 3)
    files = validation.clean
    rows = files.to_dicts()

    engine_s, result = best_of(lambda: evaluate(files, book), 7)
    base_s, reasons = best_of(lambda: baseline(rows, book), 3)
    assert result.frame.get_column("reasons").to_list() == reasons, "engine and baseline disagree"

    print(f"files: {n:,}; rulebook {book.ref}; eligible {result.eligible_count:,}")
    print(f"engine (polars, one pass)  : {engine_s * 1000:8.1f} ms (best of 7)")
    print(f"baseline (Python row loop) : {base_s * 1000:8.1f} ms (best of 3)")
    print(f"speed-up                   : {base_s / engine_s:8.1f}x")
    print(f"validate the {n:,} files, read as text: {valid_s * 1000:.1f} ms (best of 3)")


if __name__ == "__main__":
    main()
