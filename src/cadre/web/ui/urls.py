from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from cadre.web.ui import views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Browsers ask for /favicon.ico on pages that name no icon (files, the API's pages).
    path("favicon.ico", RedirectView.as_view(url=static("ui/favicon.svg"), permanent=True)),
]
