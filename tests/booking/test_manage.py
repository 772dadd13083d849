"""Managing a visit: by its secret link, or signed in through visible_to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.booking import tokens
from mend.booking.models import Appointment, Clinician, VisitType

from .conftest import iso, ny

pytestmark = pytest.mark.django_db


@pytest.fixture
def manage_url(appointment: Appointment) -> str:
    return f"/book/manage/{appointment.manage_token()}/"


def test_manage_page_shows_the_visit_and_its_video_link(
    client: Client, frozen: datetime, manage_url: str, appointment: Appointment
) -> None:
    response = client.get(manage_url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tuesday 16 June 2026, 9:00 AM (America/Chicago)" in html
    assert appointment.video_link in html
    assert "Better on stairs" in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "x"]
)
def test_wrong_token_is_404(
    client: Client, frozen: datetime, manage_url: str, mangle: Callable[[str], str]
) -> None:
    token = manage_url.split("/")[3]
    assert client.get(f"/book/manage/{mangle(token)}/").status_code == 404


def test_token_never_reaches_the_logs(
    client: Client, frozen: datetime, manage_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = manage_url.split("/")[3]
    with caplog.at_level(logging.INFO):
        client.get(manage_url + "cancel/")  # 405, logged by django.request
        client.get(f"/book/manage/{token}x/")  # 404, logged too

    assert caplog.records
    assert token not in caplog.text
    assert "/book/manage/[redacted]" in caplog.text


def test_calendar_file_download(client: Client, frozen: datetime, manage_url: str) -> None:
    response = client.get(manage_url + "visit.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "REQUEST"


# Cancelling


def test_cancel_with_a_reason(
    client: Client,
    frozen: datetime,
    manage_url: str,
    appointment: Appointment,
    mailbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url + "cancel/", {"reason": "Feeling better"})

    assert response.status_code == 303
    assert response["Location"] == manage_url
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_by == Appointment.CancelledBy.PATIENT
    assert [message.subject[:10] for message in mailbox] == ["Cancelled:"]
    assert "This visit was cancelled" in client.get(manage_url).content.decode()


def test_cancel_needs_a_reason(
    client: Client, frozen: datetime, manage_url: str, appointment: Appointment
) -> None:
    response = client.post(manage_url + "cancel/", {"reason": ""})

    assert response.status_code == 400
    assert "Required field missing" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_cancel_is_post_only(client: Client, frozen: datetime, manage_url: str) -> None:
    assert client.get(manage_url + "cancel/").status_code == 405
    assert client.get(manage_url + "move/").status_code == 405


def test_policy_is_shown_inside_the_cancellation_window(
    client: Client, manage_url: str, appointment: Appointment, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(appointment.start - timedelta(hours=30), tick=False)
    assert "Our cancellation policy" not in client.get(manage_url).content.decode()

    time_machine.move_to(appointment.start - timedelta(hours=3), tick=False)
    html = client.get(manage_url).content.decode()
    assert "Our cancellation policy" in html
    assert "Late cancellations may be charged half the fee." in html
    # Enforced: the patient may no longer cancel online (tests/booking/test_cancellation_window.py).
    assert client.post(manage_url + "cancel/", {"reason": "Sick"}).status_code == 409


def test_cancelling_a_started_visit_is_refused(
    client: Client, manage_url: str, appointment: Appointment, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(appointment.start + timedelta(minutes=1), tick=False)

    response = client.post(manage_url + "cancel/", {"reason": "Late"})

    assert response.status_code == 409
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_replayed_cancel_is_refused(
    client: Client, frozen: datetime, manage_url: str, appointment: Appointment
) -> None:
    client.post(manage_url + "cancel/", {"reason": "Busy"})

    response = client.post(manage_url + "cancel/", {"reason": "Busy"})

    assert response.status_code == 409
    assert "already cancelled" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.sequence == 1


# Rescheduling


def test_reschedule_page_lists_free_times_without_the_visits_own(
    client: Client, frozen: datetime, manage_url: str
) -> None:
    response = client.get(manage_url + "reschedule/?date=2026-06-16&tz=America/Chicago")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Free times on Tuesday 16 June 2026" in html
    assert f'value="{iso(ny(6, 16, 10))}"' in html  # its own time does not block itself


def test_move_takes_the_new_time_and_frees_the_old(
    client: Client,
    frozen: datetime,
    manage_url: str,
    appointment: Appointment,
    mailbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage_url + "move/", {"start": iso(ny(6, 18, 11)), "tz": "UTC"})

    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.start == ny(6, 18, 11)
    assert appointment.sequence == 1
    assert mailbox[0].subject.startswith("Moved:")
    times = client.get(
        manage_url + "reschedule/?date=2026-06-16&tz=America/New_York"
    ).content.decode()
    assert f'value="{iso(ny(6, 16, 10))}"' in times


def test_move_onto_a_taken_time_offers_others(
    client: Client,
    frozen: datetime,
    manage_url: str,
    appointment: Appointment,
    follow_up: VisitType,
    ana: Clinician,
    book_visit: Callable[..., Appointment],
) -> None:
    book_visit(follow_up, ny(6, 18, 11), clinician=ana)

    response = client.post(manage_url + "move/", {"start": iso(ny(6, 18, 11))})

    assert response.status_code == 409
    html = response.content.decode()
    assert "That time was just taken." in html
    assert "These times are free" in html
    appointment.refresh_from_db()
    assert appointment.start == ny(6, 16, 10)


@pytest.mark.parametrize("start", ["", "next week", "2026-06-18T11:00:00"])
def test_move_with_an_unreadable_time_changes_nothing(
    client: Client, frozen: datetime, manage_url: str, appointment: Appointment, start: str
) -> None:
    response = client.post(manage_url + "move/", {"start": start})

    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.sequence == 0


# Signed in, by id


def test_patient_sees_their_visits(
    client: Client, frozen: datetime, appointment: Appointment, patient: User
) -> None:
    client.force_login(patient)

    assert "Follow-up with Dr. Ana, DPT" in client.get("/book/visits/").content.decode()
    response = client.get(f"/book/visits/{appointment.pk}/")
    assert response.status_code == 200
    assert appointment.video_link in response.content.decode()


def test_stranger_gets_404(
    client: Client, frozen: datetime, appointment: Appointment, stranger: User
) -> None:
    client.force_login(stranger)

    assert client.get(f"/book/visits/{appointment.pk}/").status_code == 404
    assert client.post(f"/book/visits/{appointment.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(f"/book/visits/{appointment.pk}/visit.ics").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_anonymous_gets_404_by_id(
    client: Client, frozen: datetime, appointment: Appointment
) -> None:
    assert client.get(f"/book/visits/{appointment.pk}/").status_code == 404


def test_visits_list_needs_sign_in(client: Client) -> None:
    assert client.get("/book/visits/").status_code == 302


def test_clinician_cancelling_is_recorded_as_the_clinic(
    client: Client, frozen: datetime, appointment: Appointment, ana: Clinician
) -> None:
    client.force_login(ana.user)

    response = client.post(f"/book/visits/{appointment.pk}/cancel/", {"reason": "Unwell"})

    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.cancelled_by == Appointment.CancelledBy.CLINIC


# Proving the address to attach a guest booking


def test_link_attaches_a_guest_booking_to_the_proved_account(
    client: Client,
    frozen: datetime,
    book_visit: Callable[..., Appointment],
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    verified: Callable[[User], User],
) -> None:
    verified(patient)
    guest = book_visit(follow_up, ny(6, 16, 10), clinician=ana, email=patient.email)
    token = tokens.link_token(guest.uid, guest.email)

    assert client.get(f"/book/link/{token}/").status_code == 200
    assert client.get(f"/book/link/{token}/confirm/").status_code == 405
    response = client.post(f"/book/link/{token}/confirm/")

    assert response.status_code == 303
    guest.refresh_from_db()
    assert guest.patient == patient


def test_forged_link_is_404(client: Client, frozen: datetime, appointment: Appointment) -> None:
    forged = tokens.link_token(appointment.uid, "someone@else.example")[:-3] + "abc"

    assert client.get(f"/book/link/{forged}/").status_code == 404
    assert client.post(f"/book/link/{forged}/confirm/").status_code == 404
