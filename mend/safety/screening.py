"""Red-flag screens, the pure part: levels, answers, what a set of answers calls for.

A screen is a list of plain-language questions, each tied to a level. Any
"yes" or "not sure" calls for the highest level among those questions; no
answer ever names a condition. Plain values in and out, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

EMERGENCY = "emergency"
URGENT = "urgent"
SOON = "soon"
# Highest first: a positive answer calls for the most urgent level it touches.
LEVELS = (EMERGENCY, URGENT, SOON)
LEVEL_NAMES = {
    EMERGENCY: "Emergency: call now",
    URGENT: "Medical care today",
    SOON: "See a clinician within days",
}

YES = "yes"
NO = "no"
UNSURE = "unsure"
ANSWERS = (YES, NO, UNSURE)
ANSWER_NAMES = {YES: "Yes", NO: "No", UNSURE: "Not sure"}

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_QUESTIONS = 40


class ScreenDataError(ValueError):
    """The questions of a screen do not make a usable screen; the message says why."""


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    level: str
    hint: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a screen's answers call for: the level (None when every answer is no) and
    the questions answered yes or not sure, most urgent first."""

    level: str | None
    positive: tuple[Question, ...]

    @property
    def clear(self) -> bool:
        return self.level is None


def rank(level: str) -> int:
    return LEVELS.index(level)


def check_questions(questions: Sequence[Question]) -> None:
    """Raise ScreenDataError unless the questions make a screen: 1 to 40, keys unique and
    slug-like, text present, each level known."""
    if not questions:
        raise ScreenDataError("A screen needs at least one question.")
    if len(questions) > MAX_QUESTIONS:
        raise ScreenDataError(f"A screen has at most {MAX_QUESTIONS} questions.")
    seen: set[str] = set()
    for question in questions:
        if not KEY.match(question.key):
            raise ScreenDataError(
                f"Question key {question.key!r}: lower-case letters, digits and hyphens."
            )
        if question.key in seen:
            raise ScreenDataError(f"Question key {question.key!r} is used twice.")
        seen.add(question.key)
        if not question.text.strip():
            raise ScreenDataError(f"Question {question.key!r} has no text.")
        if question.level not in LEVELS:
            raise ScreenDataError(f"Question {question.key!r}: unknown level {question.level!r}.")


def missing_answers(questions: Iterable[Question], answers: Mapping[str, str]) -> list[str]:
    """The keys of questions not answered with yes, no or not sure."""
    return [q.key for q in questions if answers.get(q.key) not in ANSWERS]


def evaluate(questions: Sequence[Question], answers: Mapping[str, str]) -> Outcome:
    """What the answers call for. Every question must be answered (ValueError if not):
    an unanswered question is not a no."""
    missing = missing_answers(questions, answers)
    if missing:
        raise ValueError(f"Unanswered: {', '.join(missing)}")
    positive = [q for q in questions if answers[q.key] in (YES, UNSURE)]
    if not positive:
        return Outcome(None, ())
    positive.sort(key=lambda q: rank(q.level))
    return Outcome(positive[0].level, tuple(positive))


def is_due(last_clear_day: int | None, today: int, recheck_days: int) -> bool:
    """A screen is due when none was passed, or the last was passed recheck_days ago or
    more (days as ordinal numbers, so the caller chooses the calendar)."""
    return last_clear_day is None or today - last_clear_day >= recheck_days
