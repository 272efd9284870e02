"""Hand-made contract documents (SYSTEM.md §6) and extra tables for the report's tests.

The numbers are plausible, not simulated: regional sizes follow the record's control figures and the
1929 plan, the rest are smooth curves near the record's figures. ``contract_document`` fills every
required key; with ``replicates > 1`` it adds a ``ci90`` of the same shape. The browser test in
tests/e2e loads this module by path, so it imports nothing from other test modules.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from importlib import resources
from typing import Any

import jsonschema
import numpy as np
import polars as pl

from cadre import record

CHANNEL_WEIGHTS = {
    "removed_by_officials": 0.30,
    "violation": 0.06,
    "recalled": 0.16,
    "illness_or_death": 0.08,
    "permitted_leave": 0.18,
    "deserted": 0.04,
    "promoted_out": 0.08,
    "study": 0.06,
    "unaccounted": 0.04,
}
# Assumed, for the look of the charts only: Leningrad's workers stayed more, Central Asia's left more.
STAY = {"LEN": 0.6, "MOS": 1.1, "IVA": 1.2, "URA": 0.9, "CAS": 1.5, "ZSF": 1.3}
SHARE_KEYS = (
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
)
BASE_SHARES = (0.075, 0.10, 0.46, 0.32, 0.12, 0.70, 0.09, 0.21, 0.12, 0.40, 0.48)
EXIT_DATES = (
    "1930-04-01",
    "1930-07-01",
    "1930-10-01",
    "1931-01-01",
    "1931-04-01",
    "1931-08-01",
    "1932-01-01",
    "1932-07-01",
    "1933-01-01",
)


def _monthly(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return days


def contract_document(
    scenario: str = "ussr-1929",
    *,
    seed: int = 7,
    replicates: int = 1,
    arrival_speed: float = 1.0,
    exit_rate: float = 1.0,
) -> dict[str, Any]:
    """A valid contract document; ``arrival_speed`` and ``exit_rate`` make scenarios differ."""
    rng = np.random.default_rng(seed)
    quotas = record.quotas("region")
    quota = dict(zip(quotas.get_column("key"), quotas.get_column("quota"), strict=True))
    unions = record.quotas("union")
    union_quota = dict(zip(unions.get_column("key"), unions.get_column("quota"), strict=True))
    union_quota = {"chemical": 300, **union_quota}
    union_quota["other"] -= 300
    selected = {k: round(q * rng.uniform(0.92, 1.12)) for k, q in quota.items()}
    volunteers = {k: round(n * rng.uniform(2.1, 3.0)) for k, n in selected.items()}
    total = sum(selected.values())

    plan = record.control_plan()
    planned: dict[str, dict[str, int]] = {}
    actual: dict[str, dict[str, int]] = {}
    for origin, dest, n in plan.select("from_region", "to_region", "planned").iter_rows():
        planned.setdefault(origin, {})[dest] = n
        actual.setdefault(origin, {})[dest] = round(n * rng.uniform(0.82, 1.1))
    destinations = sorted(plan.get_column("to_region").unique().to_list())

    def shares(jitter: float) -> dict[str, float]:
        return {
            k: round(min(max(v * rng.uniform(1 - jitter, 1 + jitter), 0.0), 1.0), 4)
            for k, v in zip(SHARE_KEYS, BASE_SHARES, strict=True)
        }

    def arrived(date: dt.date) -> int:
        days = (date - dt.date(1930, 1, 20)).days * arrival_speed
        return round(total * 0.995 / (1 + math.exp(-(days - 11) / 3.2)))

    arrivals = {}
    for day in [*range(0, 30, 3), 13, 20, 26]:
        date = dt.date(1930, 1, 20) + dt.timedelta(days=day)
        arrivals[date.isoformat()] = arrived(date)

    left: dict[str, dict[str, int]] = {}
    for date in EXIT_DATES:
        years = (dt.date.fromisoformat(date) - dt.date(1930, 2, 15)).days / 365
        gone = total * exit_rate * (0.2 * min(years / 0.4, 1) + 0.12 * max(years - 0.4, 0))
        gone += total * 0.18 * exit_rate * (date >= "1932-01-01")  # the end-of-term decree
        left[date] = {c: round(gone * w) for c, w in CHANNEL_WEIGHTS.items()}
    last_left = sum(left[EXIT_DATES[-1]].values())
    headcount = {}
    for day in _monthly(dt.date(1930, 2, 1), dt.date(1933, 1, 1)):
        date = day.isoformat()
        done = max((sum(v.values()) for d, v in left.items() if d <= date), default=0)
        rural = total * 0.96 - done
        headcount[date] = {
            "rural_work": round(rural),
            "on_farms": round(rural * 0.86),
            "in_mts": round(1450 + 80 * rng.random()),
            "farm_system": round(rural * 0.93),
        }
    base = np.random.default_rng(0).uniform(0.06, 0.38, len(destinations))
    coverage = {
        date: {
            "by_destination_region": {
                r: round(b * rng.uniform(0.9, 1.1) * f, 3) for r, b in zip(destinations, base, strict=True)
            },
            "total": round(0.21 * f, 3),
        }
        for date, f in (("1930-07-01", 1.0), ("1931-06-01", 0.55))
    }
    doc: dict[str, Any] = {
        "scenario": scenario,
        "seed": seed,
        "replicates": replicates,
        "volunteers": {
            "total": sum(volunteers.values()),
            "by_source_region": volunteers,
            "by_union": {u: round(q * 2.6) for u, q in union_quota.items()},
        },
        "selected": {
            "total": total,
            "by_source_region": selected,
            "by_union": dict(union_quota),
            "mobilized_share": 0.14,
        },
        "composition": {"total": shares(0.0), "by_source_region": {k: shares(0.3) for k in quota}},
        "flows": {"planned": planned, "actual": actual},
        "arrivals": dict(sorted(arrivals.items())),
        "headcount": headcount,
        "exits": {
            "by_channel": left[EXIT_DATES[-1]],
            "by_source_region": {
                k: round(last_left * n / total * STAY.get(k, 1.0) * rng.uniform(0.9, 1.1))
                for k, n in selected.items()
            },
            "by_channel_until": left,
        },
        "coverage": coverage,
        "farm_types": {
            "1930-07-01": {"kommuna": 0.31, "artel": 0.22, "toz": 0.12},
            "1931-06-01": {"kommuna": 0.2, "artel": 0.12, "toz": 0.05},
        },
    }
    if replicates > 1:
        doc["ci90"] = _intervals(
            {k: v for k, v in doc.items() if k not in ("scenario", "seed", "replicates")}
        )
    return doc


def _intervals(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _intervals(v) for k, v in node.items()}
    if node is None:
        return None
    low, high = node * 0.93, node * 1.07
    if isinstance(node, float) and node <= 1:
        high = min(high, 1.0)
    return [round(low, 4), round(high, 4)]


def weekly_volunteers() -> pl.DataFrame:
    """Volunteers by week and region: slow until the terms of 29 December 1929, then a surge."""
    rows = []
    for week in range(9):
        start = dt.date(1929, 11, 25) + dt.timedelta(weeks=week)
        lift = 1.0 if start < dt.date(1929, 12, 29) else 2.4
        for i, region in enumerate(("UKR", "MOS", "LEN", "URA", "IVA", "NCA", "NIZ", "ZSF", "LVO", "WES")):
            early = 1.8 if region == "LEN" and start < dt.date(1929, 12, 16) else 1.0
            rows.append((start, region, round(900 / (i + 1) * lift * early * (1 + 0.1 * week))))
    return pl.DataFrame(rows, schema={"week": pl.Date, "region": pl.String, "n": pl.Int64}, orient="row")


def retention() -> pl.DataFrame:
    """Cumulative incidence by channel for two groups over 1,050 days."""
    rows = []
    for group, scale in (("Party members", 0.8), ("Non-party", 1.3)):
        for day in range(0, 1080, 30):
            for channel, weight in CHANNEL_WEIGHTS.items():
                rows.append(
                    (group, day, channel, round(scale * weight * 0.55 * (1 - math.exp(-day / 500)), 4))
                )
    return pl.DataFrame(
        rows,
        schema={"group": pl.String, "day": pl.Int64, "channel": pl.String, "cif": pl.Float64},
        orient="row",
    )


def comparison() -> pl.DataFrame:
    """A model-versus-record table: two targets inside their interval, one outside, one without interval."""
    return pl.DataFrame(
        {
            "target": ["selected_total", "arrived_0202", "on_farms_summer_1930", "coverage_1930"],
            "description": [
                "selected and sent",
                "arrived by 2 February 1930",
                "workers on collective farms",
                "share of farms with a worker",
            ],
            "record": [27519.0, 18300.0, 19581.0, 0.2],
            "model": [27204.0, 17420.0, 21950.0, 0.213],
            "p5": [26800.0, 16900.0, 21200.0, None],
            "p95": [27700.0, 18500.0, 22700.0, None],
            "in_interval": [True, True, False, None],
        }
    )


def schema() -> dict[str, Any]:
    text = resources.files("cadre.twin").joinpath("data/twin-output.schema.json").read_text()
    return dict(json.loads(text))


def test_fixture_documents_follow_the_contract() -> None:
    for doc in (contract_document(), contract_document("terms-at-launch", replicates=50)):
        jsonschema.validate(doc, schema())
