"""`mend export-patient EMAIL [--out FILE]`: a patient's record as a FHIR R4 Bundle.

For staff answering a written request for access (HIPAA 164.524, GDPR Art 15
and 20); the export is written to the audit log like the patient's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mend.accounts.models import User
from mend.records import services


class Command(BaseCommand):
    help = "Write one patient's record as a FHIR R4 Bundle (JSON) to a file or standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The patient's account address.")
        parser.add_argument("--out", help="The file to write (default: standard output).")

    def handle(self, *args: Any, email: str, out: str | None, **options: Any) -> None:
        patient = User.objects.filter(email__iexact=email.strip()).first()
        if patient is None:
            raise CommandError(f"No account with the address {email!r}.")
        text = services.export_json(patient, now=timezone.now(), by=None)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Wrote {out}.")
        else:
            self.stdout.write(text)
