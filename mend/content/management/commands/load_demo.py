from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mend.content import demo

REFUSED = (
    "The demo accounts have published passwords, so load_demo only runs with "
    "MEND_DEBUG=true. To load them into this database anyway (a scratch copy for "
    "benchmarks, say), add --force."
)


class Command(BaseCommand):
    help = "Load the demo clinic's accounts and articles (idempotent). Debug only, or --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo accounts even with MEND_DEBUG off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(REFUSED)
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
