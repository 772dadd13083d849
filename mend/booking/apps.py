from __future__ import annotations

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "mend.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        from mend.booking import logs

        logs.install()
