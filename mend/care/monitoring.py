"""Remote therapeutic monitoring: an episode's 30-day periods, their days with data and
their review minutes.

US clinics bill remote monitoring per 30-day period: by how many days in it
had data (a session logged, a questionnaire answered) and by the minutes the
clinician spent reviewing it. Period 1 starts on the episode's first day;
each next one starts the day after the last ended, whatever the calendar
month. Dates are taken as given: the caller turns moments into the patient's
days before they reach here.

A period is listed whole when it overlaps the range asked for, because a
claim is for a whole period, not for the part of it a report happens to show.
Pure: plain values in and out, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PERIOD_DAYS = 30


@dataclass(frozen=True)
class Review:
    on: dt.date
    minutes: int


@dataclass(frozen=True)
class Period:
    number: int  # 1 for the period that starts on the episode's first day
    start: dt.date
    end: dt.date  # the last day in it, inclusive
    data_dates: tuple[dt.date, ...]  # distinct, in order
    review_minutes: int

    @property
    def days_with_data(self) -> int:
        return len(self.data_dates)


def period_index(opened_on: dt.date, day: dt.date) -> int:
    """0 for the first period; negative for a day before the episode opened."""
    return (day - opened_on).days // PERIOD_DAYS


def period_bounds(opened_on: dt.date, index: int) -> tuple[dt.date, dt.date]:
    start = opened_on + dt.timedelta(days=index * PERIOD_DAYS)
    return start, start + dt.timedelta(days=PERIOD_DAYS - 1)


def span(opened_on: dt.date, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days the whole periods overlapping first..last cover; None if none do."""
    if last < first:
        raise ValueError("The range ends before it starts.")
    low = max(period_index(opened_on, first), 0)
    high = period_index(opened_on, last)
    if high < low:
        return None
    return period_bounds(opened_on, low)[0], period_bounds(opened_on, high)[1]


def periods(
    *,
    opened_on: dt.date,
    first: dt.date,
    last: dt.date,
    data_dates: Iterable[dt.date],
    reviews: Iterable[Review],
) -> list[Period]:
    """The whole periods that overlap first..last (inclusive), none before opened_on.

    Data dates and reviews outside those periods are left out; a date given
    twice counts once.
    """
    covered = span(opened_on, first, last)
    if covered is None:
        return []
    indexes = range(period_index(opened_on, covered[0]), period_index(opened_on, covered[1]) + 1)
    days: dict[int, set[dt.date]] = {index: set() for index in indexes}
    minutes = dict.fromkeys(indexes, 0)
    for day in data_dates:
        index = period_index(opened_on, day)
        if index in days:
            days[index].add(day)
    for review in reviews:
        index = period_index(opened_on, review.on)
        if index in minutes:
            minutes[index] += review.minutes
    return [_period(opened_on, index, days[index], minutes[index]) for index in indexes]


def _period(opened_on: dt.date, index: int, days: set[dt.date], minutes: int) -> Period:
    start, end = period_bounds(opened_on, index)
    return Period(index + 1, start, end, tuple(sorted(days)), minutes)
