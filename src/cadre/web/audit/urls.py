from __future__ import annotations

from django.urls import path

from cadre.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.campaign_trail, name="campaign"),
    path("files/<slug:campaign>/<str:person_id>/", views.file_trail, name="file"),
]
