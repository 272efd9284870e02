from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "cadre.web.courses"
    label = "courses"
    verbose_name = _("Courses")
