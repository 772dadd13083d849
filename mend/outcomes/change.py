"""Whether a follow-up score has changed meaningfully since baseline.

Standard library only (DESIGN.md, pure modules). A change counts when it is at
least the MCID (the minimal clinically important difference) in the score's
own units: at least the MCID in the better direction is a meaningful
improvement, at least the MCID in the worse direction a meaningful worsening,
anything smaller no meaningful change. "At least" is deliberate: a 2-point fall
on a pain scale whose MCID is 2 is the change the MCID describes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

from mend.outcomes.instruments import Direction

# Scores are means and percentages of whole numbers, so a difference that is
# exactly the MCID on paper can land a hair below it in binary floating point
# (3.67 − 1.67 = 1.9999999999999998). Nine places is far finer than any score
# is shown, and coarse enough to absorb that.
PLACES = 9


class Meaning(StrEnum):
    IMPROVEMENT = "meaningful improvement"
    NO_CHANGE = "no meaningful change"
    WORSENING = "meaningful worsening"


def change(baseline: float, follow_up: float) -> float:
    """The follow-up minus the baseline, in the score's units."""
    _finite(baseline, "baseline")
    _finite(follow_up, "follow-up")
    return round(follow_up - baseline, PLACES)


def classify(baseline: float, follow_up: float, *, mcid: float, direction: Direction) -> Meaning:
    _finite(mcid, "MCID")
    if mcid <= 0:
        raise ValueError("the MCID must be more than 0")
    difference = change(baseline, follow_up)
    better = difference if direction is Direction.HIGHER_IS_BETTER else -difference
    if better >= mcid:
        return Meaning.IMPROVEMENT
    if -better >= mcid:
        return Meaning.WORSENING
    return Meaning.NO_CHANGE


def against_baseline(
    baseline: float | None,
    follow_ups: Sequence[float | None],
    *,
    mcid: float | None,
    direction: Direction,
) -> list[Meaning | None]:
    """One meaning per follow-up; None where a score or the MCID is missing."""
    if baseline is None or mcid is None:
        return [None] * len(follow_ups)
    return [
        None if value is None else classify(baseline, value, mcid=mcid, direction=direction)
        for value in follow_ups
    ]


def _finite(value: float, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"the {what} must be a finite number")
