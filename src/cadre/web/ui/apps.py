from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "cadre.web.ui"
    label = "ui"
    verbose_name = _("Workspace pages")
