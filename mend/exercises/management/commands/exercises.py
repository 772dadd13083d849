"""`mend exercises export [--output FILE]` and `mend exercises import FILE [--from wger]`.

Export writes the whole library as JSON (the format is described in
mend/exercises/library_io.py and the README). Import checks every record
first: on any bad record it lists each one with its position and reason and
changes nothing; otherwise it imports all of them in one transaction and
prints what was created, updated and skipped (and why). Running the same
import twice changes nothing the second time.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from mend.exercises import library_io, wger

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Export the exercise library as JSON, or import one (Mend's format or wger's export)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="export|import")
        export = commands.add_parser("export", help="Write the library as JSON.")
        export.add_argument("--output", "-o", help="A file to write (default: standard output).")
        imported = commands.add_parser("import", help="Import exercises from a JSON file.")
        imported.add_argument("file", help="The JSON file ('-' reads standard input).")
        imported.add_argument(
            "--from",
            dest="source",
            choices=["mend", "wger"],
            default="mend",
            help="The file's format: Mend's own (default) or wger's exerciseinfo export.",
        )
        imported.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options.get("output"))
        else:
            self._import(options["file"], options["source"], quiet=options["quiet"])

    def _export(self, output: str | None) -> None:
        document = library_io.export_document()
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Exported {len(document['exercises'])} exercises to {output}.")
        else:
            self.stdout.write(text, ending="")

    def _read(self, name: str) -> object:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {name}: {error}") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{name} is not valid JSON: {error}") from None

    def _import(self, name: str, source: str, *, quiet: bool) -> None:
        data = self._read(name)
        skipped: list[tuple[str, str]] = []
        try:
            if source == "wger":
                records, skipped = wger.to_records(data)
            else:
                records = library_io.read_document(data)
        except (library_io.ImportFileError, ValueError) as error:
            raise CommandError(str(error)) from None
        progress = None if quiet else _ProgressBar(self.stderr)
        report = library_io.import_records(records, progress=progress, skipped=skipped)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(report.errors)} problem(s) found; nothing was imported. Fix them and "
                "run the import again."
            )
        if progress is not None:
            progress.close()
        for slug in report.created:
            self.stdout.write(f"created  {slug}")
        for slug in report.updated:
            self.stdout.write(f"updated  {slug}")
        for slug, reason in report.skipped:
            self.stdout.write(f"skipped  {slug}: {reason}")
        self.stdout.write(self.style.SUCCESS(report.summary() + "."))


class _ProgressBar:
    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("")
