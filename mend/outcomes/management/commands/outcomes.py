"""`mend outcomes score CODE`: score one questionnaire from JSON on standard input.

Input is one JSON object mapping item ids to answers (absent or null =
unanswered). Output is one JSON object: the instrument's code and version,
every score (rounded to 2 places, half up; null when it has none) and the
reason for each unscorable one. Answers that are well formed exit 0 even when
nothing can be scored; bad input exits 2 with the problem, naming the item, on
standard error. The scoring itself is mend/outcomes/scoring.py.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mend.outcomes import scoring
from mend.outcomes.instruments import INSTRUMENTS

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
    help = "Score an outcome questionnaire's answers, read as JSON from standard input."
    # Arithmetic on standard input: no database or project state to check first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="score")
        scored = actions.add_parser("score", help="Score answers read as JSON from stdin.")
        scored.add_argument("code", metavar="CODE", help=f"One of: {', '.join(INSTRUMENTS)}.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
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
