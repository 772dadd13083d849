"""The cancellation window is enforced: inside it the patient calls or emails the clinic.

The visit is Ana's video follow-up on Tuesday 16 June 10:00 New York (14:00 UTC); its
visit type's window is 24 hours, so the window opens on Monday 15 June 14:00 UTC
(10:00 New York). Exactly 24 hours before is still outside; a second later is inside.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.booking import services
from mend.booking.models import Appointment, Clinician, Location
from mend.core import roles

from .conftest import iso, ny

pytestmark = pytest.mark.django_db

WINDOW = timedelta(hours=24)
SECOND = timedelta(seconds=1)


@pytest.fixture
def manage_url(appointment: Appointment) -> str:
    return f"/book/manage/{appointment.manage_token()}/"


@pytest.fixture
def at(time_machine: TimeMachineFixture) -> Callable[[datetime], datetime]:
    def travel(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return moment

    return travel


def _unchanged(appointment: Appointment) -> None:
    start = appointment.start
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.start == start
    assert appointment.sequence == 0


# The model and the service, at the edge


def test_exactly_at_the_window_is_still_outside(appointment: Appointment) -> None:
    edge = appointment.start - WINDOW

    assert not appointment.inside_cancellation_window(edge)
    assert appointment.patient_may_change(edge)
    assert appointment.inside_cancellation_window(edge + SECOND)
    assert not appointment.patient_may_change(edge + SECOND)


def test_patient_cancels_exactly_at_the_window(appointment: Appointment) -> None:
    services.cancel(appointment, by="patient", reason="Away", now=appointment.start - WINDOW)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_patient_cannot_cancel_a_second_inside(
    appointment: Appointment, mailbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    now = appointment.start - WINDOW + SECOND
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.BookingError, match="less than 24 hours away"),
    ):
        services.cancel(appointment, by="patient", reason="Away", now=now)

    _unchanged(appointment)
    assert mailbox == []


def test_patient_cannot_move_inside_the_window(appointment: Appointment) -> None:
    now = appointment.start - WINDOW + SECOND
    with pytest.raises(services.BookingError, match="can no longer be cancelled or moved"):
        services.reschedule(appointment, start=ny(6, 18, 11), now=now)

    _unchanged(appointment)


def test_the_clinic_still_cancels_and_moves_inside_the_window(appointment: Appointment) -> None:
    now = appointment.start - timedelta(hours=2)

    moved = services.reschedule(appointment, start=ny(6, 18, 11), now=now, by="clinic")
    assert moved.start == ny(6, 18, 11)
    services.cancel(moved, by="clinic", reason="Ill", now=moved.start - timedelta(hours=2))
    moved.refresh_from_db()
    assert moved.status == Appointment.Status.CANCELLED


def test_a_visit_moved_into_the_window_meanwhile_is_refused(appointment: Appointment) -> None:
    """The check is part of the compare-and-set, not only of the copy the patient loaded."""
    stale = Appointment.objects.get(pk=appointment.pk)
    now = appointment.start - timedelta(hours=30)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=now + timedelta(hours=3),
        end=now + timedelta(hours=3, minutes=30),
        busy_from=now + timedelta(hours=3),
        busy_until=now + timedelta(hours=3, minutes=40),
    )

    with pytest.raises(services.BookingError, match="less than 24 hours away"):
        services.cancel(stale, by="patient", reason="Away", now=now)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.BOOKED


# The message names the clinic's phone and email


@override_settings(MEND_PRACTICE_EMAIL="desk@riverside.example")
def test_message_names_the_locations_phone_and_the_practice_email(
    appointment: Appointment, clinic: Location
) -> None:
    assert services.late_change_message(appointment) == (
        "Your visit is less than 24 hours away, so it can no longer be cancelled or moved "
        "online. To change it, please email desk@riverside.example."
    )
    clinic.phone = "+1 555 0100"
    clinic.save()

    # A video visit has no location: the clinician's clinic answers the phone.
    assert "call the clinic on +1 555 0100 or email desk@riverside.example" in (
        services.late_change_message(Appointment.objects.get(pk=appointment.pk))
    )


# The pages


@override_settings(MEND_PRACTICE_EMAIL="desk@riverside.example")
def test_manage_page_inside_the_window_says_to_call_or_email(
    client: Client,
    manage_url: str,
    appointment: Appointment,
    clinic: Location,
    at: Callable[[datetime], datetime],
) -> None:
    clinic.phone = "+1 555 0100"
    clinic.save()
    at(appointment.start - WINDOW)
    outside = client.get(manage_url).content.decode()
    assert "Cancel this visit" in outside
    assert "can no longer be cancelled or moved online" not in outside

    at(appointment.start - WINDOW + SECOND)
    html = client.get(manage_url).content.decode()

    assert "can no longer be cancelled or moved online" in html
    assert 'href="tel:+15550100"' in html
    assert 'href="mailto:desk@riverside.example"' in html
    assert "Late cancellations may be charged half the fee." in html
    assert "Cancel this visit" not in html
    assert "Pick a new time" not in html


def test_patient_post_inside_the_window_is_refused_and_changes_nothing(
    client: Client,
    manage_url: str,
    appointment: Appointment,
    mailbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    at: Callable[[datetime], datetime],
) -> None:
    at(appointment.start - timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        cancel = client.post(manage_url + "cancel/", {"reason": "Sick"})
        move = client.post(manage_url + "move/", {"start": iso(ny(6, 18, 11)), "tz": "UTC"})

    for response in (cancel, move):
        assert response.status_code == 409
        assert "can no longer be cancelled or moved online" in response.content.decode()
    _unchanged(appointment)
    assert mailbox == []


def test_signed_in_patient_is_held_to_the_window(
    client: Client, appointment: Appointment, patient: User, at: Callable[[datetime], datetime]
) -> None:
    client.force_login(patient)
    at(appointment.start - timedelta(hours=3))

    page = client.get(f"/book/visits/{appointment.pk}/").content.decode()
    assert "can no longer be cancelled or moved online" in page
    reschedule = client.get(f"/book/visits/{appointment.pk}/reschedule/?date=2026-06-18")
    assert "can no longer be cancelled or moved online" in reschedule.content.decode()
    assert f'value="{iso(ny(6, 18, 11))}"' not in reschedule.content.decode()
    response = client.post(f"/book/visits/{appointment.pk}/cancel/", {"reason": "Sick"})

    assert response.status_code == 409
    _unchanged(appointment)


def test_the_visits_clinician_cancels_inside_the_window(
    client: Client, appointment: Appointment, ana: Clinician, at: Callable[[datetime], datetime]
) -> None:
    client.force_login(ana.user)
    at(appointment.start - timedelta(hours=3))

    assert "Cancel this visit" in client.get(f"/book/visits/{appointment.pk}/").content.decode()
    response = client.post(f"/book/visits/{appointment.pk}/cancel/", {"reason": "Unwell"})

    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_by == Appointment.CancelledBy.CLINIC


def test_front_desk_with_the_permission_moves_inside_the_window(
    client: Client,
    appointment: Appointment,
    make_user: Callable[..., User],
    at: Callable[[datetime], datetime],
) -> None:
    desk = make_user("desk@clinic.example", role=roles.CLINICIAN)
    desk.user_permissions.add(Permission.objects.get(codename="change_appointment"))
    client.force_login(desk)
    at(appointment.start - timedelta(hours=3))

    response = client.post(
        f"/book/visits/{appointment.pk}/move/", {"start": iso(ny(6, 18, 11)), "tz": "UTC"}
    )

    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.start == ny(6, 18, 11)


def test_the_manage_link_acts_for_the_patient_even_for_staff(
    client: Client,
    manage_url: str,
    appointment: Appointment,
    ana: Clinician,
    at: Callable[[datetime], datetime],
) -> None:
    client.force_login(ana.user)
    at(appointment.start - timedelta(hours=3))

    assert client.post(manage_url + "cancel/", {"reason": "Sick"}).status_code == 409
    _unchanged(appointment)
