from __future__ import annotations

from django.urls import path

from cadre.web.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("new-key/", views.new_key, name="new_key"),
    path("<str:table>.<str:fmt>", views.download, name="download"),
]
