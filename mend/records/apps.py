from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "mend.records"
    label = "records"
    verbose_name = "Patient records: export and erasure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mend.records import signals  # noqa: F401  (connects the deletion rule)
