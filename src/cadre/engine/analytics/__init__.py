"""The campaign's tables rebuilt from its files (SYSTEM.md §5, Analytics).

Every function takes whole frames and returns a polars frame; nothing here reads a clock (callers pass
``as_of`` or the dates ``at`` which to count) and nothing draws random numbers. The workspace's dashboards
and the twin's output call the same functions.

- composition: :func:`composition` (the record's table layout) and :func:`composition_shares` (the twin's
  SHARES), from the same bands.
- plan: :func:`plan_vs_actual`, :func:`count_by`, :func:`od_matrix`.
- timeline: :func:`cumulative_counts` (e.g. arrivals), :func:`headcount` (people in each state by date).
- exits: :class:`ExitChannel`, :func:`check_outcomes`, :func:`exits_by_channel`,
  :func:`exits_by_channel_until`.
- retention: :func:`kaplan_meier` and :func:`cumulative_incidence` (competing exit channels).
"""

from cadre.engine.analytics.composition import CATEGORIES, Category, Measure, composition, composition_shares
from cadre.engine.analytics.exits import (
    OUTCOME_COLUMNS,
    ExitChannel,
    check_outcomes,
    exits_by_channel,
    exits_by_channel_until,
)
from cadre.engine.analytics.plan import count_by, od_matrix, plan_vs_actual
from cadre.engine.analytics.retention import (
    INCIDENCE_SCHEMA,
    SURVIVAL_SCHEMA,
    cumulative_incidence,
    kaplan_meier,
)
from cadre.engine.analytics.timeline import cumulative_counts, headcount

__all__ = [
    "CATEGORIES",
    "INCIDENCE_SCHEMA",
    "OUTCOME_COLUMNS",
    "SURVIVAL_SCHEMA",
    "Category",
    "ExitChannel",
    "Measure",
    "check_outcomes",
    "composition",
    "composition_shares",
    "count_by",
    "cumulative_counts",
    "cumulative_incidence",
    "exits_by_channel",
    "exits_by_channel_until",
    "headcount",
    "kaplan_meier",
    "od_matrix",
    "plan_vs_actual",
]
