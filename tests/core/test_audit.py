"""The audit log: staff reads recorded where data is fetched, one insert per request;
sign-in, sign-out and failures with the client's address; the rows never change; the
patient sees who looked; the admin searches and exports it.

The clock: NOW is 09:00 UTC on Wednesday 4 November 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode
from mend.core import audit
from mend.core.models import AuditEvent, AuditLogIsAppendOnly
from mend.core.roles import CLINICIAN, PATIENT

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
ADDRESS = "203.0.113.9"


def _episode(patient: User, clinician: User) -> Episode:
    return care.open_or_join(patient=patient, clinician=clinician, now=NOW, source="admin")


@pytest.fixture
def patients(make_user: Callable[..., User], clinician: User) -> list[User]:
    cast = [make_user(f"patient{n}@mail.example", role=PATIENT) for n in range(3)]
    for patient in cast:
        _episode(patient, clinician)
    return cast


def _audit_inserts(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and "core_auditevent" in q["sql"]
    ]  # fmt: skip


# Staff reads


def test_a_list_of_patients_writes_one_event_per_patient_in_one_insert(
    client: Client, clinician: User, patients: list[User]
) -> None:
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/clinic/care/", REMOTE_ADDR=ADDRESS)

    assert response.status_code == 200
    assert len(_audit_inserts(queries)) == 1
    events = AuditEvent.objects.filter(action=AuditEvent.Action.READ)
    assert sorted(e.patient_id for e in events) == sorted(p.pk for p in patients)
    assert {(e.actor_id, e.actor_role, e.client_address, e.path) for e in events} == {
        (clinician.pk, CLINICIAN, ADDRESS, "/clinic/care/")
    }


def test_the_clinicians_patient_page_records_the_patient_once(
    client: Client, clinician: User, patient: User
) -> None:
    _episode(patient, clinician)
    client.force_login(clinician)

    assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 200

    event = AuditEvent.objects.get(action="read")
    assert (event.action, event.patient_id, event.patient_label) == (
        "read", patient.pk, patient.email,
    )  # fmt: skip
    assert (event.actor_label, event.actor_email) == ("Dr. Sam Okafor", clinician.email)


def test_a_stranger_clinician_gets_404_and_nothing_is_recorded(
    client: Client, other_clinician: User, clinician: User, patient: User
) -> None:
    _episode(patient, clinician)
    client.force_login(other_clinician)

    assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="read").exists()


def test_the_patient_reading_their_own_pages_writes_nothing(
    client: Client, clinician: User, patient: User
) -> None:
    _episode(patient, clinician)
    client.force_login(patient)

    for page in ("/me/care/", "/me/access/", "/me/outcomes/"):
        assert client.get(page).status_code == 200
    assert not AuditEvent.objects.filter(action="read").exists()


def test_a_read_by_the_patient_themselves_is_not_recorded(patient: User) -> None:
    request = RequestFactory().get("/")
    request.user = patient
    audit.read(request, patient)
    assert not AuditEvent.objects.exists()


def test_outside_a_request_an_event_is_written_at_once(patient: User, clinician: User) -> None:
    audit.record(clinician, action=AuditEvent.Action.EXPORT, patient=patient, detail="FHIR")
    event = AuditEvent.objects.get()
    assert (event.actor_id, event.patient_id, event.client_address) == (
        clinician.pk, patient.pk, "",
    )  # fmt: skip


# Append-only


@pytest.fixture
def event(patient: User, clinician: User) -> AuditEvent:
    found = audit.record(clinician, action=AuditEvent.Action.READ, patient=patient)
    assert found is not None
    return found


def test_an_event_cannot_be_changed_or_deleted_through_django(event: AuditEvent) -> None:
    event.detail = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().detail == ""


def test_the_database_refuses_an_update(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET detail = 'tampered'")
    assert AuditEvent.objects.get().detail == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_delete(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == 1


def test_deleting_an_account_leaves_its_events_as_they_were(
    event: AuditEvent, clinician: User
) -> None:
    clinician.delete()
    kept = AuditEvent.objects.get()
    assert (kept.actor_id, kept.actor_label) == (event.actor_id, "Dr. Sam Okafor")


# Signing in and out


def test_sign_in_and_sign_out_are_recorded_with_the_client_address(
    client: Client, patient: User, verified: Callable[[User], User]
) -> None:
    verified(patient)
    response = client.post(
        "/accounts/login/", {"login": patient.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR=ADDRESS)

    events = list(
        AuditEvent.objects.order_by("pk").values_list("action", "actor_id", "client_address")
    )
    assert events == [("sign-in", patient.pk, ADDRESS), ("sign-out", patient.pk, ADDRESS)]


def test_a_failed_sign_in_is_recorded_with_the_address_tried(
    client: Client, patient: User, verified: Callable[[User], User]
) -> None:
    verified(patient)
    response = client.post(
        "/accounts/login/", {"login": patient.email, "password": "wrong"}, REMOTE_ADDR=ADDRESS
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.client_address) == (
        "sign-in-failed", None, ADDRESS,
    )  # fmt: skip
    assert patient.email in event.detail
    assert PASSWORD not in event.detail and "wrong" not in event.detail


@pytest.mark.skipif(not apps.is_installed("allauth.mfa"), reason="allauth.mfa is not enabled")
def test_an_mfa_change_is_recorded(clinician: User) -> None:
    from allauth.mfa import signals

    request = RequestFactory().post("/accounts/2fa/totp/activate/", REMOTE_ADDR=ADDRESS)
    request.user = clinician
    authenticator = SimpleNamespace(type="totp")
    signals.authenticator_added.send(
        sender=object, request=request, user=clinician, authenticator=authenticator
    )

    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.detail, event.client_address) == (
        "mfa-change", clinician.pk, "totp added", ADDRESS,
    )  # fmt: skip


# The patient's view: /me/access/


def test_the_patient_sees_who_looked_and_when(
    client: Client, clinician: User, patient: User
) -> None:
    _episode(patient, clinician)
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.pk}/")
    client.force_login(patient)

    page = client.get("/me/access/")

    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    assert "Dr. Sam Okafor (clinician)" in text
    assert "Read" in text


def test_a_stranger_sees_only_their_own_access(
    client: Client, clinician: User, patient: User, stranger: User
) -> None:
    _episode(patient, clinician)
    client.force_login(clinician)
    client.get(f"/clinic/patients/{patient.pk}/")
    client.force_login(stranger)

    text = client.get("/me/access/").content.decode()

    assert "Dr. Sam Okafor" not in text
    assert "Nobody else has opened your record." in text


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/me/access/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_access_page_refuses_post(client: Client, patient: User) -> None:
    client.force_login(patient)
    assert client.post("/me/access/").status_code == 405


# The admin's view


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("boss@clinic.example", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client: Client, admin: User) -> Client:
    client.force_login(admin)
    return client


def _events_for(patient: User, clinician: User, other: User) -> None:
    audit.record(clinician, action=AuditEvent.Action.READ, patient=patient)
    audit.record(clinician, action=AuditEvent.Action.READ, patient=other)


def test_the_admin_searches_the_log(
    admin_client: Client, clinician: User, patient: User, stranger: User
) -> None:
    _events_for(patient, clinician, stranger)

    page = admin_client.get("/admin/audit_log/", {"q": "stranger@mail.example"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "stranger@mail.example" in text and "patient@mail.example" not in text


def test_the_admin_filters_by_action(admin_client: Client, clinician: User, patient: User) -> None:
    audit.record(clinician, action=AuditEvent.Action.READ, patient=patient)
    audit.record(clinician, action=AuditEvent.Action.EXPORT, patient=patient, detail="FHIR bundle")

    page = admin_client.get("/admin/audit_log/", {"action": "export"})

    assert page.status_code == 200
    rows = list(page.context["object_list"])
    assert [row.action for row in rows] == ["export"]


def test_the_admin_exports_the_log_as_csv(
    admin_client: Client, clinician: User, patient: User, stranger: User
) -> None:
    _events_for(patient, clinician, stranger)

    response = admin_client.get("/admin/audit_log/", {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "audit-log" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    lines = body.strip().splitlines()
    assert lines[0].startswith("Time,Action,Actor,")
    assert len([line for line in lines if ",read," in line]) == 2
    assert "patient@mail.example" in body and "stranger@mail.example" in body


def test_nobody_adds_edits_or_deletes_events_in_the_admin(
    admin_client: Client, event: AuditEvent
) -> None:
    for url in (
        "/admin/audit_log/new/",
        f"/admin/audit_log/edit/{event.pk}/",
        f"/admin/audit_log/delete/{event.pk}/",
    ):
        assert admin_client.get(url).status_code in {302, 403, 404}, url
    assert admin_client.post(f"/admin/audit_log/delete/{event.pk}/").status_code in {302, 403, 404}
    assert admin_client.get(f"/admin/audit_log/inspect/{event.pk}/").status_code == 200
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_clinician_cannot_open_the_log(client: Client, clinician: User) -> None:
    clinician.is_staff = True
    clinician.save()
    client.force_login(clinician)
    assert client.get("/admin/audit_log/").status_code in {302, 403}


def test_the_admins_listing_of_episodes_records_each_patient(
    admin_client: Client, admin: User, clinician: User, patients: list[User]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get("/admin/care_episodes/").status_code == 200

    assert len(_audit_inserts(queries)) == 1
    events = AuditEvent.objects.filter(action="read", actor_id=admin.pk)
    assert sorted(e.patient_id for e in events) == sorted(p.pk for p in patients)


def test_an_admin_change_is_recorded(
    admin_client: Client, admin: User, clinician: User, patient: User
) -> None:
    episode = _episode(patient, clinician)
    form: dict[str, Any] = {
        "patient": str(patient.pk), "clinician": str(clinician.pk), "reason": "Knee, stairs",
        "region": "knee", "status": "active", "opened_at": "2026-11-04 09:00",
        "discharged_at": "", "discharge_note": "",
    }  # fmt: skip

    response = admin_client.post(f"/admin/care_episodes/edit/{episode.pk}/", form)

    assert response.status_code == 302
    change = AuditEvent.objects.get(action="change")
    assert (change.actor_id, change.patient_id, change.object_type, change.object_id) == (
        admin.pk, patient.pk, "care.episode", str(episode.pk),
    )  # fmt: skip
