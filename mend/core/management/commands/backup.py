"""`mend backup DIR`: the database and the media, with a manifest, into a new folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mend.core import backup


class Command(BaseCommand):
    help = "Copy the database and the media into DIR (new or empty), with manifest.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A new or empty folder.")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            result = backup.backup(directory, now=timezone.now())
        except backup.BackupError as error:
            raise CommandError(error.message) from None
        engine = result.manifest["database"]["engine"]
        self.stdout.write(
            f"Backed up the {engine} database and {result.files} media files "
            f"({result.bytes} bytes) into {directory}."
        )
