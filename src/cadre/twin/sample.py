"""A sample campaign: synthetic personal files of the volunteers of 1929, for demonstration and tests.

This is the first, simple population of the twin: one row per volunteer, drawn with numpy from a seeded
generator. Regional sizes follow the record's control figures scaled to the number of volunteers; the
union mix, the women's share in textile, the share tied to the land and the other attributes follow the
record's baselines where it gives them (observations.csv) and plain, stated assumptions where it does not.
It is not calibrated: the twin's own population replaces it for anything that is compared with the record.

No political attribute is synthesized: the historical ``opposition_past`` column stays empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from cadre import record
from cadre.engine.schema import UNIONS_1929

__all__ = ["TIER_REJECTION", "UNION_TILT", "Traits", "draw_files", "sample_volunteers"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Traits:
    """How the ages and years at the bench of volunteers are spread (assumptions the twin calibrates).

    Non-Komsomol ages are normal around ``age_mean`` with ``age_sd`` (clipped to 18-62; Komsomol members
    are 18-26); years at the factory are gamma(``stazh_shape``, ``stazh_scale``), never more than age - 14.
    """

    age_mean: float = 30.0
    age_sd: float = 6.5
    stazh_shape: float = 2.2
    stazh_scale: float = 6.0

# Assumed union mix of volunteers by region where the record names a regional character (SYSTEM.md §4:
# metalworker-heavy Leningrad and Urals, textile Ivanovo and Moscow, mining in Ukraine); other regions
# take the national mix of the union quotas.
UNION_TILT: dict[str, dict[str, float]] = {
    "LEN": {"metalworkers": 0.55, "textile": 0.12, "railroad": 0.12, "chemical": 0.06, "other": 0.15},
    "MOS": {"metalworkers": 0.32, "textile": 0.30, "railroad": 0.14, "chemical": 0.06, "other": 0.18},
    "IVA": {"metalworkers": 0.12, "textile": 0.70, "railroad": 0.08, "other": 0.10},
    "UKR": {"metalworkers": 0.35, "miners": 0.25, "railroad": 0.15, "chemical": 0.05, "other": 0.20},
    "URA": {"metalworkers": 0.50, "miners": 0.15, "railroad": 0.15, "other": 0.20},
}
_DECLARATION_START = dt.date(1929, 12, 1)
_DECLARATION_DAYS = 50


def _national_union_mix() -> dict[str, float]:
    quotas = record.quotas("union")
    counts = dict(zip(quotas.get_column("key").to_list(), quotas.get_column("quota").to_list(), strict=True))
    total = sum(counts.values())
    mix = {u: counts.get(u, 0) / total for u in UNIONS_1929}
    # The record gives no chemical quota (it is inside "other"); give chemical a small share of "other".
    mix["chemical"] = mix["other"] * 0.1
    mix["other"] *= 0.9
    return mix


def sample_volunteers(n: int, *, rng: np.random.Generator) -> pl.DataFrame:
    """Draw ``n`` synthetic personal files of volunteers, in the personal-file schema's text form."""
    quotas = record.quotas("region")
    regions = np.array(quotas.get_column("key").to_list())
    weights = quotas.get_column("quota").to_numpy().astype(float)
    region = rng.choice(regions, size=n, p=weights / weights.sum())

    national = _national_union_mix()
    unions = np.array(UNIONS_1929)
    union = np.empty(n, dtype=object)
    for reg in np.unique(region):
        mask = region == reg
        tilt = UNION_TILT.get(str(reg), national)
        p = np.array([tilt.get(u, 0.0) for u in UNIONS_1929])
        union[mask] = rng.choice(unions, size=int(mask.sum()), p=p / p.sum())
    factory = np.array([f"{r}-{un[:3].upper()}-{k:03d}" for r, un, k in
                        zip(region, union, np.minimum(rng.zipf(1.6, n), 400), strict=True)])
    declared = np.datetime64(_DECLARATION_START, "D") + rng.integers(0, _DECLARATION_DAYS, n)
    mobilizable = rng.random(n) < np.where(region == "MOS", 0.20, 0.08)
    return draw_files(region, union.astype(str), factory, declared, mobilizable, rng=rng)


def draw_files(
    region: np.ndarray, union: np.ndarray, factory: np.ndarray, declared: np.ndarray, mobilized: np.ndarray,
    *, rng: np.random.Generator, first_id: int = 1, force_party: np.ndarray | None = None,
    traits: Traits = Traits(),
) -> pl.DataFrame:
    """Personal files for volunteers whose region, union, factory and declaration date are given.

    ``mobilized`` marks those who were mobilized rather than volunteered; only party and Komsomol members
    can be (SYSTEM.md §3.3), so the mark is dropped for anyone drawn non-party; ``force_party`` makes the
    marked rows party members.
    """
    n = region.size
    textile = union == "textile"
    metal = union == "metalworkers"
    female = rng.random(n) < np.where(textile, 0.30, 0.05)
    u = rng.random(n)
    p_party = np.where(metal, 0.62, np.where(textile, 0.45, 0.55)) * np.where(female, 0.7, 1.0)
    party = np.where(u < p_party, "party", np.where(u < p_party + 0.10, "komsomol", "nonparty"))
    if force_party is not None:  # mobilization reached party members (SYSTEM.md §3.3)
        party = np.where(force_party, "party", party)
    komsomol = party == "komsomol"
    age = np.where(komsomol, rng.integers(18, 27, n),
                   np.clip(rng.normal(traits.age_mean, traits.age_sd, n), 18, 62)).astype(int)
    years = np.minimum(age - 14, rng.gamma(traits.stazh_shape, traits.stazh_scale, n)).clip(0, None).round(1)
    # Volunteers were mostly skilled, cadre workers (SYSTEM.md §4): assumed grades around 5 to 6.
    skill = np.clip(np.round(rng.normal(np.where(metal, 5.8, 5.0), 1.3, n)), 1, 8).astype(int)
    joined = np.where(party != "nonparty", np.clip(1929 - rng.integers(0, 12, n), 1929 - age + 14, 1929), 0)

    tie_draw = rng.random(n)
    # A quarter of the work force was tied to the land (observations tied_to_land_share); those workers
    # volunteered less, so fewer volunteers are (an assumption).
    tie_p = np.where(textile, 0.25, 0.12)
    ties = np.where(tie_draw >= tie_p, "none",
                    rng.choice(np.array(["family", "farm", "commuter", "recent_arrival"]), size=n))
    roles_pool = np.array(["factory_committee", "shop_bureau", "shock_worker", "union_work", "party_work",
                           "patronage_brigade", "worker_correspondent"])
    # Activists were a large share of volunteers (observations activists_among_volunteers_putilov: 0.45).
    has_role = rng.random((n, roles_pool.size)) < np.array([0.12, 0.12, 0.30, 0.30, 0.12, 0.10, 0.04])
    has_role[:, 4] &= party == "party"
    roles = [";".join(roles_pool[row]) for row in has_role]

    health = rng.choice(np.array(["fit", "limited", "unfit"]), size=n, p=[0.92, 0.05, 0.03])
    education = rng.choice(np.array(["illiterate", "literate", "primary", "secondary", "higher"]),
                           size=n, p=[0.03, 0.37, 0.45, 0.14, 0.01])
    mobilized = mobilized & (party != "nonparty")
    ref_draw = rng.random(n)
    reference = np.where(ref_draw < 0.03, "none",
                         np.where((party == "party") & (ref_draw < 0.97), "party_cell", "factory_committee"))

    return pl.DataFrame({
        "person_id": [f"V{i:06d}" for i in range(first_id, first_id + n)],
        "source_region": region.tolist(),
        "factory_id": factory.tolist(),
        "union": union.tolist(),
        "sex": np.where(female, "female", "male").tolist(),
        "age": age.tolist(),
        "trade": np.where(metal, "fitter", np.where(textile, "weaver", "worker")).tolist(),
        "skill_grade": skill.tolist(),
        "years_at_factory": years.tolist(),
        "party_status": party.tolist(),
        "party_joined": [int(j) if j else None for j in joined],
        "activist_roles": roles,
        "civil_war_service": ((age >= 28) & ~female & (rng.random(n) < 0.55)).tolist(),
        "village_ties": ties.tolist(),
        "dependents": rng.poisson(2.0, n).tolist(),
        "education": education.tolist(),
        "wage": np.round(rng.normal(np.where(metal, 95, 75), 15, n).clip(30, 300), 2).tolist(),
        "health": health.tolist(),
        "heavy_drinking": (rng.random(n) < 0.05).tolist(),
        "labor_violations": (rng.random(n) < 0.06).tolist(),
        "recruitment": np.where(mobilized, "mobilized", "volunteered").tolist(),
        "reference_from": reference.tolist(),
        "declared_on": declared,
        "quality": np.round(rng.beta(4, 3, n), 3).tolist(),
    })


# Assumed chances that a tier turns a file down, (if the file fails a criterion, if it meets them all),
# for the demo's sample campaign (the twin reads its own from the scenario).
# SYSTEM.md §3.4: factories pushed the unsuitable forward, upper tiers caught most of them, and committees
# cut eligible candidates too (quotas; their own judgement of quality). Not calibrated: the twin fits these.
TIER_REJECTION: tuple[tuple[float, float], ...] = (
    (0.15, 0.03),  # tier 1: party cell or general meeting
    (0.40, 0.10),  # tier 2: factory committee
    (0.50, 0.05),  # tier 3: regional union
    (0.50, 0.03),  # tier 4: regional council
    (0.80, 0.00),  # final selection: the regional party committee
)
