"""Helpers shared by the workspace tests."""

from __future__ import annotations

from typing import Any


def answers(**changes: Any) -> dict[str, Any]:
    """A questionnaire that meets every criterion of the 1929 rulebook."""
    base = {"sex": "male", "age": 32, "trade": "fitter", "skill_grade": 6, "years_at_factory": 9.0,
            "party_status": "party", "party_joined": 1920, "activist_roles": ["shop_bureau"],
            "civil_war_service": True, "village_ties": "none", "dependents": 2, "education": "primary",
            "wage": 90.0, "health": "fit", "heavy_drinking": False, "labor_violations": False,
            "recruitment": "volunteered", "reference_from": "party_cell", "quality": 0.8}
    return {**base, **changes}
