"""Shared test setup: makes tests/support.py importable and tunes hypothesis for a 2-core machine.

CI (where the environment sets CI) runs more hypothesis examples than a developer's fast loop.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "cadre", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", parent=settings.get_profile("cadre"), max_examples=150)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "cadre"))
