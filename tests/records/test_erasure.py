"""Erasure, model by model: inside the retention period, outside it, and under a legal hold.

Inside retention (the care was a week ago, records kept 7 years) the record
stays on an anonymised account; 8 years on it is deleted with the account;
a legal hold keeps everything whatever the setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.db.models import ProtectedError
from django.test import Client, override_settings

from mend.accounts.models import User
from mend.booking.models import Appointment, CareSeries, Clinician, WaitlistEntry
from mend.care.models import Episode, Invitation
from mend.community.models import Comment, ContactMessage
from mend.core.models import AuditEvent
from mend.exercises.models import Assignment, Program, SessionLog
from mend.outcomes.models import Response
from mend.records import services
from mend.records.models import ErasureRequest, LegalHold
from mend.safety.models import ScreenResult
from tests.records.conftest import NOW, Record

pytestmark = pytest.mark.django_db

LATER = NOW + dt.timedelta(days=3)
YEARS_ON = NOW.replace(year=2034)  # eight years after the care: past the 7 years kept


@pytest.fixture
def erase(patient: User, admin: User) -> Callable[..., ErasureRequest]:
    def run(*, now: dt.datetime = LATER) -> ErasureRequest:
        if now >= YEARS_ON:  # the care ended when the episode was discharged, at NOW
            Episode.objects.filter(patient=patient).update(
                status=Episode.Status.FINISHED, discharged_at=NOW
            )
        erasure = services.request_erasure(patient, now=now - dt.timedelta(days=1))
        return services.erase(erasure, by=admin, now=now)

    return run


@pytest.fixture
def hold(patient: User, admin: User) -> LegalHold:
    return services.place_hold(patient=patient, reason="Claim 2026/114", by=admin, now=NOW)


def exists(row: object) -> bool:
    return type(row).objects.filter(pk=row.pk).exists()  # type: ignore[attr-defined]


# The account


def test_inside_retention_the_account_is_anonymised_and_closed(
    record: Record, patient: User, erase: Callable[..., ErasureRequest], client: Client
) -> None:
    client.force_login(patient)
    erase()
    patient.refresh_from_db()

    assert patient.email.endswith("@erased.invalid") and "mail.example" not in patient.email
    assert (patient.first_name, patient.last_name, patient.display_name) == ("", "", "")
    assert not patient.is_active and not patient.has_usable_password()
    assert not patient.groups.exists()
    assert not EmailAddress.objects.filter(user=patient).exists()
    assert not Session.objects.exists()
    assert client.get("/me/").status_code == 302  # signed out


def test_outside_retention_the_account_is_deleted(
    record: Record, patient: User, erase: Callable[..., ErasureRequest]
) -> None:
    erasure = erase(now=YEARS_ON)

    assert not User.objects.filter(pk=patient.pk).exists()
    assert erasure.patient_id is None and erasure.status == ErasureRequest.Status.DONE
    assert "Account and records deleted" in erasure.outcome
    assert "mail.example" not in erasure.outcome


def test_with_no_clinical_record_everything_goes_at_once(
    stranger: User, admin: User, verified: Callable[[User], User]
) -> None:
    verified(stranger)
    erasure = services.request_erasure(stranger, now=NOW)
    services.erase(erasure, by=admin, now=NOW)

    assert not User.objects.filter(pk=stranger.pk).exists()
    assert not EmailAddress.objects.exists()


def test_a_legal_hold_keeps_the_record_past_retention(
    record: Record, patient: User, hold: LegalHold, erase: Callable[..., ErasureRequest]
) -> None:
    erasure = erase(now=YEARS_ON)

    assert User.objects.filter(pk=patient.pk, is_active=False).exists()
    assert "legal hold" in erasure.outcome
    assert exists(record.episode) and exists(record.own_routine) and exists(record.guide_screen)


@override_settings(MEND_RECORD_RETENTION_YEARS=0)
def test_retention_follows_the_setting(
    record: Record, patient: User, erase: Callable[..., ErasureRequest]
) -> None:
    erase()
    assert not User.objects.filter(pk=patient.pk).exists()


def test_an_open_episode_is_care_now(record: Record, patient: User) -> None:
    retention = services.retention_for(patient, now=YEARS_ON)

    assert retention.last_care == YEARS_ON  # the episode was never discharged
    assert retention.keeps_record


# Model by model


def test_episodes_are_kept_and_closed_inside_retention_and_deleted_outside(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase()
    episode = Episode.objects.get(pk=record.episode.pk)
    assert episode.status == Episode.Status.FINISHED and "erased" in episode.discharge_note
    assert exists(record.response)  # answered questionnaires stay with their episode


def test_episodes_and_their_questionnaires_go_outside_retention(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase(now=YEARS_ON)
    assert not Episode.objects.exists() and not Response.objects.exists()
    assert not Invitation.objects.exists()


def test_visits_lose_contact_details_and_their_manage_link(
    record: Record, erase: Callable[..., ErasureRequest], client: Client
) -> None:
    old_token = record.visit.manage_token()
    erase()
    visit = Appointment.objects.get(pk=record.visit.pk)

    assert (visit.name, visit.email, visit.phone) == ("", "", "")
    assert visit.intake_answers  # the clinical content stays
    assert visit.manage_revoked_at == LATER
    assert client.get(f"/book/manage/{old_token}/").status_code == 404
    series = CareSeries.objects.get(pk=record.series.pk)
    assert (series.name, series.email) == ("", "")


def test_future_visits_are_cancelled_inside_retention(
    record: Record, patient: User, erase: Callable[..., ErasureRequest]
) -> None:
    Appointment.objects.filter(pk=record.visit.pk).update(
        status=Appointment.Status.BOOKED,
        start=LATER + dt.timedelta(days=2),
        end=LATER + dt.timedelta(days=2, minutes=30),
        busy_from=LATER + dt.timedelta(days=2),
        busy_until=LATER + dt.timedelta(days=2, minutes=30),
    )
    erase()
    assert Appointment.objects.get(pk=record.visit.pk).status == Appointment.Status.CANCELLED


def test_visits_and_plans_of_care_go_outside_retention(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase(now=YEARS_ON)
    assert not Appointment.objects.exists() and not CareSeries.objects.exists()


def test_programs_from_care_stay_and_own_routines_go_inside_retention(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase()
    assert exists(record.assignment) and exists(record.log)
    assert not Assignment.objects.get(pk=record.assignment.pk).morning_email
    assert not exists(record.own_routine)
    assert not Program.objects.filter(pk=record.own_routine.program_id).exists()


def test_programs_and_logs_go_outside_retention(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase(now=YEARS_ON)
    assert not Assignment.objects.exists() and not SessionLog.objects.exists()
    assert not Program.objects.filter(pk=record.assignment.program_id).exists()


def test_screens_in_care_stay_and_the_guides_go_inside_retention(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase()
    assert exists(record.screen) and not exists(record.guide_screen)


def test_screens_go_outside_retention(record: Record, erase: Callable[..., ErasureRequest]) -> None:
    erase(now=YEARS_ON)
    assert not ScreenResult.objects.exists()


def test_comments_are_signed_former_patient_inside_retention(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase()
    comment = Comment.objects.get(pk=record.comment.pk)
    assert (comment.name, comment.email, comment.ip_hash) == (services.FORMER_PATIENT, "", "")
    assert comment.body == "This helped me."
    assert exists(record.reply_by_other)


def test_outside_retention_comments_go_and_one_with_replies_is_emptied(
    record: Record, erase: Callable[..., ErasureRequest], stranger: User
) -> None:
    alone = Comment.objects.create(
        page_id=record.comment.page_id, name="Pat", email=record.comment.email, body="Thanks",
        created_at=NOW,
    )  # fmt: skip
    erase(now=YEARS_ON)

    assert not exists(alone)
    kept = Comment.objects.get(pk=record.comment.pk)
    assert (kept.name, kept.email, kept.body) == (
        services.FORMER_PATIENT,
        "",
        services.REMOVED_COMMENT,
    )
    assert Comment.objects.get(pk=record.reply_by_other.pk).email == stranger.email


def test_contact_messages_and_waitlist_places_go_in_every_case(
    record: Record, erase: Callable[..., ErasureRequest]
) -> None:
    erase()
    assert not exists(record.contact) and not exists(record.waitlist)


def test_a_hold_keeps_the_patients_own_things_too(
    record: Record, hold: LegalHold, erase: Callable[..., ErasureRequest]
) -> None:
    erase()
    assert exists(record.own_routine) and exists(record.guide_screen)
    assert exists(record.episode) and exists(record.visit)


# The deletion rule at the model level


def test_a_patient_with_a_record_cannot_be_deleted_around_erasure(
    record: Record, patient: User
) -> None:
    with pytest.raises(ProtectedError):
        patient.delete()


def test_deleting_a_clinicians_account_keeps_the_patients_record(
    record: Record, clinician: User
) -> None:
    clinician.delete()

    episode = Episode.objects.get(pk=record.episode.pk)
    assert episode.clinician is None
    assert Assignment.objects.get(pk=record.assignment.pk).clinician is None
    profile = Appointment.objects.get(pk=record.visit.pk).clinician
    assert profile.display_name == "Dr. Sam Okafor" and profile.user is None
    assert not profile.is_active and profile.feed_key == ""
    assert Clinician.objects.get(pk=profile.pk).full_name() == "Dr. Sam Okafor, DPT"


def test_a_waitlist_place_goes_with_the_account(stranger: User) -> None:
    from mend.booking.models import VisitType

    visit_type = VisitType.objects.create(name="Visit", slug="visit", duration_minutes=30)
    WaitlistEntry.objects.create(visit_type=visit_type, name="S", email="s@x.example",
                                 patient=stranger)  # fmt: skip
    stranger.delete()
    assert not WaitlistEntry.objects.exists()


# Audit


def test_request_carry_out_and_hold_are_audited(
    record: Record, patient: User, admin: User, hold: LegalHold,
    erase: Callable[..., ErasureRequest],
) -> None:  # fmt: skip
    erase()
    details = set(AuditEvent.objects.filter(patient_id=patient.pk).values_list("detail", flat=True))

    assert "legal hold placed" in details and "erasure requested" in details
    assert any(detail.startswith("erasure carried out") for detail in details)


def test_a_request_is_carried_out_once(record: Record, patient: User, admin: User) -> None:
    erasure = services.request_erasure(patient, now=NOW)
    services.erase(erasure, by=admin, now=LATER)

    with pytest.raises(services.RecordsError, match="already carried out"):
        services.erase(erasure, by=admin, now=LATER)
    assert ContactMessage.objects.count() == 0
