"""Reminders through the real task queue (the database backend) and `mend worker`.

The clock is moved with time_machine; the worker runs in batch mode, so it
runs every task that is due and stops. Local times are New York's (EDT).
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.test import override_settings
from icalendar import Calendar
from time_machine import TimeMachineFixture

from mend.__main__ import main
from mend.booking import services, tasks
from mend.booking.availability import Want
from mend.booking.models import Appointment, Clinician, Mode, Notification, VisitType

from .conftest import NOW, ny

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
START = ny(6, 17, 10)  # Wednesday 10:00; booked on Monday at 08:00


@pytest.fixture(autouse=True)
def queue(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE


def run_worker() -> None:
    """`mend worker`, in batch mode: run what is due, then stop."""
    assert main(["worker", "--batch", "--no-startup-delay", "--interval", "0", "-v", "0"]) == 0


def subjects() -> list[str]:
    return [message.subject.split(":")[0] for message in mail.outbox]


@pytest.fixture
def visit(time_machine: TimeMachineFixture, follow_up: VisitType, ana: Clinician) -> Appointment:
    time_machine.move_to(NOW, tick=False)
    contact = services.Contact(name="Jo", email="jo@mail.example", time_zone="America/New_York")
    appointment = services.book(
        want=Want(follow_up, Mode.VIRTUAL, None, ana),
        start=START,
        contact=contact,
        answers=[],
        now=NOW,
    )
    run_worker()
    assert subjects() == ["Booked"]
    return appointment


def test_reminders_go_24_and_2_hours_before_once_each(
    visit: Appointment, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(START - timedelta(hours=24, minutes=1), tick=False)
    run_worker()
    assert subjects() == ["Booked"]  # not yet

    time_machine.move_to(START - timedelta(hours=24), tick=False)
    run_worker()
    run_worker()
    assert subjects() == ["Booked", "Reminder"]

    time_machine.move_to(START - timedelta(hours=2), tick=False)
    run_worker()
    assert subjects() == ["Booked", "Reminder", "Reminder"]
    assert (
        mail.outbox[-1].subject
        == "Reminder: Follow-up on Wednesday 17 June 2026, 10:00 AM (America/New_York)"
    )
    assert visit.manage_token() in mail.outbox[-1].body
    assert visit.video_link in mail.outbox[-1].body
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == ["confirmed:0", "reminder:24h:20260617T140000Z", "reminder:2h:20260617T140000Z"]


def test_a_reminder_queued_twice_is_sent_once(
    visit: Appointment, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(START - timedelta(hours=2), tick=False)
    tasks.send_reminder.enqueue(visit.pk, 2, visit.start.isoformat())
    tasks.send_reminder.enqueue(visit.pk, 2, visit.start.isoformat())

    run_worker()

    # The queued 24-hour one (late, still before the visit) and one 2-hour one.
    assert subjects() == ["Booked", "Reminder", "Reminder"]


def test_no_reminder_for_a_cancelled_visit(
    visit: Appointment, time_machine: TimeMachineFixture
) -> None:
    services.cancel(visit, by="patient", reason="Better", now=NOW)
    run_worker()

    time_machine.move_to(START - timedelta(hours=1), tick=False)
    run_worker()

    assert subjects() == ["Booked", "Cancelled"]


def test_moved_visit_is_reminded_at_its_new_time_only(
    visit: Appointment, time_machine: TimeMachineFixture
) -> None:
    new_start = ny(6, 18, 15)
    services.reschedule(visit, start=new_start, now=NOW)
    run_worker()

    time_machine.move_to(START - timedelta(hours=1), tick=False)  # the old time's reminders
    run_worker()
    assert subjects() == ["Booked", "Moved"]

    time_machine.move_to(new_start - timedelta(hours=1), tick=False)
    run_worker()
    assert subjects() == ["Booked", "Moved", "Reminder", "Reminder"]
    assert "Thursday 18 June 2026, 3:00 PM" in mail.outbox[-1].subject


def test_booking_too_close_for_the_24_hour_reminder_gets_only_the_2_hour_one(
    follow_up: VisitType, ana: Clinician, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(NOW, tick=False)
    soon = ny(6, 15, 14)  # today, six hours ahead
    with transaction.atomic():
        services.book(
            want=Want(follow_up, Mode.VIRTUAL, None, ana),
            start=soon,
            contact=services.Contact(name="Jo", email="jo@mail.example"),
            answers=[],
            now=NOW,
        )
    run_worker()
    time_machine.move_to(soon - timedelta(minutes=30), tick=False)
    run_worker()

    assert subjects() == ["Booked", "Reminder"]


# Through a real SMTP server on loopback


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            yield inbox
    finally:
        controller.stop()


def test_confirmation_and_reminder_arrive_over_smtp(
    smtp: Inbox, follow_up: VisitType, ana: Clinician, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(NOW, tick=False)
    appointment = services.book(
        want=Want(follow_up, Mode.VIRTUAL, None, ana),
        start=START,
        contact=services.Contact(name="Jo", email="jo@mail.example", time_zone="America/Chicago"),
        answers=[],
        now=NOW,
    )
    run_worker()
    time_machine.move_to(START - timedelta(hours=2), tick=False)
    run_worker()

    confirmation, reminder_24, reminder_2 = smtp.messages
    assert confirmation["To"] == "jo@mail.example"
    assert (
        confirmation["Subject"]
        == "Booked: Follow-up on Wednesday 17 June 2026, 9:00 AM (America/Chicago)"
    )
    body = confirmation.get_body(preferencelist=("plain",))
    assert body is not None and appointment.manage_token() in body.get_content()
    (invite,) = [
        part
        for part in confirmation.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    assert invite.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(invite.get_content())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == START
    assert str(event["LOCATION"]) == appointment.video_link
    assert reminder_24["Subject"].startswith("Reminder: Follow-up")
    assert reminder_2["Subject"] == reminder_24["Subject"]
