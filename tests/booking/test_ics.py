"""Calendar files: one event per visit, its UID stable, SEQUENCE rising with each change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from icalendar import Calendar

from mend.booking import ics, services
from mend.booking.models import Appointment, Clinician, Location, Mode, VisitType

from .conftest import NOW, ny

pytestmark = pytest.mark.django_db


def event(content: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(content)
    (only,) = calendar.walk("VEVENT")
    return calendar, only


def test_invitation_is_a_request_in_utc_with_the_video_link(appointment: Appointment) -> None:
    content = ics.invitation(appointment, now=NOW)

    calendar, found = event(content)
    assert calendar["METHOD"] == "REQUEST"
    assert str(found["UID"]) == f"{appointment.uid}@127.0.0.1"
    assert b"DTSTART:20260616T140000Z" in content
    assert b"DTEND:20260616T143000Z" in content
    assert found["SEQUENCE"] == 0
    assert str(found["LOCATION"]) == appointment.video_link
    assert str(found["URL"]) == appointment.video_link
    assert str(found["ORGANIZER"]).startswith("mailto:")
    assert str(found["ATTENDEE"]) == f"mailto:{appointment.email}"
    assert appointment.manage_token() not in content.decode()  # calendars are third parties


def test_in_person_invitation_names_the_place(
    book_visit: Any, follow_up: VisitType, ana: Clinician, clinic: Location
) -> None:
    visit = book_visit(
        follow_up, ny(6, 16, 10), clinician=ana, mode=Mode.IN_PERSON, location=clinic
    )

    _, found = event(ics.invitation(visit, now=NOW))

    assert str(found["LOCATION"]) == "Riverside PT, 1 River Road, Springfield"
    assert "URL" not in found


def test_moving_keeps_the_uid_and_raises_the_sequence(appointment: Appointment) -> None:
    _, before = event(ics.invitation(appointment, now=NOW))

    moved = services.reschedule(appointment, start=ny(6, 18, 11), now=NOW)
    _, after = event(ics.invitation(moved, now=NOW))

    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == 1
    assert after.decoded("DTSTART") == datetime(2026, 6, 18, 15, tzinfo=UTC)
    assert str(after["LOCATION"]) == appointment.video_link  # the same room


def test_cancellation_is_a_cancel_with_the_next_sequence(appointment: Appointment) -> None:
    services.reschedule(appointment, start=ny(6, 18, 11), now=NOW)
    appointment.refresh_from_db()
    services.cancel(appointment, by="patient", reason="Busy", now=NOW)
    appointment.refresh_from_db()

    calendar, found = event(ics.cancellation(appointment, now=NOW))

    assert calendar["METHOD"] == "CANCEL"
    assert found["STATUS"] == "CANCELLED"
    assert found["SEQUENCE"] == 2
    assert str(found["UID"]) == f"{appointment.uid}@127.0.0.1"
