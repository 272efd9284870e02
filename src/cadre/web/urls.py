"""URLs of the workspace foundation: the admin (read-only for workflow models) and language switching.

Sign-in uses the admin's login page until the pages add their own (``LOGIN_URL``); pages and the JSON
API are added by their own modules on top of this.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
