"""The analytics package's public API: what it exports, and that each export says what it does."""

from __future__ import annotations

import cadre.engine.analytics as analytics

EXPECTED = {
    "CATEGORIES", "INCIDENCE_SCHEMA", "OUTCOME_COLUMNS", "SURVIVAL_SCHEMA", "Category", "ExitChannel",
    "Measure", "check_outcomes", "composition", "composition_shares", "count_by", "cumulative_counts",
    "cumulative_incidence", "exits_by_channel", "exits_by_channel_until", "headcount", "kaplan_meier",
    "od_matrix", "plan_vs_actual",
}  # fmt: skip


def check(name: str) -> None:
    """An exported name exists and, when it is a function or a class, has a docstring."""
    member = getattr(analytics, name)
    if callable(member):
        assert member.__doc__, f"{name} has no docstring"


def test_the_exports_are_the_curated_list() -> None:
    assert set(analytics.__all__) == EXPECTED
    for name in analytics.__all__:
        check(name)
