"""Dates and times as patients read them, always with the zone they are in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def clock(moment: datetime) -> str:
    """9:00 AM, 12:30 PM."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def long_date(day: date) -> str:
    """Tuesday 16 June 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def when(moment: datetime, zone: str) -> str:
    """Tuesday 16 June 2026, 9:00 AM (America/Chicago)."""
    there = local(moment, zone)
    return f"{long_date(there.date())}, {clock(there)} ({zone})"


def zone_label(zone: str, moment: datetime) -> str:
    """America/Chicago (CDT, UTC−05:00) at that moment."""
    there = local(moment, zone)
    offset = there.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours:02d}:{rest:02d}"
    name = there.tzname() or ""
    abbreviation = f"{name}, " if name and name[0] not in "+-" and name != "UTC" else ""
    return f"{zone} ({abbreviation}{utc})"
