"""Shared test setup: makes tests/support.py importable and tunes hypothesis for a 2-core machine."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "cadre", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("cadre"), max_examples=200)
settings.load_profile("cadre")
