"""A small clinic for booking tests: one location in New York, three visit types, two clinicians.

The clock is pinned by ``frozen`` at NOW, Monday 2026-06-15 12:00 UTC, which is
08:00 in New York (EDT): Ana works Monday to Friday 09:00-17:00 there, in
person or by video; Ben the same hours, by video only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.booking import services
from mend.booking.availability import Want
from mend.booking.models import (
    Appointment,
    AvailabilityRule,
    Clinician,
    Location,
    Mode,
    VisitType,
)
from mend.core import roles

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # Monday 08:00 in New York
NEW_YORK = ZoneInfo("America/New_York")


def ny(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A wall-clock time in New York, as an aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def frozen(time_machine: TimeMachineFixture) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def clinic(db: None) -> Location:
    return Location.objects.create(
        name="Riverside PT", address="1 River Road\nSpringfield", time_zone="America/New_York"
    )


@pytest.fixture
def follow_up(db: None) -> VisitType:
    return VisitType.objects.create(
        name="Follow-up",
        slug="follow-up",
        duration_minutes=30,
        buffer_after_minutes=10,
        price=Decimal("80.00"),
        intake_questions="How have things been?",
        cancellation_policy="Late cancellations may be charged half the fee.",
    )


@pytest.fixture
def evaluation(db: None) -> VisitType:
    return VisitType.objects.create(
        name="Initial evaluation", slug="initial-evaluation", duration_minutes=60
    )


@pytest.fixture
def discovery(db: None) -> VisitType:
    return VisitType.objects.create(
        name="Free discovery call",
        slug="discovery-call",
        duration_minutes=15,
        allows_in_person=False,
        min_notice_minutes=60,
    )


@pytest.fixture
def make_clinician(
    make_user: Callable[..., User],
    clinic: Location,
    follow_up: VisitType,
    evaluation: VisitType,
    discovery: VisitType,
) -> Callable[..., Clinician]:
    def make(
        key: str, *, mode: str = "either", zone: str = "America/New_York", **extra: Any
    ) -> Clinician:
        user = make_user(f"{key}@clinic.example", role=roles.CLINICIAN)
        clinician = Clinician.objects.create(
            user=user, display_name=f"Dr. {key.title()}", credentials="DPT", time_zone=zone, **extra
        )
        clinician.visit_types.add(follow_up, evaluation, discovery)
        if mode != "virtual":
            clinician.locations.add(clinic)
        for weekday in range(5):
            AvailabilityRule.objects.create(
                clinician=clinician,
                weekday=weekday,
                start_time=time(9),
                end_time=time(17),
                mode=mode,
                location=None if mode == "virtual" else clinic,
            )
        return clinician

    return make


@pytest.fixture
def ana(make_clinician: Callable[..., Clinician]) -> Clinician:
    return make_clinician("ana")


@pytest.fixture
def ben(make_clinician: Callable[..., Clinician]) -> Clinician:
    return make_clinician("ben", mode="virtual")


@pytest.fixture
def book_visit(
    django_capture_on_commit_callbacks: Any,
) -> Callable[..., Appointment]:
    """Book through the service, running what happens on commit (emails, reminders)."""

    def book(
        visit_type: VisitType,
        start: datetime,
        *,
        clinician: Clinician | None = None,
        mode: str = Mode.VIRTUAL,
        location: Location | None = None,
        patient: User | None = None,
        email: str = "jo@mail.example",
        now: datetime = NOW,
        answers: list[dict[str, str]] | None = None,
    ) -> Appointment:
        contact = services.Contact(
            name="Jo Patient",
            email=patient.email if patient else email,
            patient=patient,
            time_zone="America/Chicago",
        )
        with django_capture_on_commit_callbacks(execute=True):
            return services.book(
                want=Want(visit_type, mode, location, clinician),
                start=start,
                contact=contact,
                answers=answers or [],
                now=now,
            )

    return book


@pytest.fixture
def appointment(
    book_visit: Callable[..., Appointment], follow_up: VisitType, ana: Clinician, patient: User
) -> Appointment:
    """The patient's video follow-up with Ana, Tuesday 16 June 10:00 New York."""
    return book_visit(
        follow_up,
        ny(6, 16, 10),
        clinician=ana,
        patient=patient,
        answers=[{"question": "How have things been?", "answer": "Better on stairs"}],
    )


@pytest.fixture
def mailbox(mailoutbox: list[Any]) -> Iterator[list[Any]]:
    mailoutbox.clear()
    yield mailoutbox
