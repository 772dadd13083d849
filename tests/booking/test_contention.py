"""A busy database never reaches the patient as a server error.

PostgreSQL can abort a booking's transaction with a deadlock, a serialisation
failure or a lock timeout; SQLite can say "database is locked". Each write
path of booking retries once on a fresh transaction, and if the database is
still busy says so in words (a booking: "That time was just taken", with the
next free times). Here the database is made to raise those errors for real on
PostgreSQL (a statement that raises the error's SQLSTATE, run on the booking's
own connection just before its write); SQLite has no way to raise its busy
error on demand, so there the driver's error is raised in the same place.

These tests run outside a test transaction, as requests do: a retry needs
the outermost transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import Client

from mend.accounts.models import User
from mend.booking import services
from mend.booking.availability import Want
from mend.booking.models import (
    Appointment,
    CareSeries,
    Clinician,
    Mode,
    PackagePurchase,
    SlotHold,
    VisitPackage,
    VisitType,
    WaitlistOffer,
)
from mend.core.db import Contended, is_contention, retry_once

from .conftest import NOW, iso, ny

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLOT = ny(6, 16, 10)  # Tuesday 10:00 in New York
DEADLOCK, SERIALIZATION, LOCK_TIMEOUT, QUERY_CANCELED = "40P01", "40001", "55P03", "57014"


def _raise_on_the_database(execute: Callable[..., Any], code: str, context: Any) -> None:
    if connection.vendor == "postgresql":
        # A real error from the server, through the driver and Django's wrapping.
        execute(
            f"DO $$ BEGIN RAISE EXCEPTION 'busy, as forced by a test' USING ERRCODE = '{code}'; "
            "END $$",
            None,
            False,
            context,
        )
    message = "database is locked" if code != QUERY_CANCELED else "interrupted"
    raise OperationalError(message) from sqlite3.OperationalError(message)


@contextmanager
def busy(times: int, *, code: str = DEADLOCK, table: str = "booking_appointment") -> Iterator[None]:
    """The next `times` writes to table fail with the database error `code`."""
    left = [times]

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        writes = sql.lstrip().upper().startswith(("INSERT", "UPDATE"))
        if left[0] and writes and f'"{table}"' in sql:
            left[0] -= 1
            _raise_on_the_database(execute, code, context)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert left == [0], "the forced error was never reached"


def contact(email: str = "jo@mail.example") -> services.Contact:
    return services.Contact(name="Jo Patient", email=email, time_zone="America/New_York")


def book(visit_type: VisitType, clinician: Clinician, start: datetime = SLOT) -> Appointment:
    return services.book(
        want=Want(visit_type, Mode.VIRTUAL, None, clinician),
        start=start,
        contact=contact(),
        answers=[],
        now=NOW,
    )


# The helper


@pytest.mark.parametrize("code", [DEADLOCK, SERIALIZATION, LOCK_TIMEOUT])
def test_contention_is_recognised(code: str) -> None:
    with pytest.raises(OperationalError) as raised, busy(1, code=code), transaction.atomic():
        Appointment.objects.update(name="x")  # an UPDATE of the table, even of no rows

    assert is_contention(raised.value)


def test_other_database_errors_are_not_retried_or_hidden(
    follow_up: VisitType, ana: Clinician
) -> None:
    with pytest.raises(OperationalError) as raised, busy(1, code=QUERY_CANCELED):
        book(follow_up, ana)

    assert not is_contention(raised.value)
    assert not Appointment.objects.exists()


def test_inside_an_outer_transaction_one_try_and_the_outer_one_stays_usable() -> None:
    tries = []

    def work() -> None:
        tries.append(1)
        Appointment.objects.update(name="x")

    with transaction.atomic():
        with pytest.raises(Contended), busy(1):
            retry_once(work)
        assert Appointment.objects.count() == 0  # no "current transaction is aborted"

    assert len(tries) == 1


# Booking


@pytest.mark.parametrize("code", [DEADLOCK, SERIALIZATION, LOCK_TIMEOUT])
def test_booking_retries_once_and_books_once(
    code: str, frozen: datetime, follow_up: VisitType, ana: Clinician, mailbox: list[Any]
) -> None:
    with busy(1, code=code):
        appointment = book(follow_up, ana)

    assert Appointment.objects.get().pk == appointment.pk
    assert [message.to for message in mailbox] == [["jo@mail.example"]]  # one confirmation


def _package_credit(patient: User, visit_type: VisitType) -> PackagePurchase:
    package = VisitPackage.objects.create(name="6 follow-ups", visits=6, price=Decimal(400))
    package.visit_types.add(visit_type)
    return PackagePurchase.objects.create(
        package=package, patient=patient, visits=6, remaining=6, paid_at=NOW,
        expires_at=NOW + timedelta(days=180),
    )  # fmt: skip


def _book_as(patient: User, visit_type: VisitType, clinician: Clinician) -> Appointment:
    return services.book(
        want=Want(visit_type, Mode.VIRTUAL, None, clinician),
        start=SLOT,
        contact=services.Contact(name="Pat", email=patient.email, patient=patient),
        answers=[],
        now=NOW,
    )


def test_a_retried_booking_spends_one_credit(
    frozen: datetime, follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    """The first try spends a credit, then its write meets a deadlock: the retry's rollback
    takes the spent credit with it, and the second try spends one."""
    credit = _package_credit(patient, follow_up)
    with busy(1):
        appointment = _book_as(patient, follow_up, ana)

    credit.refresh_from_db()
    assert appointment.paid_with_id == credit.pk
    assert credit.remaining == 5


def test_a_booking_still_busy_spends_no_credit(
    frozen: datetime, follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    credit = _package_credit(patient, follow_up)
    with pytest.raises(services.BookingError, match="just taken"), busy(2):
        _book_as(patient, follow_up, ana)

    credit.refresh_from_db()
    assert credit.remaining == 6
    assert not Appointment.objects.exists()


def test_booking_still_busy_says_taken_with_next_times_and_stores_nothing(
    frozen: datetime, follow_up: VisitType, ana: Clinician, mailbox: list[Any]
) -> None:
    with pytest.raises(services.BookingError) as raised, busy(2):
        book(follow_up, ana)

    assert raised.value.message == services.TAKEN
    assert raised.value.alternatives
    assert all(moment > SLOT for moment in raised.value.alternatives)
    assert not Appointment.objects.exists()
    assert mailbox == []


def test_the_booking_page_answers_409_with_next_times_never_500(
    client: Client, frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    data = {
        "visit": "follow-up",
        "mode": "virtual",
        "clinician": str(ana.pk),
        "tz": "America/Chicago",
        "date": "2026-06-16",
        "start": iso(SLOT),
        "request_key": "b" * 32,
        "name": "Jo Guest",
        "email": "jo@mail.example",
        "phone": "",
        "intake_0": "",
    }
    with busy(2):
        response = client.post("/book/details/", data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "That time was just taken." in html
    assert f'value="{iso(SLOT + timedelta(minutes=45))}"' in html  # the next free time
    assert not Appointment.objects.exists()


def test_rescheduling_retries_once_and_moves_once(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    appointment = book(follow_up, ana)

    with busy(1):
        services.reschedule(appointment, start=SLOT + timedelta(hours=2), now=NOW)

    appointment.refresh_from_db()
    assert (appointment.start, appointment.sequence) == (SLOT + timedelta(hours=2), 1)


def test_rescheduling_still_busy_says_taken_and_keeps_the_old_time(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    appointment = book(follow_up, ana)

    with pytest.raises(services.BookingError, match="just taken"), busy(2):
        services.reschedule(appointment, start=SLOT + timedelta(hours=2), now=NOW)

    appointment.refresh_from_db()
    assert (appointment.start, appointment.sequence) == (SLOT, 0)


def plan(visit_type: VisitType, clinician: Clinician) -> CareSeries:
    return services.book_series(
        want=Want(visit_type, Mode.VIRTUAL, None, clinician),
        starts=[SLOT, SLOT + timedelta(days=2), SLOT + timedelta(days=7)],
        contact=contact(),
        now=NOW,
    )


def test_a_plan_retries_once_and_is_stored_whole(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    with busy(1):
        series = plan(follow_up, ana)

    assert CareSeries.objects.get() == series
    assert Appointment.objects.filter(series=series).count() == 3


def test_a_plan_still_busy_stores_nothing_and_says_try_again(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    with pytest.raises(services.BookingError) as raised, busy(2):
        plan(follow_up, ana)

    assert raised.value.message == services.BUSY
    assert not CareSeries.objects.exists()
    assert not Appointment.objects.exists()


@pytest.fixture
def offer(frozen: datetime, follow_up: VisitType, ana: Clinician) -> WaitlistOffer:
    entry = services.join_waitlist(
        visit_type=follow_up,
        clinician=ana,
        mode="",
        location=None,
        weekdays=(),
        earliest=None,
        latest=None,
        contact=contact("waiting@mail.example"),
    )
    services.cancel(book(follow_up, ana), by="patient", reason="", now=NOW)
    return entry.offers.get()


def test_claiming_an_offer_retries_once(offer: WaitlistOffer) -> None:
    with busy(1):
        appointment = services.claim_offer(
            offer, contact=contact("waiting@mail.example"), answers=[], now=NOW
        )

    assert appointment.email == "waiting@mail.example"
    assert SlotHold.objects.get().status == SlotHold.Status.CLAIMED


def test_claiming_still_busy_says_taken_and_keeps_the_hold_open(
    offer: WaitlistOffer,
) -> None:
    with pytest.raises(services.BookingError, match="just taken"), busy(2):
        services.claim_offer(offer, contact=contact("waiting@mail.example"), answers=[], now=NOW)

    assert SlotHold.objects.get().status == SlotHold.Status.OPEN
    assert not Appointment.objects.filter(status=Appointment.Status.BOOKED).exists()


def test_cancelling_retries_once(frozen: datetime, follow_up: VisitType, ana: Clinician) -> None:
    appointment = book(follow_up, ana)

    with busy(1):
        services.cancel(appointment, by="patient", reason="Away", now=NOW)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_cancelling_still_busy_says_try_again_and_keeps_the_visit(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    appointment = book(follow_up, ana)

    with pytest.raises(services.BookingError) as raised, busy(2):
        services.cancel(appointment, by="patient", reason="Away", now=NOW)

    assert raised.value.message == services.BUSY
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_marking_still_busy_says_try_again(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    appointment = book(follow_up, ana)
    later = SLOT + timedelta(hours=1)

    with pytest.raises(services.BookingError) as raised, busy(2):
        services.mark(appointment, status=Appointment.Status.COMPLETED, now=later)

    assert raised.value.message == services.BUSY
    with busy(1):
        services.mark(appointment, status=Appointment.Status.COMPLETED, now=later)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED


# A real lock timeout (PostgreSQL): another writer holds the lock of the clinician's day


@contextmanager
def holding_the_day(clinician: Clinician, start: datetime) -> Iterator[None]:
    """Another transaction holds the lock of the clinician's local day of start, and keeps
    it while the block runs; this connection gives up on a lock after 100 ms."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: lock_timeout and advisory locks")
    locked, release = threading.Event(), threading.Event()

    def hold_the_day() -> None:
        try:
            with transaction.atomic():
                services._lock([clinician], (start, start + timedelta(minutes=30)))
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_day)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '100ms'")
        yield
        with connection.cursor() as cursor:  # still held by the other transaction
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def test_a_lock_held_past_the_timeout_reads_as_taken(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    with holding_the_day(ana, SLOT), pytest.raises(services.BookingError) as raised:
        book(follow_up, ana)

    assert raised.value.message == services.TAKEN
    assert not Appointment.objects.exists()
    assert book(follow_up, ana).start == SLOT  # once the other writer is done, it books


def test_a_booking_on_another_day_does_not_wait_for_the_held_day(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    """Tuesday's lock is held; Wednesday's booking of the same clinician needs only
    Wednesday's, so it is stored while Tuesday's is held (waiting even 100 ms would fail)."""
    wednesday = SLOT + timedelta(days=1)
    with holding_the_day(ana, SLOT):
        appointment = book(follow_up, ana, wednesday)

    assert Appointment.objects.get().pk == appointment.pk
    assert appointment.start == wednesday


def test_a_plan_touching_the_held_day_waits_for_it(
    frozen: datetime, follow_up: VisitType, ana: Clinician
) -> None:
    contact_ = services.Contact(name="Jo Patient", email="jo@mail.example")
    starts = [SLOT + timedelta(days=1), SLOT + timedelta(days=7)]  # Wednesday, next Tuesday
    with holding_the_day(ana, SLOT + timedelta(days=7)), pytest.raises(services.BookingError):
        services.book_series(
            want=Want(follow_up, Mode.VIRTUAL, None, ana), starts=starts, contact=contact_,
            now=NOW,
        )  # fmt: skip

    assert not CareSeries.objects.exists()
