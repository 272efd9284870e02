"""The twin's recruitment phase against the same behaviour written as a Mesa model.

Both simulate the same work force (factories with willing workers) for the same days of the 1929 campaign
with the same rule: each day every undeclared willing worker declares with the day's hazard (lower before
the terms are announced), and before the terms some give up. Mesa keeps one agent per worker and steps
each; the twin moves counts per factory by exact binomial draws (cadre.twin.recruitment.declarations).
Printed: effective agent-steps per second (workers x days) for both, the ratio, and the totals declared
(they agree in distribution, not draw for draw).

Mesa is not a dependency of cadre; run with it added for this script only:

    .tools/bin/uv run --frozen --with "mesa<3.5" python bench/bench_recruitment.py [--workers N] [--mesa-workers N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cadre.twin.recruitment import declarations
from cadre.twin.scenario import load_scenario


def mesa_run(willing: np.ndarray, scn, seed: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    import mesa  # imported here: only this benchmark needs it

    days = (scn["recruitment_end"] - scn["launch"]).days + 1

    class Worker(mesa.Agent):  # type: ignore[misc]
        def __init__(self, model: mesa.Model) -> None:
            super().__init__(model)
            self.state = 0  # 0 willing and undeclared, 1 declared, 2 gave up

        def step(self) -> None:
            if self.state != 0:
                return
            m = self.model
            if m.random.random() < m.hazard:
                self.state = 1
            elif not m.informed and m.random.random() < m.dropout:
                self.state = 2

    class Campaign(mesa.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(seed=seed)
            self.day = 0
            self.informed = False
            self.hazard = 0.0
            self.dropout = scn["hesitation_dropout"]
            for _ in range(int(willing.sum())):
                Worker(self)

        def step(self) -> None:
            import datetime as dt

            self.informed = scn["launch"] + dt.timedelta(days=self.day) >= scn["terms_announced"]
            self.hazard = scn["daily_hazard"] * (1.0 if self.informed else scn["uninformed_hazard"])
            self.agents.do("step")
            self.day += 1

    model = Campaign()
    started = time.perf_counter()
    for _ in range(days):
        model.step()
    elapsed = time.perf_counter() - started
    return sum(1 for a in model.agents if a.state == 1), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=5_000_000, help="work force for the twin (default 5,000,000)")
    parser.add_argument("--mesa-workers", type=int, default=200_000, help="work force for Mesa (it is slow)")
    parser.add_argument("--factories", type=int, default=8_000)
    args = parser.parse_args()
    scn = load_scenario("ussr-1929")
    days = (scn["recruitment_end"] - scn["launch"]).days + 1

    def work_force(total: int) -> np.ndarray:
        rng = np.random.default_rng(1)
        sizes = rng.multinomial(total, np.full(args.factories, 1 / args.factories))
        return sizes  # every worker willing: the benchmark times the stepping, not the selection of the willing

    big = work_force(args.workers)
    best = float("inf")
    for seed in range(5):
        started = time.perf_counter()
        declared, _ = declarations(big, scn, rng=np.random.default_rng(seed))
        best = min(best, time.perf_counter() - started)
    ours_rate = args.workers * days / best
    print(f"days stepped: {days}; twin work force {args.workers:,} in {args.factories:,} factories")
    print(f"twin (binomial counts) : {best * 1000:8.1f} ms, {ours_rate / 1e9:8.2f} billion agent-steps/s, "
          f"declared {declared.sum() / args.workers:.3f} of the willing")

    try:
        import mesa  # noqa: F401
    except ImportError:
        print('Mesa is not installed: run with `.tools/bin/uv run --frozen --with "mesa<3.5" python bench/bench_recruitment.py`')
        return
    small = work_force(args.mesa_workers)
    declared_mesa, mesa_s = mesa_run(small, scn, seed=1)
    mesa_rate = args.mesa_workers * days / mesa_s
    print(f"Mesa (one agent each)  : {mesa_s * 1000:8.1f} ms for {args.mesa_workers:,} workers, "
          f"{mesa_rate / 1e6:8.2f} million agent-steps/s, declared {declared_mesa / args.mesa_workers:.3f} of the willing")
    print(f"ratio of agent-steps per second, twin / Mesa: {ours_rate / mesa_rate:,.0f}x")


if __name__ == "__main__":
    main()
