"""URLs of the workspace: each app's pages under its own prefix and namespace, the API, the admin.

Sign-in and the home page are ``ui``'s; the admin is read-only for workflow models.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("cadre.web.ui.urls")),
    path("campaigns/", include("cadre.web.campaigns.urls")),
    path("files/", include("cadre.web.files.urls")),
    path("courses/", include("cadre.web.courses.urls")),
    path("placement/", include("cadre.web.placement.urls")),
    path("field/", include("cadre.web.field.urls")),
    path("analytics/", include("cadre.web.analytics.urls")),
    path("imports/", include("cadre.web.imports.urls")),
    path("exports/", include("cadre.web.exports.urls")),
    path("audit/", include("cadre.web.audit.urls")),
    path("jobs/", include("cadre.web.jobs.urls")),
    path("api/", include("cadre.web.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
