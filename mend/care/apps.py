from __future__ import annotations

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "mend.care"
    label = "care"
    verbose_name = "Episodes of care"
    default_auto_field = "django.db.models.BigAutoField"
