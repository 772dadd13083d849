"""`mend outcomes`: score answers, load licensed text packs, queue due emails.

`mend outcomes score CODE` scores one questionnaire from JSON on standard
input. Input is one JSON object mapping item ids to answers (absent or null =
unanswered). Output is one JSON object: the instrument's code and version,
every score (rounded to 2 places, half up; null when it has none) and the
reason for each unscorable one. Answers that are well formed exit 0 even when
nothing can be scored; bad input exits 2 with the problem, naming the item, on
standard error. The scoring itself is mend/outcomes/scoring.py.

`mend outcomes load-pack FILE…` loads the clinic's licensed wording of tier B
and C instruments (the format is in docs/outcomes.md; textpack.py checks it).
A file holds one pack or a JSON array of them. Every pack is checked before
any is stored: one bad pack exits 2 and stores nothing. Loading a pack again
replaces the one with the same instrument, version and language.

`mend outcomes send-due` queues the email of every questionnaire that has
fallen due and not been emailed; run it from cron or a systemd timer.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from mend.accounts.models import User
from mend.outcomes import scoring, tasks, textpack
from mend.outcomes.instruments import INSTRUMENTS
from mend.outcomes.models import TextPack

BAD_INPUT = 2
# What a JSON value that is not an object was, in JSON's own words.
JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


class Command(BaseCommand):
    help = "Score answers (JSON on stdin), load licensed text packs, or queue due emails."
    # Scoring is arithmetic on standard input: no project state to check first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{score,load-pack,send-due}"
        )
        scored = actions.add_parser("score", help="Score answers read as JSON from stdin.")
        scored.add_argument("code", metavar="CODE", help=f"One of: {', '.join(INSTRUMENTS)}.")
        packs = actions.add_parser("load-pack", help="Load licensed item text (docs/outcomes.md).")
        packs.add_argument("files", metavar="FILE", nargs="+", help="A JSON text pack.")
        packs.add_argument("--by", metavar="EMAIL", help="The account loading it, for the record.")
        actions.add_parser("send-due", help="Queue the email of each questionnaire now due.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load-pack":
            self._load_packs(options["files"], options["by"])
        elif action == "send-due":
            queued = tasks.queue_due_emails(now=timezone.now())
            self.stdout.write(f"Queued {queued} questionnaire email{'s' if queued != 1 else ''}.")
        else:
            self._score(options["code"])

    def _score(self, code: str) -> None:
        try:
            # The code first, so a typo is reported whatever the input holds.
            scoring.instrument_for(code)
        except scoring.UnknownInstrument as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from None
        try:
            result = scoring.score(code, _read_answers())
        except scoring.InvalidAnswers as error:
            raise CommandError(f"bad answers for {code}: {error}", returncode=BAD_INPUT) from None
        self.stdout.write(json.dumps(_as_json(result), ensure_ascii=False))

    def _load_packs(self, files: list[str], email: str | None) -> None:
        by = _account(email)
        packs = _unique([pack for name in files for pack in _read_packs(name)])
        with transaction.atomic():
            said = [_store(pack, by) for pack in packs]
        for pack, what in zip(packs, said, strict=True):
            self.stdout.write(f"{pack.instrument} {pack.version} ({pack.language}): {what}")


def _account(email: str | None) -> User | None:
    if email is None:
        return None
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"--by: no account has the address {email}", returncode=BAD_INPUT)
    return user


def _read_packs(name: str) -> list[textpack.Pack]:
    try:
        with open(name, encoding="utf-8") as file:
            document = json.load(file)
    except OSError as error:
        raise CommandError(
            f"{name}: cannot read it ({error.strerror})", returncode=BAD_INPUT
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CommandError(f"{name}: not JSON ({error})", returncode=BAD_INPUT) from None
    documents = document if isinstance(document, list) else [document]
    packs = []
    for number, entry in enumerate(documents, start=1):
        where = f"{name}, pack {number}" if isinstance(document, list) else name
        try:
            packs.append(textpack.parse(entry))
        except textpack.PackError as error:
            raise CommandError(f"{where}: {error.message}", returncode=BAD_INPUT) from None
    return packs


def _unique(packs: list[textpack.Pack]) -> list[textpack.Pack]:
    seen = set()
    for pack in packs:
        key = (pack.instrument, pack.version, pack.language)
        if key in seen:
            raise CommandError(
                f"{pack.instrument} {pack.version} ({pack.language}) is given "
                "twice: nothing was loaded",
                returncode=BAD_INPUT,
            )
        seen.add(key)
    return packs


def _store(pack: textpack.Pack, by: User | None) -> str:
    document = pack.as_json()
    existing = TextPack.objects.filter(
        code=pack.instrument, instrument_version=pack.version, language=pack.language
    ).first()
    if existing is not None and existing.text == document:
        return "unchanged"
    TextPack.objects.update_or_create(
        code=pack.instrument,
        instrument_version=pack.version,
        language=pack.language,
        defaults={
            "text": document,
            "licence_holder": pack.holder,
            "licence_note": pack.note,
            "loaded_at": timezone.now(),
            "loaded_by": by,
        },
    )
    return "replaced" if existing else "loaded"


def _read_answers() -> dict[str, object]:
    try:
        answers = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        raise CommandError(f"standard input is not JSON: {error}", returncode=BAD_INPUT) from None
    if not isinstance(answers, dict):
        raise CommandError(
            "standard input must be one JSON object of item ids and answers, "
            f"not {JSON_KINDS.get(type(answers), 'that')}",
            returncode=BAD_INPUT,
        )
    return answers


def _as_json(result: scoring.Result) -> dict[str, object]:
    return {
        "instrument": result.instrument,
        "version": result.instrument_version,
        "scores": {
            name: None if value is None else scoring.round_half_up(value)
            for name, value in result.scores.items()
        },
        "unscorable": result.unscorable,
    }
