from __future__ import annotations

from django.urls import path

from cadre.web.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:batch_id>/", views.preview, name="preview"),
    path("<int:batch_id>/import/", views.run, name="run"),
]
