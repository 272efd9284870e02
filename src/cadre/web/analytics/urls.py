from __future__ import annotations

from django.urls import path

from cadre.web.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("flows/", views.flows, name="flows"),
    path("timeline/", views.timeline, name="timeline"),
    path("retention/", views.retention, name="retention"),
    path("coverage/", views.coverage, name="coverage"),
    path("plotly.min.js", views.plotly_js, name="plotly"),
]
