"""An admin opens, corrects and closes episodes in the back office."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mend.accounts.models import User
from mend.care.models import Episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, make_user: Callable[..., User]) -> Client:
    client.force_login(make_user("boss@clinic.example", is_staff=True, is_superuser=True))
    return client


def episode_form(patient: User, clinician: User, **changes: str) -> dict[str, str]:
    return {
        "patient": str(patient.pk),
        "clinician": str(clinician.pk),
        "reason": "Knee pain on stairs",
        "region": "knee",
        "status": "active",
        "opened_at": "2026-11-04 09:00",
        "discharged_at": "",
        "discharge_note": "",
    } | changes


@pytest.mark.parametrize("section", ["care_episodes", "care_invitations", "care_review_times"])
def test_every_care_listing_opens(admin_client: Client, section: str) -> None:
    assert admin_client.get(f"/admin/{section}/").status_code == 200


def test_an_admin_opens_an_episode(admin_client: Client, patient: User, clinician: User) -> None:
    response = admin_client.post("/admin/care_episodes/new/", episode_form(patient, clinician))

    assert response.status_code == 302
    episode = Episode.objects.get()
    assert (episode.patient, episode.clinician, episode.source) == (
        patient, clinician, Episode.Source.ADMIN,
    )  # fmt: skip
    assert episode in Episode.objects.granting(clinician)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "finished"}, "A discharged episode needs its time of discharge."),
        (
            {"discharged_at": "2026-11-05 09:00"},
            "A discharged episode needs its time of discharge.",
        ),
    ],
)
def test_an_inconsistent_discharge_is_refused_with_a_message(
    admin_client: Client, patient: User, clinician: User, changes: dict[str, str], message: str
) -> None:
    response = admin_client.post(
        "/admin/care_episodes/new/", episode_form(patient, clinician, **changes)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Episode.objects.exists()


def test_a_second_open_episode_for_the_pair_is_refused_with_a_message(
    admin_client: Client, patient: User, clinician: User
) -> None:
    admin_client.post("/admin/care_episodes/new/", episode_form(patient, clinician))

    again = admin_client.post("/admin/care_episodes/new/", episode_form(patient, clinician))

    assert again.status_code == 200
    assert "already has an open episode" in again.content.decode()
    assert Episode.objects.count() == 1


def test_the_admin_cannot_make_a_clinician_their_own_patient(
    admin_client: Client, clinician: User
) -> None:
    response = admin_client.post("/admin/care_episodes/new/", episode_form(clinician, clinician))

    assert response.status_code == 200
    assert "cannot be their own patient" in response.content.decode()
    assert not Episode.objects.exists()
