from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "mend.content"
    label = "content"
    verbose_name = "Articles"

    def ready(self) -> None:
        from mend.content import signals

        signals.connect()
