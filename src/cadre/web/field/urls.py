from __future__ import annotations

from django.urls import path

from cadre.web.field import views

app_name = "field"
urlpatterns = [
    path("", views.workers, name="workers"),
    path("<str:person_id>/", views.worker, name="worker"),
]
