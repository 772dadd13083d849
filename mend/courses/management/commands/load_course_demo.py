from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mend.content.management.commands.load_demo import REFUSED
from mend.courses import demo


class Command(BaseCommand):
    help = "Load the demo clinic's low-back course and its 100 % coupon (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load the demo even with MEND_DEBUG off."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The course is built on the demo accounts, whose passwords are published.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(REFUSED)
        made = [item for item in demo.load() if item.startswith(("course", "coupon"))]
        if made:
            self.stdout.write(f"Created {len(made)} course demo items.")
        else:
            self.stdout.write("The demo course is already loaded; nothing changed.")
        code = demo.COURSE["coupon"]["code"]
        self.stdout.write(f"Courses: {settings.BASE_URL}/courses/  ·  coupon for 100 % off: {code}")
