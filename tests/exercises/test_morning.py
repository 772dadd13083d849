"""The morning after a session: asked in /me/ (and by email if the patient chose it),
answered with the time, and morning pain and stiffness watched week to week."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from mend.accounts.models import User
from mend.exercises import services, tasks
from mend.exercises.models import Assignment, SessionLog
from tests.exercises.conftest import NOW

pytestmark = pytest.mark.django_db

NEXT_MORNING = NOW + dt.timedelta(hours=23)  # 08:00 UTC on Thursday 5 November 2026


def test_the_question_waits_in_me_the_morning_after(
    client: Client, patient: User, assignment: Assignment, log: Any
) -> None:
    log(assignment, now=NOW, pain_during=4)
    client.force_login(patient)

    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):  # 11:00 the same day
        assert "settled by this morning" not in client.get("/me/").content.decode()
    with time_machine.travel(NEXT_MORNING, tick=False):
        html = client.get("/me/").content.decode()
        assert "has the pain from your session on Wednesday 4 November settled" in html
        response = client.post(
            f"/me/programs/{assignment.program_id}/settled/",
            {"settled": "yes", "morning_pain": "2", "morning_stiffness": "3", "then": "portal"},
        )

    assert response["Location"] == "/me/"
    answered = SessionLog.objects.get()
    assert answered.settled_next_morning is True
    assert answered.settled_answered_at == NEXT_MORNING
    assert (answered.morning_pain, answered.morning_stiffness) == (2, 3)


def test_a_bad_morning_rating_is_refused_and_nothing_is_stored(
    client: Client, patient: User, assignment: Assignment, log: Any
) -> None:
    log(assignment, now=NOW)
    client.force_login(patient)
    with time_machine.travel(NEXT_MORNING, tick=False):
        response = client.post(
            f"/me/programs/{assignment.program_id}/settled/",
            {"settled": "yes", "morning_pain": "11"},
            follow=True,
        )
    assert "Pain this morning: Rate it from 0 to 10." in response.content.decode()
    assert SessionLog.objects.get().settled_answered_at is None


def test_the_morning_email_goes_at_seven_local_once_and_only_if_chosen(
    patient: User, make_assignment: Any, stretch: Any, log: Any, mailoutbox: list[Any]
) -> None:
    assignment = make_assignment(stretch, time_zone="America/New_York")
    first = log(assignment, now=NOW).log  # 04:00 in New York on Wednesday 4 November

    # 07:00 on Thursday 5 November in New York (EST) is 12:00 UTC.
    assert tasks.morning_after(first) == dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC)
    assert tasks.send_morning_check.call(first.pk) is False  # not chosen
    services.set_morning_email(assignment, by=patient, wanted=True)

    assert tasks.send_morning_check.call(first.pk) is True
    assert tasks.send_morning_check.call(first.pk) is False  # queued twice: sent once
    assert [message.to for message in mailoutbox] == [[patient.email]]
    assert "/me/" in mailoutbox[0].body


def test_no_morning_email_once_the_question_is_answered(
    patient: User, assignment: Assignment, log: Any, mailoutbox: list[Any]
) -> None:
    services.set_morning_email(assignment, by=patient, wanted=True)
    session = log(assignment, now=NOW).log
    services.answer_settled(assignment, by=patient, settled=True, now=NEXT_MORNING)

    assert tasks.send_morning_check.call(session.pk) is False
    assert mailoutbox == []


def test_the_patient_chooses_the_email_on_the_program_page(
    client: Client, patient: User, stranger: User, assignment: Assignment
) -> None:
    client.force_login(stranger)
    url = f"/me/programs/{assignment.program_id}/morning-email/"
    assert client.post(url, {"wanted": "yes"}).status_code == 404
    client.force_login(patient)
    assert client.get(url).status_code == 405

    client.post(url, {"wanted": "yes"})

    assignment.refresh_from_db()
    assert assignment.morning_email


def test_morning_stiffness_rising_flags_the_patient_for_the_clinician(
    client: Client, patient: User, clinician: User, make_assignment: Any, stretch: Any, log: Any
) -> None:
    assignment = make_assignment(stretch)
    for days, stiffness in ((0, 1), (2, 2), (4, 3)):
        when = NOW + dt.timedelta(days=days)
        log(assignment, now=when, pain_during=2)
        services.answer_settled(
            assignment, by=patient, settled=True, morning_stiffness=stiffness,
            now=when + dt.timedelta(hours=23),
        )  # fmt: skip

    client.force_login(clinician)
    # 09:00 on Tuesday 10 November 2026, UTC.
    with time_machine.travel(NOW + dt.timedelta(days=6), tick=False):
        listing = client.get("/clinic/patients/").content.decode()
    assert "Morning pain or stiffness rising" in listing
