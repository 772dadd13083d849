"""Break-glass: an admin sees a patient's record only by giving a reason; it is recorded,
the practice is emailed, and it ends on its own.

The clock: NOW is 09:00 UTC on Wednesday 4 November 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client

from mend.accounts.models import User
from mend.care import services
from mend.care.models import BreakGlass, Episode
from mend.core.models import AuditEvent
from mend.exercises.models import Assignment
from tests.care.conftest import NOW

pytestmark = pytest.mark.django_db

REASON = "Patient phoned after a fall; their clinician is away"


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("boss@clinic.example", is_staff=True, is_superuser=True)


@pytest.fixture
def episode(patient: User, clinician: User) -> Episode:
    return services.open_or_join(
        patient=patient, clinician=clinician, now=NOW - dt.timedelta(days=3), source="admin"
    )


def _open(client: Client, patient: User, reason: str = REASON) -> Any:
    return client.post("/clinic/break-glass/open/", {"patient": patient.email, "reason": reason})


def test_an_admin_without_a_grant_gets_404_on_a_patient_page(
    client: Client, admin: User, patient: User, episode: Episode
) -> None:
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False):
        assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 404
        assert client.get(f"/clinic/outcomes/{episode.pk}/").status_code == 404
    assert not Episode.objects.visible_to(admin).exists()
    assert not Assignment.objects.visible_to(admin).exists()


def test_with_a_reason_the_admin_sees_the_record_and_it_is_recorded_and_emailed(
    client: Client,
    admin: User,
    patient: User,
    episode: Episode,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = _open(client, patient)
        page = client.get(f"/clinic/patients/{patient.pk}/")

    assert response.status_code == 303 and response["Location"] == "/clinic/break-glass/"
    assert page.status_code == 200
    grant = BreakGlass.objects.get()
    assert (grant.admin, grant.patient, grant.reason) == (admin, patient, REASON)
    assert grant.expires_at == NOW + dt.timedelta(minutes=settings.MEND_BREAK_GLASS_MINUTES)
    opened = AuditEvent.objects.get(action="break-glass")
    assert (opened.actor_id, opened.patient_id, opened.detail) == (admin.pk, patient.pk, REASON)
    read = AuditEvent.objects.get(action="read")
    assert (read.actor_id, read.patient_id, read.actor_role) == (admin.pk, patient.pk, "admin")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [settings.MEND_PRACTICE_EMAIL]
    assert "boss@clinic.example" in email.body
    assert patient.email not in email.body and REASON not in email.body


def test_the_patient_sees_the_break_glass_on_their_access_page(
    client: Client, admin: User, patient: User, episode: Episode
) -> None:
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False):
        _open(client, patient)
        client.force_login(patient)
        text = client.get("/me/access/").content.decode()
    assert "(admin)" in text and "emergency access" in text


def test_the_grant_expires(client: Client, admin: User, patient: User, episode: Episode) -> None:
    client.force_login(admin)
    minutes = settings.MEND_BREAK_GLASS_MINUTES
    with time_machine.travel(NOW, tick=False):
        _open(client, patient)
    # 09:59 UTC: still open; 10:00 UTC: closed.
    with time_machine.travel(NOW + dt.timedelta(minutes=minutes - 1), tick=False):
        assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(minutes=minutes), tick=False):
        assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 404
        assert not Episode.objects.visible_to(admin).exists()


def test_a_grant_opens_only_that_patient(
    client: Client, admin: User, patient: User, stranger: User, clinician: User, episode: Episode
) -> None:
    other = services.open_or_join(patient=stranger, clinician=clinician, now=NOW, source="admin")
    client.force_login(admin)
    with time_machine.travel(NOW, tick=False):
        _open(client, patient)
        assert list(Episode.objects.visible_to(admin)) == [episode]
        assert client.get(f"/clinic/patients/{stranger.pk}/").status_code == 404
    assert other not in Episode.objects.visible_to(admin, now=NOW)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"patient": "patient@mail.example", "reason": "because"}, "reason", "at least 10"),
        ({"patient": "patient@mail.example", "reason": "          x"}, "reason", "at least 10"),
        ({"patient": "not an address", "reason": REASON}, "patient", "valid email"),
        ({"patient": "nobody@mail.example", "reason": REASON}, "patient", "No account"),
        ({"patient": "boss@clinic.example", "reason": REASON}, "patient", "own record"),
    ],
)
def test_bad_input_is_shown_at_the_field_and_nothing_is_opened(
    client: Client,
    admin: User,
    patient: User,
    data: dict[str, str],
    field: str,
    message: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/clinic/break-glass/open/", data)

    assert response.status_code in {400, 409}
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not BreakGlass.objects.exists()
    assert not AuditEvent.objects.filter(action="break-glass").exists()
    assert mail.outbox == []


def test_the_page_is_private(client: Client, admin: User) -> None:
    client.force_login(admin)
    page = client.get("/clinic/break-glass/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"


def test_opening_needs_a_post(client: Client, admin: User) -> None:
    client.force_login(admin)
    assert client.get("/clinic/break-glass/open/").status_code == 405


@pytest.mark.parametrize("who", ["clinician", "patient", "anonymous"])
def test_anyone_but_an_admin_gets_404(
    client: Client, clinician: User, patient: User, who: str
) -> None:
    if who != "anonymous":
        client.force_login(clinician if who == "clinician" else patient)
    assert client.get("/clinic/break-glass/").status_code == 404
    assert _open(client, patient).status_code == 404
    assert not BreakGlass.objects.exists()


def test_the_service_refuses_a_non_admin(clinician: User, patient: User) -> None:
    with pytest.raises(services.CareError):
        services.break_glass(admin=clinician, patient_email=patient.email, reason=REASON, now=NOW)


def test_the_clinician_of_the_episode_needs_no_grant(
    client: Client, clinician: User, patient: User, episode: Episode
) -> None:
    client.force_login(clinician)
    with time_machine.travel(NOW, tick=False):
        assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 200
