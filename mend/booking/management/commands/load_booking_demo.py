from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mend.booking import demo


class Command(BaseCommand):
    help = "Load the demo clinic's clinicians, visit types, hours and a few visits (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo.load()
        if created:
            self.stdout.write(f"Created {len(created)} booking demo items.")
        else:
            self.stdout.write("Booking demo data is already loaded; nothing changed.")
        self.stdout.write(
            f"Book a visit: {settings.BASE_URL}/book/  ·  clinicians: {settings.BASE_URL}/clinic/"
        )
