"""Severe pain (8/10 or more) stops the program at once, asks about a sudden event,
flags the episode, and waits for the clinician; the pain rule flags the episode too."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client

from mend.accounts.models import User
from mend.booking.models import Clinician
from mend.care import services as care
from mend.care.models import Flag
from mend.exercises import services
from mend.exercises.models import Assignment, Exercise, SessionLog
from tests.exercises.conftest import NOW

pytestmark = pytest.mark.django_db


def log_form(**changes: str) -> dict[str, Any]:
    return {
        "done": ["1"], "pain_during": "3", "pain_now": "2", "effort": "6", "note": "",
        "token": str(uuid.uuid4()),
    } | changes  # fmt: skip


@pytest.fixture
def signed_in(client: Client, patient: User) -> Client:
    client.force_login(patient)
    return client


def severe_log(signed_in: Client, assignment: Assignment, **pain: str) -> SessionLog:
    response = signed_in.post(f"/me/programs/{assignment.program_id}/log/", log_form(**pain))
    log = SessionLog.objects.latest("pk")
    assert response.status_code == 303
    assert response["Location"] == f"/me/programs/{assignment.program_id}/sudden/{log.pk}/"
    return log


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("pain", [{"pain_during": "8"}, {"pain_now": "9"}])
def test_severe_pain_during_or_now_asks_about_a_sudden_event(
    signed_in: Client, assignment: Assignment, pain: dict[str, str]
) -> None:
    log = severe_log(signed_in, assignment, **pain)

    page = signed_in.get(f"/me/programs/{assignment.program_id}/sudden/{log.pk}/")
    html = page.content.decode()
    assert "Did something sudden happen?" in html
    assert "a pop or snap at the back of the ankle" in html
    assert 'type="radio"' in html and "Not sure" in html


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
def test_pain_below_severe_asks_nothing(signed_in: Client, assignment: Assignment) -> None:
    response = signed_in.post(
        f"/me/programs/{assignment.program_id}/log/", log_form(pain_during="7", pain_now="7")
    )
    assert response["Location"].endswith("#progress")


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_yes_or_not_sure_says_get_care_today_stops_and_flags(
    signed_in: Client, assignment: Assignment, answer: str
) -> None:
    log = severe_log(signed_in, assignment, pain_during="9", pain_now="8")

    response = signed_in.post(
        f"/me/programs/{assignment.program_id}/sudden/{log.pk}/", {"answer": answer}
    )

    html = response.content.decode()
    assert "Get medical care today" in html
    assert "Call 911 now" in html
    assignment.refresh_from_db()
    assert assignment.paused_at == NOW
    flag = Flag.objects.get()
    assert (flag.episode, flag.cause) == (assignment.episode, Flag.Cause.SEVERE_PAIN)
    assert "Pain 9/10 during and 8/10 after" in flag.detail
    program = signed_in.get(f"/me/programs/{assignment.program_id}/").content.decode()
    assert "This program is stopped after severe pain" in program
    refused = signed_in.post(f"/me/programs/{assignment.program_id}/log/", log_form())
    assert refused.status_code == 409
    assert SessionLog.objects.count() == 1


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
def test_no_says_stop_until_a_clinician_has_looked_with_the_clinician_preselected(
    signed_in: Client, assignment: Assignment, settings: Any
) -> None:
    profile = Clinician.objects.create(user=assignment.clinician, display_name="Dr. Sam")
    log = severe_log(signed_in, assignment, pain_during="8")

    response = signed_in.post(
        f"/me/programs/{assignment.program_id}/sudden/{log.pk}/", {"answer": "no"}
    )

    html = response.content.decode()
    assert "Stop this program until a clinician has looked" in html
    assert f'href="/book/?clinician={profile.pk}"' in html
    assignment.refresh_from_db()
    assert assignment.paused_at is not None
    assert Flag.objects.get().cause == Flag.Cause.SEVERE_PAIN


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
def test_a_missing_answer_is_shown_at_the_field_and_stops_nothing(
    signed_in: Client, assignment: Assignment
) -> None:
    log = severe_log(signed_in, assignment, pain_during="8")

    response = signed_in.post(f"/me/programs/{assignment.program_id}/sudden/{log.pk}/", {})

    assert response.status_code == 400
    assert "Choose yes, no or not sure." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.paused_at is None and not Flag.objects.exists()


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
def test_only_the_patient_answers_for_their_own_session(
    client: Client, assignment: Assignment, stranger: User, clinician: User, signed_in: Client
) -> None:
    log = severe_log(signed_in, assignment, pain_during="8")
    for who in (stranger, clinician):
        client.force_login(who)
        url = f"/me/programs/{assignment.program_id}/sudden/{log.pk}/"
        assert client.post(url, {"answer": "no"}).status_code == 404
    log.refresh_from_db()
    assert not log.sudden_answered_at


def stopped_after_severe_pain(assignment: Assignment, patient: User) -> None:
    outcome = services.log_session(
        assignment, by=patient, done=[1], pain_now=2, pain_during=9, effort=None, note="",
        token=uuid.uuid4(), now=NOW,
    )  # fmt: skip
    services.answer_sudden(outcome.log, by=patient, answer="no", now=NOW)


def test_the_clinician_clearing_the_flag_lets_the_program_go_on(
    client: Client, patient: User, clinician: User, assignment: Assignment
) -> None:
    stopped_after_severe_pain(assignment, patient)
    flag = Flag.objects.get()
    client.force_login(clinician)

    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        page = client.get("/clinic/care/").content.decode()
        assert "Severe pain in a session" in page
        refused = client.post(f"/clinic/care/flags/{flag.pk}/clear/", {"note": ""})
        assert refused.status_code == 400
        html = refused.content.decode()
        assert f'id="clear-note-{flag.pk}-error">Say what you did or decided.' in html
        assert Flag.objects.open().exists()
        client.post(f"/clinic/care/flags/{flag.pk}/clear/", {"note": "Seen; no rupture."})

    flag.refresh_from_db()
    assert flag.cleared_by == clinician and flag.clear_note == "Seen; no rupture."
    assignment.refresh_from_db()
    assert assignment.paused_at is None


def test_another_clinician_cannot_clear_the_flag(
    client: Client, patient: User, other_clinician: User, assignment: Assignment
) -> None:
    stopped_after_severe_pain(assignment, patient)
    flag = Flag.objects.get()
    client.force_login(other_clinician)

    assert client.post(f"/clinic/care/flags/{flag.pk}/clear/", {"note": "x"}).status_code == 404
    assert Flag.objects.open().exists()


def test_a_private_routine_stops_without_flagging_anyone(
    patient: User, stretch: Exercise, pass_screen: Any
) -> None:
    own = services.start_routine(
        patient=patient, exercise=stretch, dosage=stretch.dosage, time_zone="UTC", now=NOW
    )
    pass_screen(own)
    outcome = services.log_session(
        own, by=patient, done=[1], pain_now=8, pain_during=8, effort=None, note="",
        token=uuid.uuid4(), now=NOW,
    )  # fmt: skip
    assert outcome.ask_sudden

    services.answer_sudden(outcome.log, by=patient, answer="no", now=NOW)

    own.refresh_from_db()
    assert own.paused_at is not None
    assert not Flag.objects.exists()


def test_the_pain_rule_broken_twice_in_a_week_flags_the_episode_once(
    client: Client, clinician: User, assignment: Assignment, log: Any
) -> None:
    log(assignment, now=NOW, pain_during=6)
    log(assignment, now=NOW + dt.timedelta(days=2), pain_during=7)
    log(assignment, now=NOW + dt.timedelta(days=3), pain_during=7)

    flag = Flag.objects.get()
    assert (flag.cause, flag.episode) == (Flag.Cause.PAIN_RULE, assignment.episode)
    assert "in 2 sessions within 7 days (4 Nov, 6 Nov)" in flag.detail
    care.clear_flag(flag, by=clinician, note="Dosage lowered", now=NOW + dt.timedelta(days=3))
    log(assignment, now=NOW + dt.timedelta(days=4), pain_during=7)
    assert Flag.objects.open().count() == 1  # a new breach after clearing flags again
