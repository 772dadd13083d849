"""Booking in the Wagtail admin: every model listed and editable; visits not added there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

import pytest
from django.test import Client

from mend.accounts.models import User
from mend.booking.models import Appointment, Clinician, VisitType

from .conftest import ny

pytestmark = pytest.mark.django_db

SECTIONS = (
    "booking_visits",
    "booking_waitlist",
    "booking_clinicians",
    "booking_hours",
    "booking_time_off",
    "booking_visit_types",
    "booking_locations",
)


@pytest.fixture
def admin_client(client: Client, make_user: Callable[..., User]) -> Client:
    client.force_login(make_user("boss@clinic.example", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("section", SECTIONS)
def test_every_booking_listing_opens(admin_client: Client, ana: Clinician, section: str) -> None:
    assert admin_client.get(f"/admin/{section}/").status_code == 200


def test_visit_types_are_added_in_the_admin(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/booking_visit_types/new/",
        {"name": "Group class", "slug": "group-class", "position": "4", "duration_minutes": "45",
         "buffer_before_minutes": "0", "buffer_after_minutes": "0", "price": "20.00",
         "currency": "USD", "allows_in_person": "on", "min_notice_minutes": "60",
         "horizon_days": "30", "cancellation_window_hours": "24", "is_active": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    assert VisitType.objects.get(slug="group-class").duration_minutes == 45


def test_a_visit_type_needs_a_mode(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/booking_visit_types/new/",
        {"name": "Nothing", "slug": "nothing", "position": "4", "duration_minutes": "45",
         "buffer_before_minutes": "0", "buffer_after_minutes": "0", "price": "0",
         "currency": "USD", "min_notice_minutes": "60", "horizon_days": "30",
         "cancellation_window_hours": "24"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "must allow video or in-person" in response.content.decode()
    assert not VisitType.objects.filter(slug="nothing").exists()


def test_visits_are_not_added_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get("/admin/booking_visits/new/").status_code in {302, 403}


def test_editing_a_visit_onto_another_is_refused(
    admin_client: Client, appointment: Appointment, book_visit: Callable[..., Appointment],
    follow_up: VisitType, ana: Clinician,
) -> None:  # fmt: skip
    other = book_visit(follow_up, ny(6, 16, 14), clinician=ana)
    local = appointment.start.astimezone(UTC)

    response = admin_client.post(
        f"/admin/booking_visits/edit/{other.pk}/",
        {"clinician": str(ana.pk), "start": local.strftime("%Y-%m-%d %H:%M"), "mode": "virtual",
         "location": "", "status": "booked", "name": other.name, "email": other.email,
         "phone": "", "patient": "", "cancellation_reason": ""},
    )  # fmt: skip

    assert response.status_code == 200
    assert "another visit at that time" in response.content.decode()
    other.refresh_from_db()
    assert other.start == ny(6, 16, 14)


def test_patients_and_editors_cannot_open_booking_admin(
    client: Client, patient: User, editor: User, appointment: Appointment
) -> None:
    for user in (patient, editor):
        client.force_login(user)
        assert client.get("/admin/booking_visits/").status_code in {302, 403}
