from __future__ import annotations

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "mend.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from mend.community import signals

        signals.connect()
