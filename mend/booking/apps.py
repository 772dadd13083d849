from __future__ import annotations

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "mend.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        from mend.booking import logs, packages

        logs.install()
        packages.register()  # the kind "package" in mend.payments' checkout
        packages.register_panel()  # credits left, on /me/
