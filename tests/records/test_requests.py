"""The patient asks at /me/delete/; an admin sees the request and carries it out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from mend.accounts.models import User
from mend.records import services
from mend.records.models import ErasureRequest, LegalHold
from tests.records.conftest import NOW, PASSWORD, Record, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client: Client, record: Record, patient: User) -> Client:
    with time_machine.travel(NOW, tick=False):
        return sign_in(client, patient)


def test_the_page_says_what_is_kept_and_until_when(signed_in: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        response = signed_in.get("/me/delete/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = response.content.decode()
    assert "Your clinical record is kept until 4 November 2033" in text  # 7 years after now
    assert "/me/export/" in text


def test_asking_records_the_request_due_in_a_month(
    signed_in: Client, patient: User, django_capture_on_commit_callbacks: Any
) -> None:
    # 09:00 UTC, 4 November 2026: due by 4 December.
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/me/delete/request/", {"confirm": "on"}, follow=True)

    erasure = ErasureRequest.objects.get()
    assert (erasure.patient, erasure.requested_at) == (patient, NOW)
    assert erasure.due_by == dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    assert "carried out by 04 December 2026" in response.content.decode()
    assert "by 2026-12-04" in mail.outbox[-1].subject
    assert patient.email not in mail.outbox[-1].body


def test_without_the_confirmation_nothing_is_asked(signed_in: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        response = signed_in.post("/me/delete/request/", {})

    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_asking_twice_says_so(signed_in: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        signed_in.post("/me/delete/request/", {"confirm": "on"})
        again = signed_in.post("/me/delete/request/", {"confirm": "on"})
        page = signed_in.get("/me/delete/")

    assert again.status_code == 409  # the page shows the request waiting, no form
    assert ErasureRequest.objects.count() == 1
    assert "will carry it out by 4 December 2026" in page.content.decode()


def test_asking_needs_the_password_again(client: Client, record: Record, patient: User) -> None:
    with time_machine.travel(NOW, tick=False):
        client.post("/accounts/login/", {"login": patient.email, "password": PASSWORD})
        response = client.post("/me/delete/request/", {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ErasureRequest.objects.exists()


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    for url in ("/me/delete/", "/me/delete/request/"):
        response = client.post(url) if url.endswith("request/") else client.get(url)
        assert response["Location"].startswith("/accounts/login/")


def test_wrong_methods_are_405(client: Client, patient: User) -> None:
    client.force_login(patient)
    assert client.post("/me/delete/").status_code == 405
    assert client.get("/me/delete/request/").status_code == 405


# The admin


def test_the_admin_lists_requests_and_holds(
    admin_client: Client, record: Record, patient: User
) -> None:
    services.request_erasure(patient, now=NOW)

    listing = admin_client.get("/admin/records_requests/")
    assert listing.status_code == 200
    assert "/admin/records/erasure/" in listing.content.decode()
    assert admin_client.get("/admin/records_holds/").status_code == 200
    assert admin_client.get("/admin/records_requests/new/").status_code in (302, 403)


def test_the_admin_carries_out_a_request(
    admin_client: Client, record: Record, patient: User, admin: User
) -> None:
    erasure = services.request_erasure(patient, now=NOW)
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        page = admin_client.get(f"/admin/records/erasure/{erasure.pk}/")
        refused = admin_client.post(f"/admin/records/erasure/{erasure.pk}/carry-out/", {})
        still_pending = ErasureRequest.objects.pending().exists()
        done = admin_client.post(
            f"/admin/records/erasure/{erasure.pk}/carry-out/", {"confirm": "on"}
        )

    assert "Clinical records are kept until 2033-11-06" in page.content.decode()
    assert refused.status_code == 400 and still_pending
    assert done.status_code == 303
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE and erasure.carried_out_by == admin
    assert not User.objects.get(pk=patient.pk).is_active


def test_only_admins_see_the_staff_pages(
    client: Client, record: Record, patient: User, clinician: User, stranger: User
) -> None:
    erasure = services.request_erasure(patient, now=NOW)
    for user in (patient, clinician, stranger):
        client.force_login(user)
        assert client.get(f"/admin/records/erasure/{erasure.pk}/").status_code in (302, 404)
        client.post(f"/admin/records/erasure/{erasure.pk}/carry-out/", {"confirm": "on"})
    assert ErasureRequest.objects.pending().exists()


def test_the_admin_places_and_lifts_a_hold(
    admin_client: Client, record: Record, patient: User, admin: User
) -> None:
    response = admin_client.post(
        "/admin/records_holds/new/", {"patient": patient.pk, "reason": "Claim 2026/114"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.placed_by == admin and services.retention_for(patient, now=NOW).held

    lifted = admin_client.post(f"/admin/records/erasure/holds/{hold.pk}/lift/")
    assert lifted.status_code == 303
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by == admin
