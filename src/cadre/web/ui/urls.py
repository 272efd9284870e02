from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from cadre.web.ui import views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
