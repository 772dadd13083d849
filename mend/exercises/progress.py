"""Progress arithmetic: schedules, adherence, streaks and the clinician's flags.

Pure Python over plain dates and numbers (DESIGN.md, pure modules), so it is
fast and property-testable. Callers turn datetimes into the patient's local
dates first; nothing here knows about time zones or the database.

Conventions:

* A schedule is the weekdays a program is due on (0 = Monday), how many
  sessions a day, and the first and last day (inclusive; no last day = open).
* Sessions done count at most ``per_day`` on any one day, so three sessions on
  Monday do not make up for skipping Tuesday; a week's adherence never passes
  100 %. Sessions on days that were not due do count (up to ``per_day``), but
  never above what the window prescribed.
* A streak is the number of due days in a row, ending today or on the last
  due day before it, with at least one session. A due day today that has no
  session yet does not break the streak: the day is not over.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mend.exercises.dosage import PainRule

WEEK = 7
EVERY_DAY = frozenset(range(7))
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# The rising-pain flag (README, "Exercises"), per program: the mean pain during
# its last RECENT_SESSIONS sessions is at least RISING_POINTS above the mean of
# its first BASELINE_SESSIONS. Two points borrows the smallest change on the 0-10
# scale patients notice (Ostelo 2008); as a threshold for worsening during a
# program it is Mend's heuristic, not a published one.
RISING_POINTS = 2
RECENT_SESSIONS = 3
BASELINE_SESSIONS = 3
# The morning rule (Silbernagel's pain-monitoring model): pain and stiffness the
# morning after should not rise from week to week. Mend compares the mean of the
# worse of the two over the last 7 days with the 7 days before; in the first two
# weeks, when there is no earlier week, the latest morning with the first one.
MORNING_WEEKLY_RISE = 1
MORNING_EARLY_RISE = 2
# The inactivity flag: no session for this many days (counted from the start
# of the patient's earliest current program if they never logged one).
QUIET_DAYS = 7
# The visit offer: this many sessions over the pain rule within a week.
EASE_OFF_SESSIONS_FOR_VISIT = 2


@dataclass(frozen=True, slots=True)
class Schedule:
    weekdays: frozenset[int]
    per_day: int
    start: dt.date
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= EVERY_DAY:
            raise ValueError("weekdays must be a non-empty set of 0-6")
        if self.per_day < 1:
            raise ValueError("per_day must be at least 1")
        if self.end is not None and self.end < self.start:
            raise ValueError("end must not be before start")

    def is_due(self, day: dt.date) -> bool:
        """True when sessions are prescribed on this day."""
        if day < self.start or (self.end is not None and day > self.end):
            return False
        return day.weekday() in self.weekdays

    def due_on(self, day: dt.date) -> int:
        return self.per_day if self.is_due(day) else 0

    def prescribed(self, first: dt.date, last: dt.date) -> int:
        """Sessions prescribed from first to last, both included."""
        return sum(self.due_on(day) for day in days(first, last))

    def describe(self) -> str:
        if self.weekdays == EVERY_DAY:
            when = "every day"
        else:
            when = ", ".join(WEEKDAY_NAMES[day] for day in sorted(self.weekdays))
        per_day = {1: "once", 2: "twice"}.get(self.per_day, f"{self.per_day} times")
        return f"{per_day} a day, {when}"


@dataclass(frozen=True, slots=True)
class Adherence:
    first: dt.date
    last: dt.date
    prescribed: int
    done: int

    @property
    def percent(self) -> int | None:
        """Whole percent done of prescribed; None when nothing was prescribed."""
        if self.prescribed == 0:
            return None
        return round(100 * self.done / self.prescribed)


@dataclass(frozen=True, slots=True)
class Week(Adherence):
    number: int = 1


def days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def parse_weekdays(text: str) -> frozenset[int]:
    """Weekdays from their stored form, a string of digits such as "024"."""
    return frozenset(int(char) for char in text if char in "0123456")


def format_weekdays(weekdays: Iterable[int]) -> str:
    return "".join(str(day) for day in sorted(set(weekdays)))


def adherence(
    schedule: Schedule, session_days: Iterable[dt.date], first: dt.date, last: dt.date
) -> Adherence:
    """Sessions done against sessions prescribed from first to last (both included)."""
    prescribed = schedule.prescribed(first, last)
    per_day = Counter(day for day in session_days if first <= day <= last)
    done = sum(min(count, schedule.per_day) for count in per_day.values())
    return Adherence(first, last, prescribed, min(done, prescribed))


def weekly_adherence(
    schedule: Schedule, session_days: Sequence[dt.date], today: dt.date
) -> list[Week]:
    """One entry per program week (week 1 starts on the start date), up to today."""
    last = today if schedule.end is None else min(today, schedule.end)
    weeks = []
    number = 1
    first = schedule.start
    while first <= last:
        week_last = min(first + dt.timedelta(days=WEEK - 1), last)
        found = adherence(schedule, session_days, first, week_last)
        weeks.append(Week(found.first, found.last, found.prescribed, found.done, number))
        first += dt.timedelta(days=WEEK)
        number += 1
    return weeks


def current_week(
    schedule: Schedule, session_days: Sequence[dt.date], today: dt.date
) -> Week | None:
    """The program week that contains today (the last entry of weekly_adherence), or None."""
    last = today if schedule.end is None else min(today, schedule.end)
    if last < schedule.start:
        return None
    number = (last - schedule.start).days // WEEK
    first = schedule.start + dt.timedelta(days=WEEK * number)
    found = adherence(schedule, session_days, first, last)
    return Week(found.first, found.last, found.prescribed, found.done, number + 1)


def combined_adherence(
    parts: Iterable[tuple[Schedule, Sequence[dt.date]]], first: dt.date, last: dt.date
) -> Adherence:
    """Adherence over several programs at once (the clinician's 14-day figure)."""
    prescribed = done = 0
    for schedule, session_days in parts:
        found = adherence(schedule, session_days, first, last)
        prescribed += found.prescribed
        done += found.done
    return Adherence(first, last, prescribed, done)


def streak(schedule: Schedule, session_days: Iterable[dt.date], today: dt.date) -> int:
    """Due days in a row with a session, counting back from today (see the module notes)."""
    done = set(session_days)
    count = 0
    day = today
    if today not in done:
        day -= dt.timedelta(days=1)  # today is not over yet
    while day >= schedule.start:
        if day in done:
            count += 1
        elif schedule.is_due(day):
            break
        day -= dt.timedelta(days=1)
    return count


def pain_is_rising(sessions: Sequence[tuple[dt.date, int]]) -> bool:
    """The rising-pain rule over one program's (date, pain during) pairs, oldest first.

    The first and the last sessions never overlap, so a daily program can show a
    rise within its first week.
    """
    if len(sessions) < BASELINE_SESSIONS + RECENT_SESSIONS:
        return False
    baseline = [pain for _, pain in sessions[:BASELINE_SESSIONS]]
    recent = [pain for _, pain in sessions[-RECENT_SESSIONS:]]
    # Compare sums to stay in whole numbers: mean(recent) - mean(baseline) >= RISING_POINTS.
    lhs = sum(recent) * len(baseline) - sum(baseline) * len(recent)
    return lhs >= RISING_POINTS * len(recent) * len(baseline)


def morning_is_rising(mornings: Sequence[tuple[dt.date, int]], today: dt.date) -> bool:
    """The morning rule over (date, worse of morning pain and stiffness), oldest first."""
    if len(mornings) < 2:
        return False
    first_day, first_value = mornings[0]
    if (today - first_day).days < 2 * WEEK:
        return mornings[-1][1] - first_value >= MORNING_EARLY_RISE
    this_week = [v for day, v in mornings if 0 <= (today - day).days < WEEK]
    last_week = [v for day, v in mornings if WEEK <= (today - day).days < 2 * WEEK]
    if not this_week or not last_week:
        return False
    lhs = sum(this_week) * len(last_week) - sum(last_week) * len(this_week)
    return lhs >= MORNING_WEEKLY_RISE * len(this_week) * len(last_week)


def quiet_days(last_session: dt.date | None, since: dt.date, today: dt.date) -> int:
    """Days without a session, counted from the last session or else from ``since``."""
    reference = last_session if last_session is not None else since
    return max(0, (today - reference).days)


def strictest_rule(rules: Iterable[PainRule]) -> PainRule:
    """One rule for a session of several exercises: the lowest limit, settling if any asks."""
    found = list(rules)
    if not found:
        return PainRule()
    return PainRule(
        max_during=min(rule.max_during for rule in found),
        settle_by_next_morning=any(rule.settle_by_next_morning for rule in found),
    )


def ease_off_count(flagged_days: Iterable[dt.date], today: dt.date) -> int:
    """Sessions over the pain rule in the week ending today."""
    first = today - dt.timedelta(days=WEEK - 1)
    return sum(1 for day in flagged_days if first <= day <= today)


def offer_visit(flagged_days: Iterable[dt.date], today: dt.date) -> bool:
    return ease_off_count(flagged_days, today) >= EASE_OFF_SESSIONS_FOR_VISIT
