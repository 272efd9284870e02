from __future__ import annotations

from django.urls import path

from cadre.web.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.cohorts, name="cohorts"),
    path("<int:cohort_id>/", views.cohort, name="cohort"),
]
