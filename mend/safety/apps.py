from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "mend.safety"
    label = "safety"
    verbose_name = "Safety screens"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mend.safety import signals  # noqa: F401  (connects the receivers)
