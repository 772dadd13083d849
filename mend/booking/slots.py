"""Free appointment slots: a pure engine, standard library only.

Inputs are plain values: weekly ``Rule``s kept in the clinician's own zone, and
``Interval``s of aware datetimes for time off and for appointments already
booked. Outputs are aware UTC datetimes in time order. All spans are
half-open, ``[start, end)``, so a visit may end exactly when the next begins.

A start ``s`` is free when:

* the visit itself, ``[s, s + duration)``, lies inside one working interval.
  Working intervals are the rules expanded day by day in the clinician's zone;
  intervals that overlap or touch are merged, so rules for 09:00-12:00 and
  12:00-17:00 read as one day;
* the visit widened by its buffers, ``[s - buffer_before, s + duration +
  buffer_after)``, overlaps no busy interval and no time off. Buffers may reach
  outside working hours (tidying up after the day's last visit is fine). Busy
  intervals are taken as given: the caller widens existing appointments by
  their own buffers;
* ``now + notice <= s <= now + horizon``: both limits are about when the visit
  starts, as a patient reads "at least a day ahead" and "up to 60 days ahead";
* ``s`` is a whole number of steps after the start of its working interval, so
  a 15-minute step gives 09:00, 09:15, ... local. Steps are elapsed time.

Wall-clock times that the clocks skip or repeat when daylight saving changes:

* a skipped time (02:30 on a spring-forward night in New York) stands for the
  instant the clocks jump (03:00 EDT), whether it starts or ends a rule; a rule
  lying wholly inside the gap gives nothing that day;
* a repeated time starts a rule at its first occurrence and ends one at its
  second, so 01:00-03:00 on a fall-back night in New York is three hours long.

Nothing here reads the process time zone or the machine's clock: ``now`` is an
argument, every datetime must be aware, and the zone ``localtime`` (which
follows the server's setting) is refused. Bad input raises ``SlotError``.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

K = TypeVar("K", bound=Hashable)
Span = tuple[int, int]  # microseconds since the Unix epoch, half-open
_Readings = tuple[time, time]  # one wall time with fold=0 and fold=1

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY = timedelta(days=1)
_ZERO = timedelta(0)


class SlotError(ValueError):
    """Input the slot engine cannot read: an unknown zone, a naive datetime, an empty span."""


@dataclass(frozen=True)
class Rule:
    """Weekly working hours as wall-clock times in the clinician's zone; Monday is 0."""

    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None  # inclusive

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise SlotError(f"Weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}.")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise SlotError("Rule times are wall-clock times and carry no zone.")
        if self.start >= self.end:
            raise SlotError(f"A rule must end after it starts, got {self.start}-{self.end}.")

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "Interval start")
        _require_aware(self.end, "Interval end")
        if self.start >= self.end:
            raise SlotError(f"An interval must end after it starts, got {self.start}-{self.end}.")


@dataclass(frozen=True, kw_only=True)
class ClinicianCalendar(Generic[K]):
    key: K
    zone: str  # IANA name, e.g. "Europe/London"
    rules: Sequence[Rule]
    time_off: Sequence[Interval] = ()
    busy: Sequence[Interval] = ()  # appointments, already widened by their own buffers

    def __post_init__(self) -> None:
        _zone(self.zone)


@dataclass(frozen=True, kw_only=True)
class SlotQuery:
    now: datetime
    duration: timedelta
    step: timedelta
    horizon: timedelta
    notice: timedelta = _ZERO
    buffer_before: timedelta = _ZERO
    buffer_after: timedelta = _ZERO
    # Only starts from the first to the second moment, both included (a recheck near one
    # start): the days outside are not expanded at all.
    within: tuple[datetime, datetime] | None = None

    def __post_init__(self) -> None:
        _require_aware(self.now, "now")
        for moment in self.within or ():
            _require_aware(moment, "within")
        if self.duration <= _ZERO or self.step <= _ZERO:
            raise SlotError("Duration and step must be positive.")
        if min(self.horizon, self.notice, self.buffer_before, self.buffer_after) < _ZERO:
            raise SlotError("Horizon, notice and buffers cannot be negative.")


def working_intervals(
    rules: Iterable[Rule], zone: str, first_day: date, last_day: date
) -> list[Interval]:
    """The rules expanded over the local days first_day to last_day inclusive, merged, in UTC."""
    spans = _working_spans(tuple(rules), _zone(zone), first_day, last_day)
    return [Interval(_to_datetime(start), _to_datetime(end)) for start, end in spans]


def free_slots(calendar: ClinicianCalendar[K], query: SlotQuery) -> list[datetime]:
    """Free visit starts for one clinician, in UTC and in time order."""
    return [_to_datetime(start) for start in _free_starts(calendar, query)]


def first_available(
    calendars: Iterable[ClinicianCalendar[K]], query: SlotQuery
) -> dict[datetime, tuple[K, ...]]:
    """Every start free for at least one clinician, in time order, with the clinicians free
    then, in the order the calendars were given."""
    keys_by_start: dict[int, list[K]] = {}
    for calendar in calendars:
        for start in _free_starts(calendar, query):
            keys_by_start.setdefault(start, []).append(calendar.key)
    return {_to_datetime(start): tuple(keys_by_start[start]) for start in sorted(keys_by_start)}


def _free_starts(calendar: ClinicianCalendar[K], query: SlotQuery) -> list[int]:
    zone = _zone(calendar.zone)
    # In microseconds first: an aware datetime plus a timedelta adds wall-clock time.
    now = _micros(query.now)
    earliest, latest = now + query.notice // _MICROSECOND, now + query.horizon // _MICROSECOND
    if query.within is not None:
        earliest = max(earliest, _micros(query.within[0]))
        latest = min(latest, _micros(query.within[1]))
        if earliest > latest:
            return []
    # A day's margin either side: a local day and its UTC span need not line up.
    first_day, last_day = _local_day(earliest, zone) - _DAY, _local_day(latest, zone) + _DAY
    working = _working_spans(calendar.rules, zone, first_day, last_day)
    return _steps(working, _blocked_starts(calendar, query), earliest, latest, query)


def _steps(
    working: list[Span], blocked: list[Span], earliest: int, latest: int, query: SlotQuery
) -> list[int]:
    """Starts a whole number of steps into a working interval, unblocked, inside the window."""
    duration, step = query.duration // _MICROSECOND, query.step // _MICROSECOND
    starts: list[int] = []
    for work_start, work_end in working:
        lowest, highest = max(work_start, earliest), min(work_end - duration, latest)
        for low, high in _unblocked(lowest, highest, blocked):
            first = work_start - (work_start - low) // step * step  # first step at or after low
            starts.extend(range(first, high + 1, step))
    return starts


def _blocked_starts(calendar: ClinicianCalendar[K], query: SlotQuery) -> list[Span]:
    """Open ranges (a, b) of visit starts that would touch busy time or time off, merged."""
    before = query.buffer_before // _MICROSECOND
    reach = (query.duration + query.buffer_after) // _MICROSECOND
    taken = sorted(
        (_micros(interval.start), _micros(interval.end))
        for intervals in (calendar.busy, calendar.time_off)
        for interval in intervals
    )
    merged: list[Span] = []
    for start, end in taken:
        low, high = start - reach, end + before
        if merged and low < merged[-1][1]:  # open ranges that merely touch leave their edge free
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _unblocked(low: int, high: int, blocked: list[Span]) -> Iterator[Span]:
    """Closed sub-ranges of [low, high] outside every open range in blocked (sorted, disjoint)."""
    if low > high:
        return
    cursor = low
    index = bisect_right(blocked, (cursor, cursor))
    if index and blocked[index - 1][1] > cursor:  # the range before may still cover cursor
        index -= 1
    for block_start, block_end in blocked[index:]:
        if block_start >= high:
            break
        if block_start >= cursor:
            yield cursor, block_start
        cursor = max(cursor, block_end)
    if cursor <= high:
        yield cursor, high


def _working_spans(rules: Sequence[Rule], zone: ZoneInfo, first: date, last: date) -> list[Span]:
    by_weekday: list[list[tuple[Rule, _Readings, _Readings]]] = [[] for _ in range(7)]
    for rule in rules:
        by_weekday[rule.weekday].append((rule, _readings(rule.start), _readings(rule.end)))
    spans = []
    day = first
    while day <= last:
        for rule, start, end in by_weekday[day.weekday()]:
            if rule.applies_on(day):
                span = (_instant(day, start, zone, late=False), _instant(day, end, zone, late=True))
                if span[0] < span[1]:
                    spans.append(span)
        day += _DAY
    return _merge_touching(sorted(spans))


def _merge_touching(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _readings(wall: time) -> _Readings:
    """Both readings of a wall time: PEP 495's fold=0 takes the offset in force before a
    clock change, fold=1 the offset after it. Made once per rule: replace() is slow."""
    return wall.replace(fold=0), wall.replace(fold=1)


def _instant(day: date, wall: _Readings, zone: ZoneInfo, *, late: bool) -> int:
    """The instant a wall-clock reading names; late picks the second of a repeated reading."""
    first = _micros(datetime.combine(day, wall[0], tzinfo=zone))
    second = _micros(datetime.combine(day, wall[1], tzinfo=zone))
    if first <= second:  # an ordinary reading, or a repeated one (fold=0 is the earlier)
        return second if late else first
    # Clocks jumped over this reading: fold=1 lands before the jump and fold=0 after it.
    return _clock_change(second, first, zone)


def _clock_change(earlier: int, later: int, zone: ZoneInfo) -> int:
    """The first instant after earlier whose UTC offset is the one in force at later."""
    target = _offset_at(later, zone)
    while later - earlier > 1:
        middle = (earlier + later) // 2
        if _offset_at(middle, zone) == target:
            later = middle
        else:
            earlier = middle
    return later


def _offset_at(micros: int, zone: ZoneInfo) -> timedelta | None:
    return _to_datetime(micros).astimezone(zone).utcoffset()


def _local_day(micros: int, zone: ZoneInfo) -> date:
    return _to_datetime(micros).astimezone(zone).date()


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _to_datetime(micros: int) -> datetime:
    return _EPOCH + _MICROSECOND * micros


def _require_aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise SlotError(f"{name} must be an aware datetime, got naive {moment}.")


@functools.cache
def _zone(name: str) -> ZoneInfo:
    # "localtime" is a file beside the real zones on many systems that follows the server.
    if name == "localtime":
        raise SlotError("Zone 'localtime' follows the server; give an IANA name.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SlotError(f"Unknown time zone {name!r}; give an IANA name.") from error
