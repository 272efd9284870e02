"""The API (``/api/v1/...``, its schema at ``/api/v1/openapi.json``) and the API tokens page."""

from __future__ import annotations

from django.urls import path

from cadre.web.api import views
from cadre.web.api.main import api

app_name = "api"
urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="token_revoke"),
]
