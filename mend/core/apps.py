from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mend.core"
    label = "core"
    verbose_name = "Mend core"

    def ready(self) -> None:
        from mend.core import audit

        audit.connect_signals()
