"""What each level of a red-flag screen tells the person to do: where to go and how fast.

Advice says what to do, never what someone has. Pure: the emergency number and
the clinic's same-day text come in as values.
"""

from __future__ import annotations

from dataclasses import dataclass

from mend.safety.screening import EMERGENCY, SOON, URGENT

LIMIT = (
    "These questions cannot tell what is causing your symptoms; they only say how soon "
    "someone should look at them."
)


@dataclass(frozen=True)
class Advice:
    level: str
    heading: str
    steps: tuple[str, ...]
    call: str = ""  # a number to dial, shown as a tel: link
    book: bool = False  # offer booking a visit
    stop: str = "Do not start or continue the exercises until you have been checked."


def for_level(level: str, *, emergency_number: str, same_day_text: str) -> Advice:
    if level == EMERGENCY:
        return Advice(
            level,
            f"Call {emergency_number} now",
            (
                f"Call {emergency_number}, or have someone take you to the nearest emergency "
                "department now. Do not drive yourself.",
                "Tell them which of these you answered yes or not sure to.",
            ),
            call=emergency_number,
        )
    if level == URGENT:
        return Advice(
            level,
            "Get medical care today",
            (
                same_day_text,
                f"If it gets worse, or you cannot be seen today, call {emergency_number}.",
            ),
        )
    if level == SOON:
        return Advice(
            level,
            "See a physical therapist or doctor in the next few days",
            (
                "Book a visit with a physical therapist, or see your doctor, within the next "
                "few days, and take your answers with you.",
                "Until then, no self-guided exercise for this.",
                f"If things get suddenly worse, get care the same day, or call {emergency_number}.",
            ),
            book=True,
        )
    raise ValueError(f"Unknown level {level!r}")
