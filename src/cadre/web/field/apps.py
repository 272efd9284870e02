from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "cadre.web.field"
    label = "field"
    verbose_name = _("Field service")
