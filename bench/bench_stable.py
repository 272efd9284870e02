"""Time stable placement against the pure-Python ``matching`` library, and alone at national scale.

1. numba: a cold compile (fresh cache directory, in a subprocess) and a first call with the disk cache
   warm (also in a subprocess): what a fresh ``cadre engine stable`` pays once.
2. Same instance, both solvers: generated instances of 1,000, 2,000 and 4,000 volunteers shaped like the national
   one (lists of 20-50 posts, one post per ~9 volunteers, ~1.1 seats per volunteer). The library gets its
   input as ready-made dicts (building them from the frames is not counted); its time is
   ``create_from_dictionaries`` (which validates the input) plus ``solve``. Ours is ``place_stable`` from
   the frames: validation, encoding, deferred acceptance, the stability check and decoding, best of N.
   The two matchings must be identical.
3. National scale, ours only: 27,500 volunteers with 3,000 posts (~10 seats each) and with 100,000
   posts of one seat each, best of N, with the split between encoding, solving and checking.

The library's time at national scale is not measured (it would take most of an hour): a power law fitted
to the three measured sizes (least squares on logarithms) is printed, labelled as an extrapolation.

    .venv/bin/python bench/bench_stable.py [REPEATS]
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings

import numpy as np
import polars as pl
from matching.games import HospitalResident

from cadre.engine.stable import StableInstance, check_stability, example_stable, place_stable

NATIONAL = 27_500
FIRST_CALL = (
    "import time, numpy as np\n"
    "from cadre.engine.stable import example_stable, place_stable\n"
    "inst = example_stable(volunteers=50, posts=10, list_length=(2, 5), rng=np.random.default_rng(0))\n"
    "t = time.perf_counter(); place_stable(inst); print(time.perf_counter() - t)\n"
)


def first_call(cache: str | None) -> float:
    """Seconds of the first place_stable call in a fresh process (numba's own cache dir if ``cache``)."""
    env = dict(os.environ)
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    done = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def best(instance: StableInstance, repeats: int) -> tuple[float, dict[str, float], pl.DataFrame]:
    """Best wall time of ``repeats`` solves, the stats of that run, and its matching."""
    fastest, stats, matching = math.inf, {}, pl.DataFrame()
    for _ in range(repeats):
        t = time.perf_counter()
        result = place_stable(instance)
        seconds = time.perf_counter() - t
        if seconds < fastest:
            fastest, stats, matching = seconds, result.certificate.stats, result.matching
    return fastest, stats, matching


def library(instance: StableInstance) -> tuple[float, float, set[tuple[str, str]]]:
    """The ``matching`` library, resident-optimal, on the mutually acceptable lists: seconds to build the
    game (its input validation), seconds to solve, and the matched pairs."""
    mutual = instance.volunteer_prefs.join(instance.post_prefs, on=["person_id", "post_id"], suffix="_post")
    residents = {k[0]: g.sort("rank").get_column("post_id").to_list() for k, g in mutual.group_by("person_id")}
    hospitals = {k[0]: g.sort("rank_post").get_column("person_id").to_list() for k, g in mutual.group_by("post_id")}
    capacity = {p: c for p, c in instance.capacities.iter_rows() if p in hospitals}
    out: dict[str, object] = {}

    def run() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the input is clean: any warning would mean the comparison is off
            t = time.perf_counter()
            game = HospitalResident.create_from_dictionaries(residents, hospitals, capacity)
            out["build"] = time.perf_counter() - t
            t = time.perf_counter()
            solved = game.solve(optimal="resident")
            out["solve"] = time.perf_counter() - t
        out["pairs"] = {(r.name, h.name) for h, rs in solved.items() for r in rs}

    # The library deep-copies its players recursively: give it a deep stack in a thread of its own.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 29)
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    sys.setrecursionlimit(limit)
    build, solve, pairs = out["build"], out["solve"], out["pairs"]
    assert isinstance(build, float)
    assert isinstance(solve, float)
    assert isinstance(pairs, set)
    return build, solve, pairs


def shaped(volunteers: int, posts: int | None = None, seed: int = 1929) -> StableInstance:
    """The national shape at any size: one post per ~9 volunteers unless ``posts`` is given."""
    return example_stable(volunteers=volunteers, posts=posts or max(10, round(volunteers * 3_000 / NATIONAL)),
                          list_length=(20, 50), rng=np.random.default_rng(seed))


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as cold:
        compile_s = first_call(cold)
    warm_s = first_call(None)
    print(f"numba, first call in a fresh process: cold compile {compile_s:.2f} s; with the disk cache warm {warm_s:.2f} s")
    print("(all times below are after that first call; best of", repeats, "runs)\n")

    sizes, builds, solves = [], [], []
    print(f"{'volunteers':>10} {'posts':>6} {'entries':>9} | {'matching lib (build + solve)':>28} | {'ours':>9} | "
          f"{'ratio':>6} | same")
    for volunteers in (1_000, 2_000, 4_000):
        instance = shaped(volunteers)
        build, solve, their_pairs = library(instance)
        theirs = build + solve
        sizes.append(volunteers)
        builds.append(build)
        solves.append(solve)
        ours, stats, matching = best(instance, repeats)
        our_pairs = set(matching.filter(pl.col("post_id").is_not_null()).select("person_id", "post_id").iter_rows())
        same = our_pairs == their_pairs
        print(f"{volunteers:>10,} {int(stats['posts']):>6,} {int(stats['entries']):>9,} | {theirs:>6.2f} s "
              f"({build:.2f} s + {solve:.2f} s) | {ours * 1000:>6.1f} ms | {theirs / ours:>5.0f}x | "
              f"{'yes' if same else 'NO'}")
        assert same, "the two solvers disagree"

    # Its build (input validation) and its solve grow at different rates: fit and extrapolate each.
    guess, laws = 0.0, []
    for name, times in (("build", builds), ("solve", solves)):
        exponent, intercept = np.polyfit(np.log(sizes), np.log(times), 1)
        guess += float(np.exp(intercept) * NATIONAL**exponent)
        laws.append(f"{name} ~ n^{exponent:.2f}")
    print(f"\nEXTRAPOLATION, not measured: over the measured sizes the library's {' and '.join(laws)}; at "
          f"{NATIONAL:,} volunteers and 3,000 posts that predicts about {guess / 60:.0f} min. Its validation "
          "compares every post with every volunteer, so the 100,000-post instance would take far longer.\n")

    print(f"{'national scale':>16} {'entries':>9} | {'total':>8} {'encode':>8} {'solve':>8} {'check':>8} | "
          f"{'matched':>7} {'proposals':>9} | check_stability")
    ratio = math.nan
    for posts in (3_000, 100_000):
        instance = shaped(NATIONAL, posts)
        seconds, stats, matching = best(instance, repeats)
        t = time.perf_counter()
        report = check_stability(instance, matching)
        check_s = time.perf_counter() - t
        assert report.stable
        assert stats["blocking_pairs"] == 0
        print(f"{posts:>10,} posts {int(stats['entries']):>9,} | {seconds * 1000:>5.0f} ms "
              f"{stats['seconds_encode'] * 1000:>5.0f} ms {stats['seconds_solve'] * 1000:>5.0f} ms "
              f"{stats['seconds_check'] * 1000:>5.0f} ms | {int(stats['matched']):>7,} {int(stats['proposals']):>9,} | "
              f"{check_s * 1000:.0f} ms, 0 blocking pairs")
        if posts == 3_000:
            ratio = guess / seconds
    print(f"\nspeed-up at national scale (3,000 posts) against the extrapolated library: about {ratio:,.0f}x "
          "(an extrapolation, see above)")


if __name__ == "__main__":
    main()
