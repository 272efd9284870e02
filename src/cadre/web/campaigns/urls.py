from __future__ import annotations

from django.urls import path

from cadre.web.campaigns import views, views_config

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_index, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/figures/", views_config.figures, name="figures"),
    path("<slug:slug>/figures/push-down/", views_config.push_down, name="push_down"),
    path("<slug:slug>/rulebook/", views_config.rulebook, name="rulebook"),
    path("<slug:slug>/deadlines/", views_config.deadline, name="deadline"),
]
