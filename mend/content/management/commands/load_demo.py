from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mend.content import demo


class Command(BaseCommand):
    help = "Load the demo clinic's accounts and articles (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo.load()
        if report.created:
            self.stdout.write(f"Created {len(report.created)} demo items.")
        else:
            self.stdout.write("Demo content is already loaded; nothing changed.")
        self.stdout.write(
            f"\nMend demo: {settings.BASE_URL}/  (editors: {settings.BASE_URL}/admin/)"
        )
        self.stdout.write("Demo accounts (fictional clinic; passwords for the demo only):")
        for account in demo.ACCOUNTS:
            self.stdout.write(f"  {account.role:<10} {account.email:<28} {account.password}")
