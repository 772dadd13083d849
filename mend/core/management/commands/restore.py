"""`mend restore DIR [--force]`: put a backup made by `mend backup` back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mend.core import backup


class Command(BaseCommand):
    help = (
        "Restore the database and the media from DIR after checking its manifest. Stop the "
        "web servers and workers first; then run `mend migrate` if this Mend is newer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A folder written by `mend backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds Mend's data.",
        )

    def handle(self, *args: Any, directory: Path, force: bool, **options: Any) -> None:
        try:
            result = backup.restore(directory, force=force)
        except backup.BackupError as error:
            raise CommandError(error.message) from None
        manifest = result.manifest
        self.stdout.write(
            f"Restored the {manifest['database']['engine']} database of "
            f"{manifest['created_at']} and {result.files} media files from {directory}."
        )
