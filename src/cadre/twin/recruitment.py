"""Recruitment: the work force, factories, and who declares on which day (SYSTEM.md §4, Recruitment).

The work force is exchangeable masses: workers of one factory who would be willing to go. Each day every
factory's still-undeclared willing workers declare by an exact binomial draw whose hazard is held back
until the terms of service are announced. Factories hold back a share of their willing workers
(resistance), more where skills are short. On the intervention date the party mobilizes party members in
regions behind their quota. Only those who declare become rows, with personal files drawn for them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from cadre import record
from cadre.engine.schema import UNIONS_1929
from cadre.twin.sample import Traits, draw_files
from cadre.twin.scenario import Scenario

__all__ = ["declarations", "recruit"]

_UNION_MIX = np.array([0.37, 0.16, 0.14, 0.10, 0.02, 0.21])  # the 1929 union quotas; chemical inside "other"


def _factories(scn: Scenario, scale: float, rng: np.random.Generator) -> pl.DataFrame:
    """Factories with their region, union, size, resistance and willing workers."""
    quotas = record.quotas("region")
    regions = np.array(quotas.get_column("key").to_list())
    workforce = quotas.get_column("quota").to_numpy() * scn["workers_per_place"] * scale
    cells = np.outer(workforce, _UNION_MIX / _UNION_MIX.sum())
    region_of = np.repeat(regions, len(UNIONS_1929))
    union_of = np.tile(np.array(UNIONS_1929), regions.size)
    n_fact = np.maximum(1, np.rint(cells.ravel() / scn["factory_size"])).astype(np.int64)
    cell = np.repeat(np.arange(n_fact.size), n_fact)
    # Lognormal sizes, normalized so that each cell keeps its work force.
    raw = rng.lognormal(0.0, 0.8, cell.size)
    share = raw / np.bincount(cell, weights=raw)[cell]
    size = np.rint(share * cells.ravel()[cell]).astype(np.int64)
    region, union = region_of[cell], union_of[cell]
    mean_resist = np.where(np.isin(region, scn["resistance_regions"]), 2.0, 1.0) * scn["resistance"]
    mean_resist = np.clip(mean_resist, 0.01, 0.95)
    resist = rng.beta(2.0 * mean_resist / (1 - mean_resist), 2.0)
    appeal = (scn["willing_share"]
              * np.where(union == "metalworkers", scn["metal_boost"], 1.0)
              * np.where(union == "textile", scn["textile_damping"], 1.0)
              * np.where(region == "LEN", scn["leningrad_boost"], 1.0))
    willing = rng.binomial(size, np.clip(appeal * (1 - resist), 0, 1))
    return pl.DataFrame({
        "factory_id": [f"{r}-{u[:3].upper()}-{i:04d}" for i, (r, u) in enumerate(zip(region, union, strict=True))],
        "region": region, "union": union, "size": size, "willing": willing,
    })


def declarations(willing: np.ndarray, scn: Scenario, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Declarations per day (rows) and factory (columns), and the willing left undeclared at the end.

    Each day the still-undeclared willing of a factory declare by one exact binomial draw (the mass is
    exchangeable); before the terms are announced the hazard is lower and some give up waiting.
    """
    remaining = willing.astype(np.int64).copy()
    launch, end = scn["launch"], scn["recruitment_end"]
    days = (end - launch).days + 1
    declared = np.zeros((days, remaining.size), dtype=np.int64)
    for d in range(days):
        informed = launch + dt.timedelta(days=d) >= scn["terms_announced"]
        hazard = scn["daily_hazard"] * (1.0 if informed else scn["uninformed_hazard"])
        declared[d] = rng.binomial(remaining, hazard)
        remaining -= declared[d]
        if not informed:  # missing information: some of the willing give up waiting for it
            remaining -= rng.binomial(remaining, scn["hesitation_dropout"])
    return declared, remaining


def recruit(scn: Scenario, *, scale: float, rng: np.random.Generator) -> pl.DataFrame:
    """Personal files of everyone who declared, with ``declared_on`` and ``recruitment`` set."""
    factories = _factories(scn, scale, rng)
    launch = scn["launch"]
    declared, remaining = declarations(factories.get_column("willing").to_numpy(), scn, rng=rng)

    # Intervention: a region behind its quota mobilizes party members to fill part of the gap.
    region = factories.get_column("region").to_numpy()
    by_date = (scn["intervention"] - launch).days
    so_far = np.bincount(np.unique(region, return_inverse=True)[1], weights=declared[:by_date].sum(axis=0))
    codes = np.unique(region)
    quota = dict(record.quotas("region").select("key", "quota").iter_rows())
    mobilized = np.zeros(remaining.size, dtype=np.int64)
    for i, code in enumerate(codes):
        need = quota.get(str(code), 0) * scale * scn["intervention_threshold"]
        gap = need - so_far[i]
        if gap > 0:
            in_region = np.flatnonzero(region == code)
            size = factories.get_column("size").to_numpy()[in_region]
            mobilized[in_region] = rng.multinomial(int(gap * scn["mobilized_share_of_gap"]), size / size.sum())

    day_idx, fac_idx = np.nonzero(declared)
    counts = declared[day_idx, fac_idx]
    f_vol, d_vol = np.repeat(fac_idx, counts), np.repeat(day_idx, counts)
    f_mob = np.repeat(np.arange(remaining.size), mobilized)
    d_mob = by_date + rng.integers(0, 10, f_mob.size)
    fac = np.concatenate([f_vol, f_mob])
    day = np.concatenate([d_vol, d_mob])
    is_mob = np.concatenate([np.zeros(f_vol.size, bool), np.ones(f_mob.size, bool)])
    order = np.lexsort((fac, day))
    fac, day, is_mob = fac[order], day[order], is_mob[order]
    return draw_files(
        region[fac], factories.get_column("union").to_numpy()[fac],
        factories.get_column("factory_id").to_numpy()[fac],
        np.datetime64(launch, "D") + day, is_mob, rng=rng, force_party=is_mob,
        traits=Traits(age_mean=scn["age_mean"], age_sd=scn["age_sd"], stazh_shape=scn["stazh_shape"],
                      stazh_scale=scn["stazh_scale"]),
    )
