"""What the booking pages show: month grids of days with room, times grouped by part of day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mend.booking import formatting


@dataclass(frozen=True)
class Day:
    day: date
    count: int  # free times that day; 0 shows the day greyed out

    @property
    def label(self) -> str:
        times = "no times" if not self.count else f"{self.count} time{'s' * (self.count != 1)}"
        return f"{formatting.long_date(self.day)}, {times}"


@dataclass(frozen=True)
class Month:
    title: str
    weeks: list[list[Day | None]]  # Monday first; None pads days outside the month or range


@dataclass(frozen=True)
class Time:
    value: str  # ISO 8601 in UTC, what the form sends
    label: str  # 9:00 AM in the patient's zone


def iso(moment: datetime) -> str:
    """2026-06-16T13:00:00Z: UTC, and safe in a query string (no "+")."""
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def months(counts: dict[date, int], first: date, last: date) -> list[Month]:
    """Calendar months from first to last; each day knows how many free times it has."""
    found: list[Month] = []
    cursor = first.replace(day=1)
    while cursor <= last:
        following = (cursor + timedelta(days=32)).replace(day=1)
        days = [cursor + timedelta(days=offset) for offset in range((following - cursor).days)]
        cells: list[Day | None] = [None] * cursor.weekday()
        cells += [Day(day, counts.get(day, 0)) if first <= day <= last else None for day in days]
        cells += [None] * (-len(cells) % 7)
        weeks = [cells[index : index + 7] for index in range(0, len(cells), 7)]
        weeks = [week for week in weeks if any(week)]
        found.append(Month(f"{cursor:%B %Y}", weeks))
        cursor = following
    return found


def parts_of_day(starts: Sequence[datetime], zone: str) -> list[tuple[str, list[Time]]]:
    """Times in the patient's zone, under Morning, Afternoon and Evening."""
    local = [start.astimezone(ZoneInfo(zone)) for start in starts]
    labels = [formatting.clock(moment) for moment in local]
    # The night the clocks go back, 1:30 AM happens twice: say which one.
    repeated = {label for label in labels if labels.count(label) > 1}
    groups: dict[str, list[Time]] = {"Morning": [], "Afternoon": [], "Evening": []}
    for start, moment, label in zip(starts, local, labels, strict=True):
        part = "Morning" if moment.hour < 12 else "Afternoon" if moment.hour < 17 else "Evening"
        shown = f"{label} {moment.tzname()}" if label in repeated else label
        groups[part].append(Time(iso(start), shown))
    return [(name, times) for name, times in groups.items() if times]
