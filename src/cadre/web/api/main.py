"""The JSON API, version 1: one NinjaAPI with its routers, auth and problem handlers.

Schema at ``/api/v1/openapi.json``; Swagger UI at ``/api/v1/docs`` (served from ninja's own static
files, so no CDN and nothing inline that the content security policy would block).
"""

from __future__ import annotations

from ninja import NinjaAPI

from cadre.web.api import routes_campaigns, routes_field, routes_files
from cadre.web.api.auth import AUTH
from cadre.web.api.problems import install

__all__ = ["api"]

api = NinjaAPI(
    title="cadre workspace API",
    version="1",
    description=("The campaign workspace as JSON. Sign in (session; unsafe methods need the X-CSRFToken header) "
                 "or send `Authorization: Bearer <token>` with a token from the API tokens page. Every endpoint "
                 "applies the same visibility and permissions as the pages; every refusal is a Problem."),
    auth=AUTH,
    urls_namespace="api:v1",  # nested in the app's own namespace (api:tokens beside it)
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install(api)
api.add_router("", routes_campaigns.router)
api.add_router("", routes_files.router)
api.add_router("", routes_field.router)
