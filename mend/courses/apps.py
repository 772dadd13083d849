from __future__ import annotations

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "mend.courses"
    label = "courses"
    verbose_name = "Courses"
    default_auto_field = "django.db.models.BigAutoField"
