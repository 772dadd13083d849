"""Booking workflows: book, cancel, reschedule, plans of care, the waitlist, marks.

Every function takes keyword arguments and an explicit ``now``, and raises
``BookingError`` with a message a patient can read. Scarce time is taken
inside ``transaction.atomic()``: the clinicians' local days it touches are
locked (PostgreSQL advisory locks; SQLite's IMMEDIATE transactions already hold
the write lock), the time is rechecked, then written. On PostgreSQL the exclusion constraint on
appointments is the last line: a write that slipped past the recheck fails
there and reads as "That time was just taken". A busy database (a deadlock, a
serialisation failure, a lock timeout) gets one more try on a fresh
transaction, then reads as "taken" too, never as a server error. Email and
queued work happen only ``on_commit``.

A visit type may ask a red-flag screen at booking (``VisitType.intake_screen``).
Its answers are stored in the same unit of work as the visit, so a try that is
rolled back takes its answers and their flag with it. A yes or not sure never
stops the booking: it flags the episode, and the pages show the advice.

A patient with a visit package for the visit type pays with one of its credits, spent
in the same unit of work as the visit (``packages.spend``); cancelling gives it back.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet

from mend.accounts.models import User
from mend.booking import packages, tasks
from mend.booking.availability import (
    DAY,
    NOTHING,
    FreeTimes,
    Ignore,
    Want,
    free_times,
    is_open,
    next_after,
)
from mend.booking.identity import verified_account
from mend.booking.models import (
    Appointment,
    CareSeries,
    Clinician,
    Location,
    Mode,
    SlotHold,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
)
from mend.care import services as care
from mend.care.models import Episode
from mend.core.db import Contended, retry_once
from mend.safety import services as safety
from mend.safety.models import ScreenResult

TAKEN = "That time was just taken."
GONE_BY = "That time has already passed."
TOO_SOON = "That time is too soon to book online."
OUTSIDE = "That time is not open for booking."
REPLAYED = "This booking was already made. Check your email for the confirmation."
NOT_CHANGEABLE = "This visit can no longer be changed."
STARTED = "This visit has already started. Please call the clinic."
BUSY = "The calendar is busy right now and this could not be saved. Please try again."
UNSCREENED = "Please answer the safety questions before booking."

T = TypeVar("T")


class BookingError(Exception):
    def __init__(self, message: str, *, alternatives: Sequence[datetime] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.alternatives = tuple(alternatives)


class SeriesConflict(BookingError):
    def __init__(self, conflicts: Sequence[datetime]) -> None:
        count = len(conflicts)
        super().__init__(f"{count} of the visits clash with other bookings. Nothing was booked.")
        self.conflicts = tuple(conflicts)


@dataclass(frozen=True, kw_only=True)
class Contact:
    name: str
    email: str
    phone: str = ""
    patient: User | None = None
    time_zone: str = "UTC"


def video_link() -> str:
    """A room nobody can guess, from the configured template (default: Jitsi Meet)."""
    return settings.MEND_VIDEO_LINK_TEMPLATE.replace("{room}", secrets.token_hex(16))


# Booking


def book(
    *,
    want: Want,
    start: datetime,
    contact: Contact,
    answers: list[dict[str, str]],
    now: datetime,
    request_key: str | None = None,
    screen_answers: Mapping[str, str] | None = None,
) -> Appointment:
    """Book a visit a patient chose; "first available" takes the first clinician free then.
    screen_answers: the answers to the visit type's safety screen, if it asks one."""
    _check_screened(want.visit_type, screen_answers)

    def take() -> Appointment:
        appointment = create_appointment(
            want=want,
            start=start,
            contact=contact,
            answers=answers,
            now=now,
            request_key=request_key,
            screen_answers=screen_answers,
        )
        _on_commit(tasks.after_booking, appointment.pk)
        return appointment

    return _taking(take, want=want, start=start, now=now)


def create_appointment(
    *,
    want: Want,
    start: datetime,
    contact: Contact,
    answers: list[dict[str, str]],
    now: datetime,
    request_key: str | None = None,
    hold: SlotHold | None = None,
    notice: timedelta | None = None,
    series: CareSeries | None = None,
    screen_answers: Mapping[str, str] | None = None,
    free: FreeTimes | None = None,
) -> Appointment:
    """The rechecked write, without email: call inside a transaction. Answers to the visit
    type's safety screen, when given, are stored and linked in the same transaction.

    Free times are computed once (or given, by a plan of care that computed them for all
    its visits): a start that is gone learns it there, without queueing, and the same
    answer gives the next free times. Under the lock of the clinicians' days, the recheck
    is one query for visits and holds overlapping this visit's span."""
    _check_want(want, start, now)
    if request_key and Appointment.objects.filter(request_key=request_key).exists():
        raise BookingError(REPLAYED)
    ignore = Ignore(hold_id=hold.pk if hold else None)
    if free is None:
        free = free_times(want, now=now, ignore=ignore, notice=notice, around=start)
    if start not in free:
        raise _unavailable(want, start, free=free, now=now, notice=notice)
    span = _span(want.visit_type, start)
    _lock(free[start], span)
    clinician_id = _first_still_free(free[start], span, now=now, ignore=ignore)
    if clinician_id is None:
        raise BookingError(TAKEN, alternatives=_others(free, start))
    episode = _episode(contact.patient, clinician_id, now=now)
    appointment = Appointment(
        clinician_id=clinician_id,
        patient=contact.patient,
        episode=episode,
        intake_screen=_intake_screen(
            want.visit_type, screen_answers, patient=contact.patient, episode=episode, now=now
        ),
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        visit_type=want.visit_type,
        mode=want.mode,
        location=want.location if want.mode == Mode.IN_PERSON else None,
        time_zone=contact.time_zone,
        intake_answers=answers,
        request_key=request_key or None,
        series=series,
        video_link=video_link() if want.mode == Mode.VIRTUAL else "",
    )
    appointment.set_times(start)
    # A credit from the patient's package pays for it, in this transaction: if the write
    # below fails, or this try is rolled back for a retry, the credit was never spent.
    appointment.paid_with = packages.spend(contact.patient, want.visit_type, now=now)
    _save(appointment, want=want, now=now, free=free)
    return appointment


def _episode(patient: User | None, clinician_id: int, *, now: datetime) -> Episode | None:
    """Booking with a clinician puts the patient in their care: the open episode, or a new one."""
    if patient is None:
        return None  # a guest: the visit is all there is, until they link it to an account
    clinician_user = Clinician.objects.only("user").get(pk=clinician_id).user
    try:
        return care.open_or_join(
            patient=patient, clinician=clinician_user, now=now, source=Episode.Source.BOOKING
        )
    except care.CareError:
        return None  # a clinician booking a visit with themselves is in nobody's care


def _check_screened(visit_type: VisitType, screen_answers: Mapping[str, str] | None) -> None:
    """A patient booking a visit type that asks a screen must answer it (a yes is fine)."""
    if screen_answers is None and visit_type.active_intake_screen() is not None:
        raise BookingError(UNSCREENED)


def _intake_screen(
    visit_type: VisitType,
    screen_answers: Mapping[str, str] | None,
    *,
    patient: User | None,
    episode: Episode | None,
    now: datetime,
) -> ScreenResult | None:
    """Store the answers to the visit type's screen; a positive answer flags the episode
    (its email goes on commit) but never stops the booking. A guest's answers are kept with
    no patient: the visit holds them."""
    screen = visit_type.active_intake_screen()
    if screen is None or screen_answers is None:
        return None
    try:
        return safety.record(
            patient=patient,
            screen=screen,
            answers=screen_answers,
            purpose=ScreenResult.Purpose.INTAKE,
            now=now,
            episode=episode,
        )
    except safety.SafetyError as error:
        # Only if the screen changed between the form and this write: the form asks again.
        raise BookingError(error.message) from None


def _check_want(want: Want, start: datetime, now: datetime) -> None:
    if not want.visit_type.is_active:
        raise BookingError("This kind of visit is not offered at the moment.")
    if not want.visit_type.allows(want.mode):
        how = {Mode.VIRTUAL: "by video", Mode.IN_PERSON: "in person"}.get(want.mode, "that way")
        raise BookingError(f"{want.visit_type.name} is not offered {how}.")
    if want.mode == Mode.IN_PERSON and want.location is None:
        raise BookingError("Please choose where you would like to be seen.")
    if start.utcoffset() is None:
        raise BookingError("That time could not be read.")
    if start <= now:
        raise BookingError(GONE_BY)


def _taking(
    take: Callable[[], T], *, want: Want, start: datetime, now: datetime, ignore: Ignore = NOTHING
) -> T:
    """Take a time; contention on both tries reads as taken, with the next free times."""
    try:
        return retry_once(take)
    except Contended:
        free = free_times(want, now=now, ignore=ignore, around=start)
        raise BookingError(TAKEN, alternatives=next_after(free, start)) from None


def _changing(change: Callable[[], T]) -> T:
    try:
        return retry_once(change)
    except Contended:
        raise BookingError(BUSY) from None


def _span(visit_type: VisitType, start: datetime) -> tuple[datetime, datetime]:
    """The visit at start widened by its buffers: the time no other visit may touch."""
    end = start + visit_type.duration
    return start - visit_type.buffer_before, end + visit_type.buffer_after


# The advisory-lock keys of one clinician-day: a namespace ("Mend" booking) in the top bits.
_LOCK_SPACE = 0x6D62 << 48


def _day_keys(clinician: Clinician, span: tuple[datetime, datetime]) -> set[int]:
    """The clinician's local days the span touches (two when it crosses midnight)."""
    first, last = (moment.astimezone(clinician.zone).date() for moment in span)
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return {_LOCK_SPACE | (clinician.pk << 20) | day.toordinal() for day in days}


def _lock(clinicians: Iterable[Clinician | int], *spans: tuple[datetime, datetime]) -> None:
    """Serialise the writers of each clinician's days that the spans touch (PostgreSQL), in
    one order so two never deadlock. Two visits that overlap share an instant, so they
    share the local day of that instant: their writers queue, while bookings on the
    clinician's other days go on. On SQLite each transaction holds the database's write
    lock from its start, which already lets one writer in at a time."""
    if connection.vendor != "postgresql" or not spans:
        return
    ids = [item if isinstance(item, int) else item.pk for item in clinicians]
    found = Clinician.objects.only("pk", "time_zone").filter(pk__in=ids)
    keys: set[int] = set()
    for clinician in found:
        for span in spans:
            keys |= _day_keys(clinician, span)
    with connection.cursor() as cursor:
        for key in sorted(keys):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _first_still_free(
    candidates: Sequence[int], span: tuple[datetime, datetime], *, now: datetime, ignore: Ignore
) -> int | None:
    """Under the lock: the first of the clinicians free at start when we looked, in that
    order, whom no visit or open hold written since then overlaps."""
    busy_from, busy_until = span
    visits = (
        Appointment.objects.live()
        .filter(clinician_id__in=candidates)
        .overlapping(busy_from, busy_until)
        .exclude(pk=ignore.appointment_id)
        .values_list("clinician_id", flat=True)
    )
    holds = (
        SlotHold.objects.filter(
            clinician_id__in=candidates,
            status=SlotHold.Status.OPEN,
            expires_at__gt=now,
            busy_from__lt=busy_until,
            busy_until__gt=busy_from,
        )
        .exclude(pk=ignore.hold_id)
        .values_list("clinician_id", flat=True)
    )
    taken = {*visits, *holds}
    return next((pk for pk in candidates if pk not in taken), None)


def _others(free: FreeTimes, start: datetime) -> list[datetime]:
    """The next free times to offer instead of start, from free times already computed."""
    return next_after({moment: who for moment, who in free.items() if moment != start}, start)


def _save(
    appointment: Appointment,
    *,
    want: Want,
    now: datetime,
    fields: Any = None,
    free: FreeTimes | None = None,
) -> None:
    try:
        with transaction.atomic():
            appointment.save(update_fields=fields)
    except IntegrityError as error:
        if "request_key" in str(error):
            raise BookingError(REPLAYED) from None
        if "appointment_no_overlap" not in str(error):
            raise
        # The exclusion constraint: someone else's write won after our recheck.
        if free is None:
            free = free_times(
                want,
                now=now,
                ignore=Ignore(appointment_id=appointment.pk),
                around=appointment.start,
            )
        raise BookingError(TAKEN, alternatives=_others(free, appointment.start)) from None


def _unavailable(
    want: Want,
    start: datetime,
    *,
    free: FreeTimes,
    now: datetime,
    notice: timedelta | None,
) -> BookingError:
    """Why a start is not free: taken by someone, too soon, or never open at all. The next
    free times come from free; whether start is open at all asks only the working hours
    and time off of that day (no visits are read)."""
    alternatives = _others(free, start)
    if not is_open(want, start, now=now):
        return BookingError(OUTSIDE, alternatives=alternatives)
    minimum = (
        notice if notice is not None else timedelta(minutes=want.visit_type.min_notice_minutes)
    )
    if start < now + minimum:
        return BookingError(TOO_SOON, alternatives=alternatives)
    return BookingError(TAKEN, alternatives=alternatives)


def _on_commit(function: Callable[..., Any], *args: Any) -> None:
    # Robust: the booking is stored whatever happens to the queue; a failure is logged.
    transaction.on_commit(lambda: function(*args), robust=True)


# Cancelling and moving


def late_change_message(appointment: Appointment) -> str:
    """What a patient reads when their visit is inside its cancellation window."""
    hours = appointment.visit_type.cancellation_window_hours
    phone, email = appointment.clinic_phone(), settings.MEND_PRACTICE_EMAIL
    reach = f"call the clinic on {phone} or email {email}" if phone else f"email {email}"
    return (
        f"Your visit is less than {hours} hours away, so it can no longer be cancelled or "
        f"moved online. To change it, please {reach}."
    )


def _check_not_late(appointment: Appointment, *, by: str, now: datetime) -> None:
    """Inside the window only the clinic (its clinician, or staff) changes a visit."""
    if by != Appointment.CancelledBy.CLINIC and appointment.inside_cancellation_window(now):
        raise BookingError(late_change_message(appointment))


def cancel(appointment: Appointment, *, by: str, reason: str, now: datetime) -> Appointment:
    """Cancel a booked visit. by: "patient" (refused inside the cancellation window) or
    "clinic" (its clinician or staff, who may cancel until it starts)."""
    if appointment.status == Appointment.Status.CANCELLED:
        raise BookingError("This visit is already cancelled.")
    if appointment.status != Appointment.Status.BOOKED:
        raise BookingError(NOT_CHANGEABLE)
    if appointment.has_started(now):
        raise BookingError(STARTED)
    _check_not_late(appointment, by=by, now=now)

    booked = Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.BOOKED)
    if by != Appointment.CancelledBy.CLINIC:  # it may have moved into the window meanwhile
        window = timedelta(hours=appointment.visit_type.cancellation_window_hours)
        booked = booked.filter(start__gte=now + window)

    def change() -> Appointment:
        changed = booked.update(
            status=Appointment.Status.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
            cancellation_reason=reason.strip(),
            sequence=F("sequence") + 1,
            updated_at=now,
        )
        if not changed:
            appointment.refresh_from_db()
            if appointment.status == Appointment.Status.BOOKED:
                raise BookingError(late_change_message(appointment))
            raise BookingError("This visit is already cancelled.")
        # Once, with the compare-and-set: a late cancellation may forfeit the credit.
        packages.give_back(appointment, late=appointment.inside_cancellation_window(now))
        appointment.refresh_from_db()
        _on_commit(tasks.after_cancellation, appointment.pk)
        return appointment

    return _changing(change)


def reschedule(
    appointment: Appointment,
    *,
    start: datetime,
    now: datetime,
    by: str = Appointment.CancelledBy.PATIENT,
) -> Appointment:
    """Move a visit: the new time is taken and the old one freed in one transaction.

    The visit keeps its UID, video link and manage link; its SEQUENCE goes up, so
    calendar apps move the event instead of adding a second one. A patient cannot move
    it inside its cancellation window; the clinic (by="clinic") can.
    """
    if not appointment.is_changeable(now):
        raise BookingError(STARTED if appointment.has_started(now) else NOT_CHANGEABLE)
    _check_not_late(appointment, by=by, now=now)
    if start == appointment.start:
        raise BookingError("That is already the time of your visit.")
    want = Want(
        appointment.visit_type, appointment.mode, appointment.location, appointment.clinician
    )
    _check_want(want, start, now)
    ignore = Ignore(appointment_id=appointment.pk)

    def take() -> Appointment:
        _lock([appointment.clinician], _span(appointment.visit_type, start))
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if not current.is_changeable(now):
            raise BookingError(NOT_CHANGEABLE)
        _check_not_late(current, by=by, now=now)
        free = free_times(want, now=now, ignore=ignore, around=start)
        if start not in free:
            raise _unavailable(want, start, free=free, now=now, notice=None)
        old_start = current.start
        current.set_times(start)
        current.sequence += 1
        current.updated_at = now
        fields = ["start", "end", "busy_from", "busy_until", "sequence", "updated_at"]
        _save(current, want=want, now=now, fields=fields, free=free)
        _on_commit(tasks.after_reschedule, current.pk, current.clinician_id, old_start.isoformat())
        return current

    return _taking(take, want=want, start=start, now=now, ignore=ignore)


def mark(appointment: Appointment, *, status: str, now: datetime) -> Appointment:
    """Record how a visit went: completed or no-show, correctable between the two."""
    done = {Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW}
    if status not in done:
        raise BookingError("Choose completed or no-show.")
    if not appointment.has_started(now):
        raise BookingError("A visit can be marked once it has started.")
    changed = _changing(
        lambda: (
            Appointment.objects.filter(
                pk=appointment.pk, status__in=[Appointment.Status.BOOKED, *done]
            )
            .exclude(status=status)
            .update(status=status, updated_at=now)
        )
    )
    if not changed:
        raise BookingError("This visit is cancelled or already marked that way.")
    appointment.refresh_from_db()
    return appointment


def link_to_account(appointment: Appointment, *, email: str, now: datetime) -> User:
    """Attach a guest booking to the account that proved the address it was made with."""
    if appointment.email.lower() != email.lower():
        raise BookingError("This link is not for this visit.")
    user = verified_account(email)
    if user is None:
        raise BookingError("There is no account with a confirmed address for this email.")
    with transaction.atomic():
        episode = _episode(user, appointment.clinician_id, now=now)
        Appointment.objects.filter(pk=appointment.pk, patient__isnull=True).update(
            patient=user, episode=episode
        )
        appointment.refresh_from_db()
        if appointment.patient_id != user.pk:
            raise BookingError("This visit already belongs to an account.")
    return user


# Plans of care


@dataclass(frozen=True)
class Occurrence:
    requested: datetime
    free: bool
    alternatives: tuple[datetime, ...] = ()


def series_starts(
    *, first_day: date, at: time, weekdays: Sequence[int], weeks: int, zone: ZoneInfo
) -> list[datetime]:
    """The wall-clock time at on the weekdays of weeks weeks from first_day, in UTC."""
    monday = first_day - timedelta(days=first_day.weekday())
    days = sorted(
        day
        for week in range(weeks)
        for weekday in set(weekdays)
        if (day := monday + timedelta(weeks=week, days=weekday)) >= first_day
    )
    return [datetime.combine(day, at, tzinfo=zone).astimezone(ZoneInfo("UTC")) for day in days]


def plan_series(*, want: Want, starts: Sequence[datetime], now: datetime) -> list[Occurrence]:
    """Check each visit of a plan; for a clash, the nearest free times that day (or after)."""
    free = _series_free(want, starts, now=now)
    zone = want.clinician.zone if want.clinician else ZoneInfo("UTC")
    plan = []
    for start in starts:
        if start in free and start > now:
            plan.append(Occurrence(start, True))
            continue
        day = start.astimezone(zone).date()
        same_day = sorted(
            (moment for moment in free if moment.astimezone(zone).date() == day),
            key=lambda moment: abs(moment - start),
        )
        plan.append(Occurrence(start, False, tuple(same_day[:4] or next_after(free, start))))
    return plan


def _series_free(
    want: Want, starts: Sequence[datetime], *, now: datetime
) -> dict[datetime, tuple[int, ...]]:
    # A clinician booking a plan is not bound by the notice and horizon patients see.
    horizon = max([*starts, now]) - now + 2 * DAY
    return free_times(want, now=now, notice=timedelta(0), horizon=horizon)


def book_series(
    *, want: Want, starts: Sequence[datetime], contact: Contact, now: datetime
) -> CareSeries:
    """Store a plan of care all or nothing; any clash rolls every visit back."""
    if want.clinician is None or not starts:
        raise BookingError("A plan needs a clinician and at least one visit.")
    for start in starts:
        _check_want(want, start, now)
    ordered = sorted(starts)

    def take() -> CareSeries:
        assert want.clinician is not None
        _lock([want.clinician], *(_span(want.visit_type, start) for start in ordered))
        free = _series_free(want, ordered, now=now)
        conflicts = [start for start in ordered if start not in free]
        conflicts += _clashing_within(want.visit_type, ordered)
        if conflicts:
            raise SeriesConflict(sorted(set(conflicts)))
        series = CareSeries.objects.create(
            clinician=want.clinician,
            visit_type=want.visit_type,
            name=contact.name,
            email=contact.email,
            patient=contact.patient,
        )
        for start in ordered:
            try:
                create_appointment(
                    want=want,
                    start=start,
                    contact=contact,
                    answers=[],
                    now=now,
                    notice=timedelta(0),
                    series=series,
                    free=free,
                )
            except BookingError:
                raise SeriesConflict([start]) from None
        _on_commit(tasks.after_series, series.pk)
        return series

    return _changing(take)


def _clashing_within(visit_type: VisitType, ordered: Sequence[datetime]) -> list[datetime]:
    """Visits of the plan that would touch the one before them, buffers included."""
    reach = visit_type.duration + visit_type.buffer_after + visit_type.buffer_before
    return [later for earlier, later in itertools.pairwise(ordered) if later - earlier < reach]


# The waitlist


def join_waitlist(
    *,
    visit_type: VisitType,
    clinician: Clinician | None,
    mode: str,
    location: Location | None,
    weekdays: Sequence[int],
    earliest: time | None,
    latest: time | None,
    contact: Contact,
) -> WaitlistEntry:
    if mode and not visit_type.allows(mode):
        raise BookingError(f"{visit_type.name} is not offered that way.")
    if earliest and latest and earliest > latest:
        raise BookingError("The earliest time must come before the latest.")
    waiting = WaitlistEntry.objects.filter(
        email__iexact=contact.email, visit_type=visit_type, status=WaitlistEntry.Status.WAITING
    )
    if waiting.exists():
        raise BookingError("You are already on the waitlist for this kind of visit.")
    return WaitlistEntry.objects.create(
        visit_type=visit_type,
        clinician=clinician,
        mode=mode,
        location=location if mode == Mode.IN_PERSON else None,
        weekdays=sorted(set(weekdays)),
        earliest=earliest,
        latest=latest,
        time_zone=contact.time_zone,
        name=contact.name,
        email=contact.email,
        patient=contact.patient,
    )


def offer_freed_time(*, clinician_id: int, start: datetime, now: datetime) -> SlotHold | None:
    """Hold a freed time for the first waiting patients it suits, in the order they joined."""
    return retry_once(lambda: _hold_for_waitlist(clinician_id=clinician_id, start=start, now=now))


def _hold_for_waitlist(*, clinician_id: int, start: datetime, now: datetime) -> SlotHold | None:
    clinician = Clinician.objects.select_for_update().filter(pk=clinician_id).first()
    if clinician is None or start <= now:
        return None
    open_holds = SlotHold.objects.filter(
        clinician=clinician, start=start, status=SlotHold.Status.OPEN, expires_at__gt=now
    )
    if open_holds.exists():
        return None
    chosen, want = _waiting_for(clinician, start, now=now)
    if want is None:
        return None
    hold = SlotHold(
        clinician=clinician,
        visit_type=want.visit_type,
        mode=want.mode,
        location=want.location,
        start=start,
        end=start + want.visit_type.duration,
        busy_from=start - want.visit_type.buffer_before,
        busy_until=start + want.visit_type.duration + want.visit_type.buffer_after,
        expires_at=now + timedelta(minutes=settings.MEND_BOOKING_HOLD_MINUTES),
    )
    hold.save()
    for entry in chosen:
        WaitlistOffer.objects.create(hold=hold, entry=entry)
    _on_commit(tasks.after_hold, hold.pk)
    return hold


def _waiting_for(
    clinician: Clinician, start: datetime, *, now: datetime
) -> tuple[list[WaitlistEntry], Want | None]:
    offered = WaitlistOffer.objects.filter(hold__clinician=clinician, hold__start=start)
    entries = (
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING)
        .filter(Q(clinician=clinician) | Q(clinician__isnull=True))
        .filter(visit_type__in=clinician.visit_types.all())
        .exclude(pk__in=offered.values("entry_id"))
        .select_related("visit_type", "location")
    )
    chosen: list[WaitlistEntry] = []
    want: Want | None = None
    for entry in entries:
        if not entry.wants(start):
            continue
        if want is None:
            want = _fitting_want(entry, clinician, start, now=now)
            if want is None:
                continue
        elif entry.visit_type_id != want.visit_type.pk or not _accepts(entry, want):
            continue
        chosen.append(entry)
        if len(chosen) >= settings.MEND_BOOKING_WAITLIST_OFFERS:
            break
    return chosen, want


def _fitting_want(
    entry: WaitlistEntry, clinician: Clinician, start: datetime, *, now: datetime
) -> Want | None:
    modes = [entry.mode] if entry.mode else entry.visit_type.modes()
    for mode in modes:
        if mode == Mode.VIRTUAL:
            places: list[Location | None] = [None]
        else:
            places = [entry.location] if entry.location else list(clinician.locations.all())
        for place in places:
            want = Want(entry.visit_type, mode, place, clinician)
            if start in free_times(want, now=now, around=start):
                return want
    return None


def _accepts(entry: WaitlistEntry, want: Want) -> bool:
    if entry.mode and entry.mode != want.mode:
        return False
    return want.mode == Mode.VIRTUAL or entry.location is None or entry.location == want.location


def claim_offer(
    offer: WaitlistOffer,
    *,
    contact: Contact,
    answers: list[dict[str, str]],
    now: datetime,
    screen_answers: Mapping[str, str] | None = None,
) -> Appointment:
    """The first offered patient to claim the held time books it; the others are told."""
    held = offer.hold
    want = Want(held.visit_type, held.mode, held.location, held.clinician)
    _check_screened(want.visit_type, screen_answers)

    def take() -> Appointment:
        _lock([held.clinician], (held.busy_from, held.busy_until))
        hold = SlotHold.objects.select_for_update().get(pk=offer.hold_id)
        if hold.status == SlotHold.Status.CLAIMED:
            raise BookingError("Someone else on the waitlist took this time first.")
        if not hold.is_open(now):
            raise BookingError("This offer has expired.")
        appointment = create_appointment(
            want=want,
            start=hold.start,
            contact=contact,
            answers=answers,
            now=now,
            hold=hold,
            notice=timedelta(0),
            screen_answers=screen_answers,
        )
        SlotHold.objects.filter(pk=hold.pk).update(status=SlotHold.Status.CLAIMED)
        WaitlistEntry.objects.filter(pk=offer.entry_id).update(status=WaitlistEntry.Status.BOOKED)
        _on_commit(tasks.after_booking, appointment.pk)
        return appointment

    return _taking(take, want=want, start=held.start, now=now, ignore=Ignore(hold_id=held.pk))


def lapse_hold(*, hold_id: int, now: datetime) -> SlotHold | None:
    """An unclaimed hold ends; the time goes to the next waiting patients, if any."""
    hold = SlotHold.objects.filter(pk=hold_id).first()
    if hold is None:
        return None

    def lapse() -> int:
        _lock([hold.clinician], (hold.busy_from, hold.busy_until))
        return SlotHold.objects.filter(
            pk=hold.pk, status=SlotHold.Status.OPEN, expires_at__lte=now
        ).update(status=SlotHold.Status.LAPSED)

    if not retry_once(lapse):
        return None
    return offer_freed_time(clinician_id=hold.clinician_id, start=hold.start, now=now)


# Manage links


def revoke_manage_links(appointments: QuerySet[Appointment], *, now: datetime) -> int:
    """Withdraw the manage links of these visits (e.g. a patient's, when their data is
    erased): the links, already emailed, then find no visit. Returns how many changed."""
    return appointments.filter(manage_revoked_at__isnull=True).update(
        manage_revoked_at=now, updated_at=now
    )


# Calendar feed


def create_feed(clinician: Clinician) -> str:
    """A new private feed address; any earlier one stops working."""
    clinician.feed_key = secrets.token_urlsafe(24)
    clinician.save(update_fields=["feed_key"])
    return clinician.feed_token()


def revoke_feed(clinician: Clinician) -> None:
    clinician.feed_key = ""
    clinician.save(update_fields=["feed_key"])
