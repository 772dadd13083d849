"""The holes a security review found in booking: rate limits, line breaks in names,
manage links that never expired, the calendar feed's patient details, and a view
permission that granted cancelling and moving."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from icalendar import Calendar
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.booking import limits, services
from mend.booking.forms import ONE_LINE
from mend.booking.models import Appointment, Clinician, WaitlistEntry

from .conftest import iso, ny

pytestmark = pytest.mark.django_db

CHICAGO = "America/Chicago"


def details_data(start: datetime, **extra: str) -> dict[str, str]:
    data = {
        "visit": "follow-up",
        "mode": "virtual",
        "clinician": "any",
        "tz": CHICAGO,
        "date": "2026-06-16",
        "start": iso(start),
        "request_key": uuid.uuid4().hex,
        "name": "Jo Guest",
        "email": "jo@mail.example",
        "phone": "",
        "intake_0": "",
    }
    return data | extra


def waitlist_data(**extra: str) -> dict[str, str]:
    return {"visit": "follow-up", "tz": CHICAGO, "name": "Jo Guest", "email": "jo@mail.example"} | (
        extra
    )


@pytest.fixture
def guest(client: Client, frozen: datetime, ana: Clinician, ben: Clinician) -> Client:
    return client


# Rate limits on booking and the waitlist


def test_the_third_booking_from_one_address_gets_429_and_is_not_stored(
    guest: Client, settings: Any, mailbox: list[Any]
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 2
    for hour, email in ((10, "a@mail.example"), (11, "b@mail.example")):
        response = guest.post("/book/details/", details_data(ny(6, 16, hour), email=email))
        assert response.status_code == 303
    sent = len(mailbox)

    response = guest.post("/book/details/", details_data(ny(6, 16, 13), email="c@mail.example"))

    assert response.status_code == 429
    assert limits.ADDRESS_LIMITED in response.content.decode()
    assert Appointment.objects.count() == 2
    assert len(mailbox) == sent


def test_bookings_for_one_email_are_limited_from_any_address(guest: Client, settings: Any) -> None:
    settings.MEND_BOOKING_EMAIL_RATE_LIMIT = 1
    first = guest.post("/book/details/", details_data(ny(6, 16, 10)), REMOTE_ADDR="192.0.2.1")
    assert first.status_code == 303

    response = guest.post(
        "/book/details/",
        details_data(ny(6, 16, 11), email="JO@mail.example"),
        REMOTE_ADDR="192.0.2.2",
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert limits.EMAIL_LIMITED in html
    assert 'aria-invalid="true"' in html.split('name="email"')[1].split(">")[0]
    assert Appointment.objects.count() == 1


def test_two_clients_behind_the_trusted_proxy_are_limited_separately(
    guest: Client, settings: Any
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 1
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]

    def post(hour: int, forwarded_for: str) -> int:
        data = details_data(ny(6, 16, hour), email=f"{hour}@mail.example")
        return guest.post("/book/details/", data, HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    assert post(10, "198.51.100.1") == 303
    assert post(11, "198.51.100.1") == 429
    assert post(12, "198.51.100.2") == 303


def test_a_forwarded_for_header_from_an_untrusted_address_changes_nothing(
    guest: Client, settings: Any
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 1
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]

    def post(hour: int, forwarded_for: str) -> int:
        data = details_data(ny(6, 16, hour), email=f"{hour}@mail.example")
        return guest.post(
            "/book/details/", data, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    assert post(10, "198.51.100.1") == 303
    assert post(11, "198.51.100.2") == 429


def test_the_limit_lifts_when_the_window_ends(
    guest: Client, settings: Any, time_machine: TimeMachineFixture
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 1
    settings.MEND_BOOKING_RATE_WINDOW = 3600
    assert guest.post("/book/details/", details_data(ny(6, 16, 10))).status_code == 303
    second = details_data(ny(6, 16, 11), email="b@mail.example")
    assert guest.post("/book/details/", second).status_code == 429

    time_machine.move_to(datetime(2026, 6, 15, 13, 1, tzinfo=UTC), tick=False)  # 09:01 New York

    assert guest.post("/book/details/", second).status_code == 303


def test_the_waitlist_is_limited_per_address_and_stores_nothing_over_it(
    guest: Client, settings: Any
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 1
    assert guest.post("/book/waitlist/join/", waitlist_data()).status_code == 303

    response = guest.post("/book/waitlist/join/", waitlist_data(email="other@mail.example"))

    assert response.status_code == 429
    assert limits.ADDRESS_LIMITED in response.content.decode()
    assert WaitlistEntry.objects.count() == 1


def test_the_waitlist_is_limited_per_email(guest: Client, settings: Any) -> None:
    settings.MEND_BOOKING_EMAIL_RATE_LIMIT = 1
    assert guest.post("/book/waitlist/join/", waitlist_data()).status_code == 303

    response = guest.post(
        "/book/waitlist/join/", waitlist_data(visit="initial-evaluation"), REMOTE_ADDR="192.0.2.9"
    )

    assert response.status_code == 429
    assert limits.EMAIL_LIMITED in response.content.decode()
    assert WaitlistEntry.objects.count() == 1


# Line breaks in names


@pytest.mark.parametrize("name", ["Jo\nBcc: all@mail.example", "Jo\r\nGuest", "Jo\u2028Guest"])
def test_a_name_with_a_line_break_is_refused_at_the_field(
    guest: Client, name: str, mailbox: list[Any]
) -> None:
    response = guest.post("/book/details/", details_data(ny(6, 16, 10), name=name))

    assert response.status_code == 400
    assert ONE_LINE in response.content.decode()
    assert not Appointment.objects.exists()
    assert mailbox == []


def test_the_waitlist_refuses_a_name_with_a_line_break(guest: Client) -> None:
    response = guest.post("/book/waitlist/join/", waitlist_data(name="Jo\r\nBcc: x@mail.example"))

    assert response.status_code == 400
    assert ONE_LINE in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_a_phone_with_a_line_break_is_refused(guest: Client) -> None:
    response = guest.post("/book/details/", details_data(ny(6, 16, 10), phone="555\n0100"))

    assert response.status_code == 400
    assert not Appointment.objects.exists()


# Manage links: revocable, expiring, kept out of calendar files


@pytest.fixture
def manage_url(appointment: Appointment) -> str:
    return f"/book/manage/{appointment.manage_token()}/"


def test_a_revoked_manage_link_is_404_everywhere(
    client: Client, frozen: datetime, manage_url: str, appointment: Appointment
) -> None:
    assert client.get(manage_url).status_code == 200

    changed = services.revoke_manage_links(
        Appointment.objects.filter(pk=appointment.pk), now=frozen
    )

    assert changed == 1
    assert client.get(manage_url).status_code == 404
    assert client.get(manage_url + "visit.ics").status_code == 404
    assert client.get(manage_url + "reschedule/").status_code == 404
    assert client.post(manage_url + "cancel/", {"reason": "x"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_revoking_twice_changes_nothing_the_second_time(
    frozen: datetime, appointment: Appointment
) -> None:
    visits = Appointment.objects.filter(pk=appointment.pk)
    services.revoke_manage_links(visits, now=frozen)

    assert services.revoke_manage_links(visits, now=frozen + timedelta(days=1)) == 0
    appointment.refresh_from_db()
    assert appointment.manage_revoked_at == frozen


def test_the_patient_signed_in_still_sees_a_visit_whose_link_was_revoked(
    client: Client, frozen: datetime, appointment: Appointment, patient: User
) -> None:
    services.revoke_manage_links(Appointment.objects.filter(pk=appointment.pk), now=frozen)
    client.force_login(patient)

    assert client.get(f"/book/visits/{appointment.pk}/").status_code == 200


def test_a_manage_link_expires_the_set_number_of_days_after_the_visit(
    client: Client,
    settings: Any,
    time_machine: TimeMachineFixture,
    manage_url: str,
    appointment: Appointment,
) -> None:
    settings.MEND_BOOKING_LINK_DAYS = 3
    # The visit ends Tuesday 16 June 10:30 in New York (14:30 UTC).
    time_machine.move_to(datetime(2026, 6, 19, 14, 29, tzinfo=UTC), tick=False)
    assert client.get(manage_url).status_code == 200

    time_machine.move_to(datetime(2026, 6, 19, 14, 30, tzinfo=UTC), tick=False)
    assert client.get(manage_url).status_code == 404
    assert client.get(manage_url + "visit.ics").status_code == 404


def test_the_calendar_file_carries_no_manage_link(
    client: Client, frozen: datetime, manage_url: str, appointment: Appointment
) -> None:
    response = client.get(manage_url + "visit.ics")

    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert appointment.manage_token() not in response.content.decode()
    assert "/book/manage/" not in str(event["DESCRIPTION"])
    assert "confirmation email" in str(event["DESCRIPTION"])


def test_the_confirmation_email_still_carries_the_manage_link(
    frozen: datetime, appointment: Appointment, mailoutbox: list[Any]
) -> None:
    assert any(appointment.manage_token() in message.body for message in mailoutbox)


# The clinician's calendar feed


def _feed(ana: Clinician) -> str:
    token = services.create_feed(ana)
    response = Client().get(f"/clinic/feed/{token}/calendar.ics")
    assert response.status_code == 200
    return response.content.decode()


def test_the_feed_shows_the_visit_type_and_initials_by_default(
    frozen: datetime, ana: Clinician, appointment: Appointment
) -> None:
    content = _feed(ana)

    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Follow-up: J. P."
    assert appointment.name not in content
    assert appointment.email not in content
    assert "ATTENDEE" not in event


def test_the_feed_shows_full_details_when_the_clinic_turns_them_on(
    frozen: datetime, ana: Clinician, appointment: Appointment, settings: Any
) -> None:
    settings.MEND_CALENDAR_FEED_DETAILS = True

    (event,) = Calendar.from_ical(_feed(ana)).walk("VEVENT")

    assert str(event["SUMMARY"]) == "Follow-up: Jo Patient"
    assert str(event["ATTENDEE"]) == f"mailto:{appointment.email}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Maria José Santos", "M. J. S."), ("  jo  ", "J."), ("(none)", "?"), ("李小龙", "李.")],
)
def test_initials(name: str, expected: str) -> None:
    from mend.booking.ics import initials

    assert initials(name) == expected


# Seeing a visit is not changing it


@pytest.fixture
def viewer(make_user: Callable[..., User]) -> User:
    user = make_user("front-desk@clinic.example")
    user.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    return user


def test_view_permission_shows_the_visit_without_the_change_forms(
    client: Client, frozen: datetime, viewer: User, appointment: Appointment
) -> None:
    client.force_login(viewer)

    response = client.get(f"/book/visits/{appointment.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Better on stairs" in html
    assert "Cancel this visit" not in html
    assert "please call the clinic" not in html


def test_view_permission_cannot_cancel_or_move(
    client: Client, frozen: datetime, viewer: User, appointment: Appointment
) -> None:
    client.force_login(viewer)
    url = f"/book/visits/{appointment.pk}/"

    assert client.post(url + "cancel/", {"reason": "Not mine"}).status_code == 404
    assert client.get(url + "reschedule/").status_code == 404
    assert client.post(url + "move/", {"start": iso(ny(6, 16, 11))}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.start == ny(6, 16, 10)


def test_change_permission_cancels_as_the_clinic(
    client: Client, frozen: datetime, viewer: User, appointment: Appointment
) -> None:
    viewer.user_permissions.add(Permission.objects.get(codename="change_appointment"))
    client.force_login(viewer)

    response = client.post(f"/book/visits/{appointment.pk}/cancel/", {"reason": "Clinic closed"})

    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_by == Appointment.CancelledBy.CLINIC


def test_stranger_gets_404_for_the_visit_and_its_actions(
    client: Client, frozen: datetime, make_user: Callable[..., User], appointment: Appointment
) -> None:
    client.force_login(make_user("stranger@mail.example"))
    url = f"/book/visits/{appointment.pk}/"

    assert client.get(url).status_code == 404
    assert client.post(url + "cancel/", {"reason": "x"}).status_code == 404
    assert client.get(url + "reschedule/").status_code == 404


def test_visit_pages_are_not_stored_by_any_cache(
    client: Client, frozen: datetime, appointment: Appointment, patient: User
) -> None:
    client.force_login(patient)

    for url in ("/book/visits/", f"/book/visits/{appointment.pk}/"):
        assert client.get(url)["Cache-Control"] == "private, no-store"
