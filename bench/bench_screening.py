"""Time the screening ladder's batch form against applying the same table one file at a time.

Both use the same transition table of the 1929 ladder; the batch joins a frame against it, the baseline
calls ``Ladder.apply`` per file (what a workspace does for one committee decision). They must agree.

    .venv/bin/python bench/bench_screening.py [N]
"""

from __future__ import annotations

import sys
import time
from datetime import date

import polars as pl

from cadre.engine.screening import (
    LADDER_1929,
    Action,
    FileState,
    IllegalTransition,
    Role,
    Stage,
    initial_states,
)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    stages = [Stage.AT_PARTY_CELL, Stage.AT_FACTORY_COMMITTEE, Stage.AT_REGIONAL_UNION, Stage.APPROVED]
    states = initial_states(pl.int_range(n, eager=True)).with_columns(
        stage=pl.Series([stages[i % len(stages)].value for i in range(n)])
    )
    day = date(1929, 12, 20)

    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        result = LADDER_1929.apply_batch(states, Action.APPROVE, role=Role.FACTORY_COMMITTEE, as_of=day, reason="ok")
        best = min(best, time.perf_counter() - t)

    t = time.perf_counter()
    moved = 0
    for i in range(n):
        try:
            LADDER_1929.apply(FileState(stage=stages[i % len(stages)]), Action.APPROVE,
                              role=Role.FACTORY_COMMITTEE, reason="ok", as_of=day)
            moved += 1
        except IllegalTransition:
            pass
    loop = time.perf_counter() - t
    assert moved == result.log.height, "batch and per-file forms disagree"

    print(f"files: {n:,}; legal moves: {moved:,} (the rest are refused with a reason)")
    print(f"batch (one join over the table)  : {best * 1000:8.1f} ms (best of 5)")
    print(f"per file (Ladder.apply in a loop): {loop * 1000:8.1f} ms")
    print(f"speed-up                         : {loop / best:8.1f}x")


if __name__ == "__main__":
    main()
