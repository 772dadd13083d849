"""A system check for the exercise settings, so a bad value stops `migrate` and the server."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

CLOCK_RANGE = (1, 100)


@checks.register
def check_player_clock(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    value = getattr(settings, "MEND_PLAYER_CLOCK_PERCENT", 100)
    low, high = CLOCK_RANGE
    if isinstance(value, int) and low <= value <= high:
        return []
    return [
        checks.Error(
            f"MEND_PLAYER_CLOCK_PERCENT must be a whole number from {low} to {high}, "
            f"not {value!r}.",
            id="exercises.E001",
        )
    ]
