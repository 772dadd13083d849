"""When a lesson opens to an enrolled learner: its release rule, as plain values.

Three rules, as Teachable and Thinkific offer them: a number of days after
enrolment (counted in the learner's own days, from the day they enrolled), a
fixed date, or once the lesson before it is done. A fixed date or a day count
opens at the start of that day in the learner's time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum


class Rule(StrEnum):
    ENROLMENT = "enrolment"  # days after enrolment (0: at once)
    DATE = "date"
    PREVIOUS = "previous"


@dataclass(frozen=True)
class Release:
    """Whether a lesson is open; if not, when it opens (None: once the previous lesson is done)."""

    is_open: bool
    opens_at: dt.datetime | None = None
    waits_for_previous: bool = False


def release(
    rule: str,
    *,
    days: int,
    on: dt.date | None,
    enrolled_at: dt.datetime,
    previous_done: bool,
    zone: zoneinfo.ZoneInfo,
    now: dt.datetime,
) -> Release:
    if rule == Rule.PREVIOUS:
        return Release(True) if previous_done else Release(False, waits_for_previous=True)
    if rule == Rule.DATE:
        if on is None:
            return Release(True)
        opens_at = start_of_day(on, zone)
    else:
        enrolled_on = enrolled_at.astimezone(zone).date()
        opens_at = start_of_day(enrolled_on + dt.timedelta(days=max(days, 0)), zone)
        if days <= 0:
            return Release(True)
    if now >= opens_at:
        return Release(True)
    return Release(False, opens_at=opens_at)


def start_of_day(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Midnight of day in zone, in UTC (the first moment of the day, even on a DST change)."""
    local = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return local.astimezone(dt.UTC)
