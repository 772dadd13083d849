"""Free times from the database: rules, time off and busy time read once, then slots.py.

What a patient picked (visit type, mode, place, clinician or "first available")
is a ``Want``; ``free_times`` answers with every free start and the clinicians
free then. Open waitlist holds count as busy for everyone but their claimant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from mend.booking import slots
from mend.booking.models import (
    Appointment,
    AvailabilityRule,
    Clinician,
    Location,
    Mode,
    SlotHold,
    TimeOff,
    VisitType,
)

DAY = timedelta(days=1)
# Every free start, in order, with the clinicians free then (in the order they are offered).
FreeTimes = dict[datetime, tuple[int, ...]]


@dataclass(frozen=True)
class Want:
    visit_type: VisitType
    mode: str
    location: Location | None = None
    clinician: Clinician | None = None  # None: first available

    def place_id(self) -> int | None:
        return self.location.pk if self.mode == Mode.IN_PERSON and self.location else None


@dataclass(frozen=True)
class Ignore:
    """What a recheck leaves out: the visit being moved, the hold being claimed."""

    appointment_id: int | None = None
    hold_id: int | None = None


NOTHING = Ignore()


def step() -> timedelta:
    return timedelta(minutes=settings.MEND_BOOKING_STEP_MINUTES)


def clinicians_for(want: Want) -> list[Clinician]:
    """Active clinicians who offer the visit type, in the place asked for, in a fixed order."""
    if want.clinician is not None:
        found = [want.clinician]
    else:
        found = list(
            Clinician.objects.filter(is_active=True, visit_types=want.visit_type).order_by(
                "display_name", "pk"
            )
        )
    if want.mode == Mode.IN_PERSON:
        allowed = set(
            Clinician.locations.through.objects.filter(
                location_id=want.place_id(), clinician_id__in=[c.pk for c in found]
            ).values_list("clinician_id", flat=True)
        )
        found = [clinician for clinician in found if clinician.pk in allowed]
    return found


def query_for(
    visit_type: VisitType,
    *,
    now: datetime,
    notice: timedelta | None = None,
    horizon: timedelta | None = None,
    within: tuple[datetime, datetime] | None = None,
) -> slots.SlotQuery:
    return slots.SlotQuery(
        now=now,
        duration=visit_type.duration,
        step=step(),
        horizon=horizon if horizon is not None else visit_type.horizon_days * DAY,
        notice=notice if notice is not None else timedelta(minutes=visit_type.min_notice_minutes),
        buffer_before=visit_type.buffer_before,
        buffer_after=visit_type.buffer_after,
        within=within,
    )


def calendars(
    clinicians: Sequence[Clinician],
    want: Want,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    ignore: Ignore = NOTHING,
    with_busy: bool = True,
) -> list[slots.ClinicianCalendar[int]]:
    """Each clinician's rules for this mode and place, time off, and busy time in the window."""
    ids = [clinician.pk for clinician in clinicians]
    rules: dict[int, list[slots.Rule]] = defaultdict(list)
    for rule in AvailabilityRule.objects.filter(clinician_id__in=ids):
        if rule.serves(want.mode, want.place_id()):
            rules[rule.clinician_id].append(rule.to_rule())
    off: dict[int, list[slots.Interval]] = defaultdict(list)
    for clinician_id, start, end in TimeOff.objects.filter(
        clinician_id__in=ids, start__lt=until, end__gt=since
    ).values_list("clinician_id", "start", "end"):
        off[clinician_id].append(slots.Interval(start, end))
    busy = _busy(ids, since=since, until=until, now=now, ignore=ignore) if with_busy else {}
    return [
        slots.ClinicianCalendar(
            key=clinician.pk,
            zone=clinician.time_zone,
            rules=tuple(rules[clinician.pk]),
            time_off=tuple(off[clinician.pk]),
            busy=tuple(busy.get(clinician.pk, ())),
        )
        for clinician in clinicians
    ]


def _busy(
    ids: Iterable[int], *, since: datetime, until: datetime, now: datetime, ignore: Ignore
) -> dict[int, list[slots.Interval]]:
    busy: dict[int, list[slots.Interval]] = defaultdict(list)
    appointments = (
        Appointment.objects.live()
        .filter(clinician_id__in=ids)
        .overlapping(since, until)
        .exclude(pk=ignore.appointment_id)
        .values_list("clinician_id", "busy_from", "busy_until")
    )
    holds = (
        SlotHold.objects.filter(
            clinician_id__in=ids,
            status=SlotHold.Status.OPEN,
            expires_at__gt=now,
            busy_from__lt=until,
            busy_until__gt=since,
        )
        .exclude(pk=ignore.hold_id)
        .values_list("clinician_id", "busy_from", "busy_until")
    )
    for clinician_id, start, end in [*appointments, *holds]:
        busy[clinician_id].append(slots.Interval(start, end))
    return busy


def free_times(
    want: Want,
    *,
    now: datetime,
    ignore: Ignore = NOTHING,
    notice: timedelta | None = None,
    horizon: timedelta | None = None,
    with_busy: bool = True,
    around: datetime | None = None,
) -> dict[datetime, tuple[int, ...]]:
    """Every free start for the want, in UTC and in order, with the clinicians free then.

    With around, only the starts within a day of that moment are answered, from the busy
    time those starts could touch: exact for them, and cheap, as a recheck of one start
    (and the nearest alternatives to it) needs to be.
    """
    clinicians = clinicians_for(want)
    if not clinicians:
        return {}
    within = None if around is None else (around - DAY, around + DAY)
    query = query_for(want.visit_type, now=now, notice=notice, horizon=horizon, within=within)
    since = now - query.buffer_before - query.buffer_after - DAY
    until = now + query.horizon + query.duration + query.buffer_before + query.buffer_after + DAY
    if within is not None:
        earliest, latest = within
        since = max(since, earliest - query.buffer_before)
        until = min(until, latest + query.duration + query.buffer_after)
    found = calendars(
        clinicians,
        want,
        since=since,
        until=until,
        now=now,
        ignore=ignore,
        with_busy=with_busy,
    )
    return slots.first_available(found, query)


def is_open(want: Want, start: datetime, *, now: datetime) -> bool:
    """Whether start falls in the working hours (less time off) of a clinician for the want,
    whoever is booked then: the day's rules and time off only, no visits read."""
    query = query_for(want.visit_type, now=now, notice=timedelta(0))
    since, until = start - query.buffer_before - DAY, start + query.duration + DAY
    clinicians = clinicians_for(want)
    found = calendars(clinicians, want, since=since, until=until, now=now, with_busy=False)
    return start in slots.first_available(found, query)


def by_local_day(starts: Iterable[datetime], zone: ZoneInfo) -> dict[date, list[datetime]]:
    days: dict[date, list[datetime]] = defaultdict(list)
    for start in starts:
        days[start.astimezone(zone).date()].append(start)
    return dict(days)


def next_after(
    free: dict[datetime, tuple[int, ...]], moment: datetime, *, count: int = 3
) -> list[datetime]:
    """The next free starts after moment, the alternatives offered when a time is gone."""
    later = [start for start in free if start > moment]
    earlier = [start for start in reversed(list(free)) if start < moment]
    return (later + earlier)[:count]


def active_visit_types() -> list[VisitType]:
    return list(VisitType.objects.filter(is_active=True, clinicians__is_active=True).distinct())


def locations_for(visit_type: VisitType) -> list[Location]:
    return list(
        Location.objects.filter(
            clinicians__is_active=True, clinicians__visit_types=visit_type
        ).distinct()
    )


def bookable_clinicians(want: Want) -> list[Clinician]:
    return clinicians_for(Want(want.visit_type, want.mode, want.location, None))
