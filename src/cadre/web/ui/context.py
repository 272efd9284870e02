"""Template context for every page: the navigation of the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cadre.web.ui.nav import sections_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_sections": sections_for(request.user), "nav_path": request.path}
