"""Racing bookings on PostgreSQL: first that the race is real, then that the guards hold.

The guards, from the outside in: the booking service locks the clinicians'
days the visit touches and rechecks the time inside its transaction; under it, the exclusion
constraint refuses any two live visits of one clinician whose buffered spans
overlap. Each test lets threads reach the dangerous moment together (a
barrier), each on its own connection.

The tests assert what must hold whatever order the scheduler picks: no two
live visits of a clinician overlap, exactly one winner where one time is
raced, and every other attempt ends in a named, expected error. How many of
several different times get booked is the scheduler's choice, not asserted.
Without the service's lock, PostgreSQL may answer concurrent inserts checked
against one exclusion constraint with "deadlock detected" instead of the
constraint's error: on the unguarded path that is one of the expected ends.

On SQLite these tests are skipped: there, a transaction takes the database's
write lock when it begins (``transaction_mode = "IMMEDIATE"``), so writers
queue one behind the other and a recheck cannot be raced.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from psycopg import errors as pg

from mend.booking import services
from mend.booking.availability import Want, free_times
from mend.booking.models import Appointment, Clinician, Mode, VisitType

from .conftest import NOW, ny

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLOT = ny(6, 16, 10)  # Tuesday 10:00 in New York
CONSTRAINT = "appointment_no_overlap"


@pytest.fixture(autouse=True)
def postgresql_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only: its exclusion constraint and row locks are what is raced here; "
            "SQLite's IMMEDIATE transactions let only one writer in at a time. "
            "Run with DATABASE_URL=postgres://…"
        )


def race(count: int, attempt: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run attempt(index, barrier) in count threads; each result or the exception it raised."""
    barrier = threading.Barrier(count, timeout=60)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = attempt(index, barrier)
        except Exception as error:  # the outcome under test, whatever it is
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def refused_by_the_constraint(result: Any) -> bool:
    """The constraint's own error, or a deadlock between two inserts it was checking."""
    if isinstance(result, IntegrityError):
        return CONSTRAINT in str(result)
    return isinstance(result, OperationalError) and isinstance(
        result.__cause__, pg.DeadlockDetected
    )


def unexpected(results: list[Any], *expected: type) -> list[Any]:
    return [result for result in results if not isinstance(result, expected)]


def naive_insert(
    visit_type: VisitType, clinician: Clinician, start: datetime
) -> Callable[..., Any]:
    """Check then write with no lock and no recheck: the mistake the guards exist for."""

    def attempt(index: int, barrier: threading.Barrier) -> Appointment:
        want = Want(visit_type, Mode.VIRTUAL, None, clinician)
        looks_free = start in free_times(want, now=NOW)
        barrier.wait()  # everyone has looked; now everyone writes
        assert looks_free
        appointment = Appointment(
            clinician=clinician,
            visit_type=visit_type,
            mode=Mode.VIRTUAL,
            name=f"Racer {index}",
            email=f"racer{index}@mail.example",
        )
        appointment.set_times(start)
        with transaction.atomic():
            appointment.save()
        return appointment

    return attempt


@pytest.fixture
def without_constraint() -> Iterator[None]:
    constraint = next(c for c in Appointment._meta.constraints if c.name == CONSTRAINT)
    with connection.schema_editor() as editor:
        editor.remove_constraint(Appointment, constraint)
    try:
        yield
    finally:
        Appointment.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Appointment, constraint)


def test_without_any_guard_the_race_double_books(
    without_constraint: None, follow_up: VisitType, ana: Clinician
) -> None:
    results = race(10, naive_insert(follow_up, ana, SLOT))

    assert all(isinstance(result, Appointment) for result in results)
    assert Appointment.objects.filter(clinician=ana, start=SLOT).count() == 10


def test_the_exclusion_constraint_alone_lets_one_through(
    follow_up: VisitType, ana: Clinician
) -> None:
    results = race(10, naive_insert(follow_up, ana, SLOT))

    winners = [result for result in results if isinstance(result, Appointment)]
    losers = [result for result in results if not isinstance(result, Appointment)]
    assert len(winners) == 1, results
    assert all(refused_by_the_constraint(error) for error in losers), losers
    assert Appointment.objects.count() == 1


def test_the_constraint_is_there_and_covers_buffers(follow_up: VisitType, ana: Clinician) -> None:
    first = Appointment(clinician=ana, visit_type=follow_up, mode=Mode.VIRTUAL, name="A",
                        email="a@mail.example")  # fmt: skip
    first.set_times(SLOT)
    first.save()
    second = Appointment(clinician=ana, visit_type=follow_up, mode=Mode.VIRTUAL, name="B",
                         email="b@mail.example")  # fmt: skip
    second.set_times(SLOT + timedelta(minutes=30))  # starts inside the first's 10-minute buffer

    with pytest.raises(IntegrityError, match=CONSTRAINT), transaction.atomic():
        second.save()

    second.set_times(SLOT + timedelta(minutes=40))  # just clear of it: touching is fine
    second.save()
    Appointment.objects.filter(pk=first.pk).update(status=Appointment.Status.CANCELLED)
    third = Appointment(clinician=ana, visit_type=follow_up, mode=Mode.VIRTUAL, name="C",
                        email="c@mail.example")  # fmt: skip
    third.set_times(SLOT)  # a cancelled visit holds nothing
    third.save()


def book_slot(
    visit_type: VisitType, clinician: Clinician | None, start: datetime
) -> Callable[..., Any]:
    def attempt(index: int, barrier: threading.Barrier) -> Appointment:
        contact = services.Contact(name=f"Racer {index}", email=f"racer{index}@mail.example")
        barrier.wait()
        return services.book(
            want=Want(visit_type, Mode.VIRTUAL, None, clinician),
            start=start,
            contact=contact,
            answers=[],
            now=NOW,
        )

    return attempt


def test_fifty_threads_one_slot_exactly_one_books(follow_up: VisitType, ana: Clinician) -> None:
    results = race(50, book_slot(follow_up, ana, SLOT))

    assert not unexpected(results, Appointment, services.BookingError)
    winners = [result for result in results if isinstance(result, Appointment)]
    losers = [result for result in results if isinstance(result, services.BookingError)]
    assert len(winners) == 1
    assert {error.message for error in losers} == {"That time was just taken."}
    assert all(error.alternatives and SLOT not in error.alternatives for error in losers)
    assert Appointment.objects.count() == 1


def test_when_the_recheck_is_fooled_the_constraint_still_says_taken(
    follow_up: VisitType, ana: Clinician, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services.free_times

    def everything_looks_free(want: Want, **kwargs: Any) -> dict[datetime, tuple[int, ...]]:
        found = real(want, **kwargs)
        return found | {SLOT: (ana.pk,)}

    monkeypatch.setattr(services, "free_times", everything_looks_free)
    monkeypatch.setattr(services, "_lock", lambda clinicians, *spans: None)
    monkeypatch.setattr(services, "_first_still_free", lambda candidates, *a, **k: candidates[0])

    results = race(20, book_slot(follow_up, ana, SLOT))

    # Unlocked inserts may deadlock in the constraint's check: the service
    # retries those once, and a loser still reads as taken, never a 500.
    assert not unexpected(results, Appointment, services.BookingError)
    winners = [result for result in results if isinstance(result, Appointment)]
    losers = [result for result in results if isinstance(result, services.BookingError)]
    assert len(winners) == 1
    assert {error.message for error in losers} == {"That time was just taken."}


def test_two_clinicians_overlapping_requests_with_buffers_never_overlap(
    follow_up: VisitType, evaluation: VisitType, ana: Clinician, ben: Clinician
) -> None:
    evaluation.buffer_before_minutes = 15
    evaluation.buffer_after_minutes = 15
    evaluation.save()
    requests = [
        (visit_type, clinician, SLOT + timedelta(minutes=15 * step))
        for step in range(8)  # 10:00 to 11:45
        for visit_type in (follow_up, evaluation)
        for clinician in (ana, ben, None)  # None: first available
    ]

    def attempt(index: int, barrier: threading.Barrier) -> Appointment:
        visit_type, clinician, start = requests[index]
        return book_slot(visit_type, clinician, start)(index, barrier)

    results = race(len(requests), attempt)

    assert not unexpected(results, Appointment, services.BookingError)
    booked = list(Appointment.objects.live().order_by("clinician_id", "busy_from"))
    winners = {result.pk for result in results if isinstance(result, Appointment)}
    # Which requests win is the scheduler's choice; that every winner is
    # stored, nothing else is, and nothing overlaps is not.
    assert winners and winners == {appointment.pk for appointment in booked}
    losses = [result for result in results if isinstance(result, services.BookingError)]
    assert {error.message for error in losses} <= {services.TAKEN}
    for one, other in itertools.pairwise(booked):
        if one.clinician_id == other.clinician_id:
            assert one.busy_until <= other.busy_from, (one, other)
