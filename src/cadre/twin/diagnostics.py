"""Figures of a replicate that the record gives but the output contract of SYSTEM.md §6 has no key for.

Calibration and ``cadre twin validate`` hold them against the record beside the contract's figures:

- ``len_cut_tier2`` .. ``len_cut_tier4``: in Leningrad, the share of the files reaching the factory
  committee, the regional union and the regional council that the tier turned down (observations
  ``cut_tier_*_len``; the record does not state the denominator, this reads it as the files reaching the
  tier);
- ``unaccounted_spring_1930``: workers lost from the placement agency's records on 14 March 1930, the eve
  of the retreat (observation ``unaccounted_spring_1930``: "over 10000 in February-March 1930").

They travel as a ``diagnostics`` section beside a document, never inside the contract's keys.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any

import polars as pl

from cadre.engine.screening import Action, Role
from cadre.twin.contract_tables import ServiceState

__all__ = ["DIAGNOSTICS", "DIAGNOSTIC_KEY", "UNACCOUNTED_ON", "diagnostics"]

#: Where a calibration or validation document carries these figures, beside the contract's sections.
DIAGNOSTIC_KEY = "diagnostics"

#: The eve of the retreat of 14 March 1930: the height of the agency's losses.
UNACCOUNTED_ON = dt.date(1930, 3, 14)

#: Diagnostic -> (tier role whose cut it is, or None).
DIAGNOSTICS = MappingProxyType({
    "len_cut_tier2": Role.FACTORY_COMMITTEE,
    "len_cut_tier3": Role.REGIONAL_UNION,
    "len_cut_tier4": Role.REGIONAL_COUNCIL,
    "unaccounted_spring_1930": None,
})


def _cut_share(decisions: pl.DataFrame, role: Role) -> float | None:
    tier = decisions.filter(pl.col("role") == role.value,
                            pl.col("action").is_in([Action.APPROVE.value, Action.REJECT.value]))
    if tier.height == 0:
        return None
    return tier.filter(pl.col("action") == Action.REJECT.value).height / tier.height


def diagnostics(files: pl.DataFrame, decisions: pl.DataFrame, spells: pl.DataFrame) -> dict[str, Any]:
    """The :data:`DIAGNOSTICS` of one replicate, from its files, its decision log and its spells."""
    leningrad = files.filter(pl.col("source_region") == "LEN").select("person_id")
    in_len = decisions.join(leningrad, on="person_id", how="semi")
    out: dict[str, Any] = {name: _cut_share(in_len, role) for name, role in DIAGNOSTICS.items() if role is not None}
    day = UNACCOUNTED_ON
    lost = spells.filter(pl.col("state") == ServiceState.UNACCOUNTED.value, pl.col("start") <= day,
                         pl.col("end").is_null() | (pl.col("end") > day))
    out["unaccounted_spring_1930"] = lost.get_column("person_id").n_unique()
    return out
