"""Scores for the questionnaires in instruments.py: answers in, a ``Result`` out.

Standard library only, so it is fast and property-testable (DESIGN.md, pure
modules).

* ``answers`` maps item ids to the item's score (instruments.py explains why
  scores, not boxes). An absent id or None is unanswered. FAAM items may be
  ``"na"``: answered, but not rated.
* Bad input raises ``InvalidAnswers`` naming the item: an id the instrument
  does not have, a value that is not one of the item's scores (true and false
  are not numbers here, and neither is 3.0 or "3"), or two versions of one
  branched question (VISA-A Q8).
* Well-formed answers always give a ``Result``. A score that cannot be computed
  is None with a reason in ``unscorable``; an optional module nobody started is
  None with no reason. Nothing is imputed beyond each manual's own rule.
* Scores are full-precision floats; ``round_half_up`` is the one rounding rule
  for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import assert_never

from mend.outcomes.instruments import (
    INSTRUMENTS,
    NOT_APPLICABLE,
    SCORING_VERSION,
    Formula,
    Instrument,
    Item,
    Score,
)

Answer = int | str  # a score from the item's values, or NOT_APPLICABLE


class InvalidAnswers(ValueError):
    """Answers that cannot be scored as given; ``message`` is about ``item_id``."""

    def __init__(self, item_id: str, message: str) -> None:
        self.item_id = item_id
        self.message = message
        super().__init__(f"{item_id}: {message}")


class UnknownInstrument(LookupError):
    pass


@dataclass(frozen=True)
class Result:
    instrument: str
    instrument_version: str
    scoring_version: str
    scores: dict[str, float | None]
    unscorable: dict[str, str]


def score(code: str, answers: Mapping[str, object]) -> Result:
    instrument = instrument_for(code)
    given = _valid_answers(instrument, answers)
    scores: dict[str, float | None] = {}
    unscorable: dict[str, str] = {}
    for definition in instrument.scores:
        value, reason = _score(instrument, definition, given)
        scores[definition.name] = value
        if reason is not None:
            unscorable[definition.name] = reason
    return Result(instrument.code, instrument.version, SCORING_VERSION, scores, unscorable)


def instrument_for(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise UnknownInstrument(f"unknown instrument {code!r}; known: {known}") from None


def questions_in(items: Sequence[Item]) -> int:
    """How many questions the items make: a branch's versions are one question."""
    return len({item.branch or item.id for item in items})


def round_half_up(value: float, places: int = 2) -> float:
    # Clinicians round halves up (90.625 → 90.63), not to even as round() does.
    # Every score that ends in an exact half is a binary fraction (n/8, n/16),
    # so Decimal(value) sees it exactly.
    step = Decimal(1).scaleb(-places)
    return float(Decimal(value).quantize(step, rounding=ROUND_HALF_UP))


def _valid_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, Answer]:
    given: dict[str, Answer] = {}
    for item_id, value in answers.items():
        item = instrument.item(item_id)
        if item is None:
            raise InvalidAnswers(str(item_id), f"{instrument.code} has no such item")
        if value is not None:
            given[item.id] = _valid_value(item, value)
    _check_branches(instrument, given)
    return given


def _valid_value(item: Item, value: object) -> Answer:
    if item.allows_na and value == NOT_APPLICABLE:
        return NOT_APPLICABLE
    # bool is an int subclass in Python, but true/false is never a rating.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswers(item.id, f"{value!r} is not a whole number; {_allowed(item)}")
    if value not in item.values:
        raise InvalidAnswers(item.id, f"{value} is out of range; {_allowed(item)}")
    return value


def _allowed(item: Item) -> str:
    values = item.values
    if values == tuple(range(values[0], values[-1] + 1)):
        allowed = f"allowed: {values[0]} to {values[-1]}"
    else:
        allowed = "allowed: " + ", ".join(map(str, values[:-1])) + f" or {values[-1]}"
    return allowed + (f' or "{NOT_APPLICABLE}"' if item.allows_na else "")


def _check_branches(instrument: Instrument, given: Mapping[str, Answer]) -> None:
    chosen: dict[str, str] = {}
    for item in instrument.items:
        if item.branch is None or item.id not in given:
            continue
        if item.branch in chosen:
            versions = ", ".join(i.id for i in instrument.items if i.branch == item.branch)
            raise InvalidAnswers(
                item.id, f"answer only one of {versions}; {chosen[item.branch]} is answered too"
            )
        chosen[item.branch] = item.id


def _score(
    instrument: Instrument, definition: Score, given: Mapping[str, Answer]
) -> tuple[float | None, str | None]:
    items = instrument.items_in(definition.group)
    if definition.optional and not any(item.id in given for item in items):
        return None, None
    ratings = _ratings(items, given)
    if len(ratings) < definition.minimum:
        skipped = sum(1 for item in items if given.get(item.id) == NOT_APPLICABLE)
        return None, _unscorable(len(ratings), questions_in(items), definition.minimum, skipped)
    return _apply(definition.formula, ratings, items), None


def _ratings(items: Sequence[Item], given: Mapping[str, Answer]) -> list[int]:
    ratings: list[int] = []
    for item in items:
        answer = given.get(item.id)
        if isinstance(answer, int):
            ratings.append(answer)
    return ratings


def _unscorable(answered: int, questions: int, minimum: int, not_applicable: int) -> str:
    counted = f" ({not_applicable} N/A not counted)" if not_applicable else ""
    needed = f"all {questions}" if minimum == questions else f"at least {minimum}"
    return f"cannot be scored: {answered} of {questions} answered{counted}; needs {needed}"


def _apply(formula: Formula, ratings: Sequence[int], items: Sequence[Item]) -> float:
    total, answered = sum(ratings), len(ratings)
    match formula:
        case Formula.SUM:
            return float(total)
        case Formula.PRORATED_SUM:
            return total * questions_in(items) / answered
        case Formula.MEAN:
            return total / answered
        case Formula.PERCENT:
            return _percent(total, answered, items)
        case Formula.REVERSED_PERCENT:
            return 100 - _percent(total, answered, items)
        case _:
            assert_never(formula)


def _percent(total: int, answered: int, items: Sequence[Item]) -> float:
    # One division at the end keeps the exact cases exact (16 of 45 → 1600/45).
    low = min(min(item.values) for item in items)
    high = max(max(item.values) for item in items)
    return (total - low * answered) * 100 / ((high - low) * answered)
