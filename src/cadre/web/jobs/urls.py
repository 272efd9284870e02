from __future__ import annotations

from django.urls import path

from cadre.web.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<int:job_id>/status/", views.status, name="status"),
]
