"""Time the exact assignment stage against OR-Tools' min-cost flow and SciPy's dense assignment.

One run generates the instance (27,500 people x 100,000 posts x 200 candidates, 17 regions by default),
writes it to a temporary directory, and times each solver in its own process on the same files, so that
each one's peak memory is its own: the solver's time counts from the frames in memory (every id mapping,
array and matrix built by the solver is included) to the objective. All three must reach the same
objective. Then one region is re-solved, and the first call is timed with and without numba's cache.

    .venv/bin/python bench/bench_placement.py [--people N] [--posts M] [--candidates K] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

BIG = 1e9  # the cost of a forbidden pair in SciPy's dense matrices


def rss_kib(field: str) -> int:
    """VmRSS or VmHWM (peak) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Start a new high-water mark of resident memory (Linux 4.0+), so the peak is the solver's own."""
    Path("/proc/self/clear_refs").write_text("5")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any, float]:
    """Best time of ``repeat`` calls, the last result, and the peak memory above the start, in MiB."""
    start = rss_kib("VmRSS")
    reset_peak()
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result, (rss_kib("VmHWM") - start) / 1024


def ours(directory: Path, repeat: int) -> dict[str, Any]:
    from cadre.engine.placement import compile_instance, solve_assignment
    from cadre.io.placement_files import read_instance

    arcs, posts, people = read_instance(directory)

    def solve() -> Any:
        return solve_assignment(compile_instance(arcs, posts, people))

    t = time.perf_counter()
    first = solve()
    first_s = time.perf_counter() - t
    best, result, peak = timed(solve, repeat)
    compile_times, solve_times = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        instance = compile_instance(arcs, posts, people)
        compile_times.append(time.perf_counter() - t)
        solve_times.append(solve_assignment(instance).certificate.seconds)
    phases = {"compile": min(compile_times), "solve": min(solve_times)}
    largest = max(range(instance.n_components), key=lambda c: int(np.diff(instance.person_ptr)[c]))
    region_s, region, _ = timed(lambda: solve_assignment(instance, components=[largest]), repeat)
    held = region.assignment.get_column("post_id").unique()
    closed = pl.DataFrame({"post_id": held.head(len(held) // 10), "capacity": 0})

    def quota_change() -> Any:
        changed = instance.with_capacities(closed)
        return solve_assignment(changed, components=changed.components_of_posts(closed.get_column("post_id")))

    quota_s, quota, _ = timed(quota_change, repeat)
    table = instance.component_table()
    return {"first_s": first_s, "best_s": best, "peak_mib": peak, "objective": result.certificate.objective,
            "bound": result.certificate.bound, "status": result.certificate.status.value, "phases": phases,
            "region": str(table.get_column("region")[largest]) if "region" in table.columns else str(largest),
            "region_people": int(region.certificate.stats["people"]), "region_s": region_s,
            "quota_s": quota_s, "quota_closed": closed.height, "quota_status": quota.certificate.status.value,
            "first_status": first.certificate.status.value}


def or_tools(directory: Path, repeat: int) -> dict[str, Any]:
    from ortools.graph.python import min_cost_flow

    arcs, posts, people = pl.read_parquet(directory / "arcs.parquet"), pl.read_parquet(directory / "posts.parquet"), \
        pl.read_parquet(directory / "people.parquet")

    def solve() -> int:
        person_ids = np.sort(people.get_column("person_id").to_numpy())
        post_ids = np.sort(posts.get_column("post_id").to_numpy())
        n, m = len(person_ids), len(post_ids)
        tails = np.searchsorted(person_ids, arcs.get_column("person_id").to_numpy())
        heads = n + np.searchsorted(post_ids, arcs.get_column("post_id").to_numpy())
        post_at = n + np.searchsorted(post_ids, posts.get_column("post_id").to_numpy())
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate([tails, post_at]), np.concatenate([heads, np.full(m, n + m)]),
            np.concatenate([np.ones(len(tails), np.int64), posts.get_column("capacity").to_numpy()]),
            np.concatenate([arcs.get_column("cost").to_numpy(), np.zeros(m, np.int64)]))
        flow.set_nodes_supplies(np.arange(n + m + 1), np.concatenate([np.ones(n, np.int64), np.zeros(m, np.int64), [-n]]))
        assert flow.solve() == flow.OPTIMAL
        return int(flow.optimal_cost())

    best, objective, peak = timed(solve, repeat)
    return {"best_s": best, "peak_mib": peak, "objective": objective}


def scipy_dense(directory: Path, repeat: int) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    arcs, posts, people = pl.read_parquet(directory / "arcs.parquet"), pl.read_parquet(directory / "posts.parquet"), \
        pl.read_parquet(directory / "people.parquet")

    def solve() -> float:
        total = 0.0
        tagged = arcs.join(people.select("person_id", "region"), on="person_id")
        for (region,), part in tagged.partition_by("region", as_dict=True).items():
            mine = posts.filter(pl.col("region") == region)
            person_ids = np.unique(part.get_column("person_id").to_numpy())
            post_ids = mine.get_column("post_id").to_numpy()
            order = np.argsort(post_ids)
            cap = mine.get_column("capacity").to_numpy()[order]
            first = np.concatenate([[0], np.cumsum(cap)[:-1]])  # posts expanded into places
            rows = np.searchsorted(person_ids, part.get_column("person_id").to_numpy())
            q = np.searchsorted(post_ids[order], part.get_column("post_id").to_numpy())
            cost = part.get_column("cost").to_numpy().astype(np.float64)
            matrix = np.full((len(person_ids), int(cap.sum())), BIG)
            for k in range(int(cap.max())):
                has = cap[q] > k
                matrix[rows[has], first[q[has]] + k] = cost[has]
            r, c = linear_sum_assignment(matrix)
            assert matrix[r, c].max() < BIG, "a forbidden pair was chosen"
            total += float(matrix[r, c].sum())
            del matrix
        return total

    best, objective, peak = timed(solve, repeat)
    return {"best_s": best, "peak_mib": peak, "objective": objective}


WORKERS = {"ours": ours, "ortools": or_tools, "scipy": scipy_dense}


def run_worker(name: str, directory: Path, repeat: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", name, "--dir", str(directory), "--repeat", str(repeat)],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(f"worker {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=27_500)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--regions", type=int, default=17)
    parser.add_argument("--seed", type=int, default=1929)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worker", choices=sorted(WORKERS))
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.dir, args.repeat)))
        return

    from cadre.engine.placement import example_placement
    from cadre.io.placement_files import write_instance

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "instance"
        t = time.perf_counter()
        ex = example_placement(people=args.people, posts=args.posts, candidates=args.candidates,
                               regions=args.regions, rng=np.random.default_rng(args.seed))
        generated = time.perf_counter() - t
        write_instance(directory, ex.arcs, ex.posts, ex.people)
        cold = run_worker("ours", directory, 1, env=os.environ | {"NUMBA_CACHE_DIR": str(Path(tmp) / "cache")})
        mine = run_worker("ours", directory, args.repeat)
        tools = run_worker("ortools", directory, max(1, args.repeat // 3))
        dense = run_worker("scipy", directory, max(1, args.repeat // 3))

    places = int(ex.posts.get_column("capacity").sum())
    print(f"instance: {args.people:,} people x {args.posts:,} posts ({places:,} places) x {args.candidates} "
          f"candidates: {ex.arcs.height:,} arcs in {args.regions} regions (seed {args.seed}; generated in {generated:.1f} s)")
    print(f"{'solver':58} {'time':>9} {'peak MiB':>9} {'objective':>14}")
    rows = [("cadre: compile + sparse SAP + optimality check", mine),
            ("OR-Tools SimpleMinCostFlow (build + solve)", tools),
            ("SciPy linear_sum_assignment per region (dense build + solve)", dense)]
    for label, r in rows:
        print(f"{label:58} {r['best_s']:8.3f}s {r['peak_mib']:9.0f} {r['objective']:14,.0f}")
    print(f"  cadre phases (each its best): compile {mine['phases']['compile']:.3f} s, solve + check "
          f"{mine['phases']['solve']:.3f} s; certificate: {mine['status']}, bound {mine['bound']:,.0f}")
    print(f"ratios: OR-Tools / cadre {tools['best_s'] / mine['best_s']:.1f}x, "
          f"SciPy / cadre {dense['best_s'] / mine['best_s']:.1f}x")
    equal = mine["objective"] == tools["objective"] == dense["objective"]
    print(f"objectives equal: {'yes' if equal else 'NO'}")
    print(f"one region re-solved ({mine['region']}, {mine['region_people']:,} people): {mine['region_s'] * 1000:.1f} ms; "
          f"after closing {mine['quota_closed']:,} of its posts: {mine['quota_s'] * 1000:.1f} ms ({mine['quota_status']})")
    print(f"first call in a fresh process, numba cache on disk: {mine['first_s']:.2f} s; "
          f"with an empty cache (compilation): {cold['first_s']:.2f} s")
    print(f"best of {args.repeat} for cadre, of {max(1, args.repeat // 3)} for the baselines")
    if not equal:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
