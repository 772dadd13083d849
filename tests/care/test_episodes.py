"""Episodes open, join and close; invitations are accepted only by the address's owner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from mend.accounts.models import User
from mend.care import services
from mend.care.models import Episode, Invitation
from mend.care.tasks import send_invitation

from .conftest import NOW

pytestmark = pytest.mark.django_db


def open_episode(patient: User, clinician: User, now: dt.datetime = NOW) -> Episode:
    return services.open_or_join(
        patient=patient, clinician=clinician, now=now, source=Episode.Source.ADMIN
    )


def test_opening_twice_joins_the_open_episode(patient: User, clinician: User) -> None:
    first = open_episode(patient, clinician)
    again = open_episode(patient, clinician, NOW + dt.timedelta(days=3))

    assert again == first
    assert Episode.objects.count() == 1
    assert first.opened_at == NOW and first.is_active


def test_after_discharge_a_new_visit_opens_a_new_episode(patient: User, clinician: User) -> None:
    first = open_episode(patient, clinician)
    services.discharge(first, by=clinician, note="Back to running", now=NOW)

    second = open_episode(patient, clinician, NOW + dt.timedelta(days=1))

    assert second != first
    first.refresh_from_db()
    assert (first.status, first.discharged_at, first.discharge_note) == (
        Episode.Status.FINISHED,
        NOW,
        "Back to running",
    )


def test_the_database_allows_one_open_episode_per_pair(patient: User, clinician: User) -> None:
    open_episode(patient, clinician)

    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.create(patient=patient, clinician=clinician, opened_at=NOW)


def test_a_clinician_is_not_their_own_patient(clinician: User) -> None:
    with pytest.raises(services.CareError, match="own patient"):
        open_episode(clinician, clinician)
    assert not Episode.objects.exists()


def test_only_the_episodes_clinician_discharges(
    patient: User, clinician: User, other_clinician: User
) -> None:
    episode = open_episode(patient, clinician)

    with pytest.raises(services.CareError):
        services.discharge(episode, by=other_clinician, note="", now=NOW)
    services.discharge(episode, by=clinician, note="", now=NOW)
    with pytest.raises(services.CareError, match="already closed"):
        services.discharge(episode, by=clinician, note="", now=NOW)


@pytest.mark.parametrize(
    ("days_after", "grants"),
    [(0, True), (30, True), (31, False)],
    ids=["day 0", "day 30", "day 31"],
)
def test_access_lasts_the_window_after_discharge(
    patient: User, clinician: User, days_after: int, grants: bool
) -> None:
    episode = open_episode(patient, clinician)
    services.discharge(episode, by=clinician, note="", now=NOW)

    later = NOW + dt.timedelta(days=days_after)
    assert (episode in Episode.objects.granting(clinician, now=later)) is grants


def test_the_window_is_a_setting(patient: User, clinician: User, settings: Any) -> None:
    settings.MEND_CARE_ACCESS_DAYS = 0
    episode = open_episode(patient, clinician)
    services.discharge(episode, by=clinician, note="", now=NOW)

    assert not Episode.objects.granting(clinician, now=NOW + dt.timedelta(seconds=1)).exists()


def test_an_episode_grants_nothing_once_the_clinician_leaves_the_clinician_group(
    patient: User, clinician: User
) -> None:
    open_episode(patient, clinician)
    clinician.groups.clear()
    fresh = User.objects.get(pk=clinician.pk)  # the group is cached per user object

    assert not Episode.objects.granting(fresh).exists()


# Invitations


def test_an_invitation_is_emailed_once_and_shares_nothing_until_accepted(
    patient: User,
    clinician: User,
    verified: Callable[[User], User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    verified(patient)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            clinician=clinician, email="Patient@Mail.example", reason="Sore knee",
            region="knee", now=NOW,
        )  # fmt: skip

    assert [message.to for message in mailoutbox] == [["Patient@Mail.example"]]
    assert "Dr. Sam Okafor" in mailoutbox[0].subject
    assert "/me/care/" in mailoutbox[0].body
    assert send_invitation.call(invitation.pk) is False  # queued again: not sent again
    assert len(mailoutbox) == 1
    assert not Episode.objects.granting(clinician).exists()
    assert services.invitations_for(patient) == [invitation]

    episode = services.accept(patient=patient, invitation_id=invitation.pk, now=NOW)

    assert (episode.patient, episode.clinician, episode.reason, episode.region) == (
        patient, clinician, "Sore knee", "knee",
    )  # fmt: skip
    assert episode.source == Episode.Source.INVITATION
    invitation.refresh_from_db()
    assert (invitation.status, invitation.episode) == (Invitation.Status.ACCEPTED, episode)
    assert services.invitations_for(patient) == []


def test_an_unverified_address_sees_no_invitation(patient: User, clinician: User) -> None:
    invitation = services.invite(
        clinician=clinician, email=patient.email, reason="", region="", now=NOW
    )

    assert services.invitations_for(patient) == []
    with pytest.raises(services.CareError):
        services.accept(patient=patient, invitation_id=invitation.pk, now=NOW)
    assert not Episode.objects.exists()


def test_someone_else_cannot_accept_an_invitation(
    patient: User, stranger: User, clinician: User, verified: Callable[[User], User]
) -> None:
    verified(patient)
    verified(stranger)
    invitation = services.invite(
        clinician=clinician, email=patient.email, reason="", region="", now=NOW
    )

    with pytest.raises(services.CareError):
        services.accept(patient=stranger, invitation_id=invitation.pk, now=NOW)
    assert not Episode.objects.exists()


def test_declined_invitations_open_nothing_and_cannot_be_accepted_later(
    patient: User, clinician: User, verified: Callable[[User], User]
) -> None:
    verified(patient)
    invitation = services.invite(
        clinician=clinician, email=patient.email, reason="", region="", now=NOW
    )
    services.decline(patient=patient, invitation_id=invitation.pk, now=NOW)

    with pytest.raises(services.CareError):
        services.accept(patient=patient, invitation_id=invitation.pk, now=NOW)
    assert not Episode.objects.exists()


def test_one_waiting_invitation_per_address(clinician: User) -> None:
    services.invite(clinician=clinician, email="jo@mail.example", reason="", region="", now=NOW)

    with pytest.raises(services.CareError, match="already has an invitation"):
        services.invite(clinician=clinician, email="JO@mail.example", reason="", region="", now=NOW)


# Pages


def test_patient_accepts_in_me_care(
    client: Client, patient: User, clinician: User, verified: Callable[[User], User]
) -> None:
    verified(patient)
    invitation = services.invite(
        clinician=clinician, email=patient.email, reason="Stiff neck", region="", now=NOW
    )
    client.force_login(patient)

    page = client.get("/me/care/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert "Dr. Sam Okafor invites you into their care" in page.content.decode()
    assert client.get(f"/me/care/invitations/{invitation.pk}/accept/").status_code == 405
    response = client.post(f"/me/care/invitations/{invitation.pk}/accept/")

    assert response.status_code == 303
    episode = Episode.objects.get()
    assert episode.patient == patient
    html = client.get("/me/care/").content.decode()
    assert "In care since" in html and "Stiff neck" in html
    assert "Dr. Sam Okafor sees" in html  # what the clinician can see
    assert "Dr. Sam Okafor" in client.get("/me/").content.decode()


def test_a_stranger_cannot_answer_someone_elses_invitation(
    client: Client, patient: User, stranger: User, clinician: User, verified: Callable[[User], User]
) -> None:
    verified(patient)
    invitation = services.invite(
        clinician=clinician, email=patient.email, reason="", region="", now=NOW
    )
    client.force_login(stranger)

    for action in ("accept", "decline"):
        assert client.post(f"/me/care/invitations/{invitation.pk}/{action}/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert client.post(f"/me/care/invitations/{invitation.pk}/accept/").status_code == 404


def test_clinician_invites_and_bad_input_is_shown_at_the_field(
    client: Client, clinician: User, mailoutbox: list[Any]
) -> None:
    client.force_login(clinician)

    bad = client.post("/clinic/care/invite/", {"email": "jo@", "reason": "", "region": ""})
    assert bad.status_code == 400
    assert "Give a valid email address." in bad.content.decode()
    self_invite = client.post("/clinic/care/invite/", {"email": clinician.email})
    assert self_invite.status_code == 409
    assert "not yourself" in self_invite.content.decode()
    assert not Invitation.objects.exists()

    good = client.post("/clinic/care/invite/", {"email": "jo@mail.example", "region": "knee"})
    assert good.status_code == 303
    assert Invitation.objects.get().region == "knee"
    page = client.get("/clinic/care/")
    assert "jo@mail.example" in page.content.decode()


def test_clinician_discharges_from_the_care_page(
    client: Client, patient: User, clinician: User
) -> None:
    episode = open_episode(patient, clinician)
    client.force_login(clinician)

    response = client.post(f"/clinic/care/{episode.pk}/discharge/", {"note": "Goals met"})

    assert response.status_code == 303
    episode.refresh_from_db()
    assert (episode.status, episode.discharge_note) == (Episode.Status.FINISHED, "Goals met")
    assert "Recently discharged" in client.get("/clinic/care/").content.decode()


def test_a_too_long_discharge_note_is_refused_at_its_field(
    client: Client, patient: User, clinician: User
) -> None:
    episode = open_episode(patient, clinician)
    client.force_login(clinician)

    response = client.post(f"/clinic/care/{episode.pk}/discharge/", {"note": "x" * 2001})

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="discharge-note-{episode.pk}-error">At most 2000 characters.' in html
    episode.refresh_from_db()
    assert episode.is_active


def test_other_clinicians_and_patients_cannot_discharge(
    client: Client, patient: User, clinician: User, other_clinician: User
) -> None:
    episode = open_episode(patient, clinician)

    for who in (other_clinician, patient):
        client.force_login(who)
        assert client.post(f"/clinic/care/{episode.pk}/discharge/").status_code == 404
    client.logout()
    assert client.post(f"/clinic/care/{episode.pk}/discharge/").status_code == 404
    episode.refresh_from_db()
    assert episode.is_active


def test_clinic_care_pages_are_404_for_patients_and_anonymous(
    client: Client, patient: User
) -> None:
    assert client.get("/clinic/care/").status_code == 404
    client.force_login(patient)
    assert client.get("/clinic/care/").status_code == 404
    assert client.post("/clinic/care/invite/", {"email": "x@mail.example"}).status_code == 404
    assert not Invitation.objects.exists()
