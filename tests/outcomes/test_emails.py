"""One email when a questionnaire falls due: sent once, however often it is queued.

The clock is pinned with time_machine (UTC, the schedules' zone here); tasks
run at once (the immediate backend of tests/settings.py).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.care.models import Episode
from mend.outcomes import services, tasks
from mend.outcomes.models import Response, Schedule

from .conftest import NOW, discharge

pytestmark = pytest.mark.django_db

WEEK_2 = dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC)  # midnight starting 16 November


@pytest.fixture
def clock(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def nprs(attach: Callable[..., Schedule], clock: TimeMachineFixture) -> Schedule:
    return attach("nprs")


def response_at(schedule: Schedule, timepoint: str) -> Response:
    return schedule.responses.select_related("episode").get(timepoint=timepoint)


def test_attaching_emails_the_baseline_once(
    attach: Callable[..., Schedule],
    clock: TimeMachineFixture,
    patient: User,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule = attach("nprs")

    baseline = response_at(schedule, "baseline")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [patient.email]
    assert message.subject == "A short questionnaire from your clinician"
    assert f"/me/outcomes/{baseline.pk}/" in message.body
    assert "Dr. Sam Okafor" in message.body
    assert "Pain" not in message.subject + message.body  # nothing about the condition
    assert baseline.emailed_at == NOW
    assert tasks.queue_due_emails(now=NOW) == 0
    assert len(mailoutbox) == 1


def test_the_task_sends_once_however_often_it_runs(
    nprs: Schedule, mailoutbox: list[EmailMessage]
) -> None:
    baseline = response_at(nprs, "baseline")

    assert tasks.send_due_email.call(baseline.pk) is True
    assert tasks.send_due_email.call(baseline.pk) is False
    assert len(mailoutbox) == 1


def test_the_periodic_job_emails_each_follow_up_when_it_falls_due(
    nprs: Schedule, clock: TimeMachineFixture, mailoutbox: list[EmailMessage]
) -> None:
    tasks.send_due_email.call(response_at(nprs, "baseline").pk)
    clock.move_to(WEEK_2 - dt.timedelta(minutes=1), tick=False)
    assert tasks.queue_due_emails(now=WEEK_2 - dt.timedelta(minutes=1)) == 0

    clock.move_to(WEEK_2, tick=False)
    assert tasks.queue_due_emails(now=WEEK_2) == 1
    assert tasks.queue_due_emails(now=WEEK_2) == 0

    assert len(mailoutbox) == 2
    assert f"/me/outcomes/{response_at(nprs, 'week-2').pk}/" in mailoutbox[1].body
    assert response_at(nprs, "week-2").emailed_at == WEEK_2


def test_answered_and_missed_questionnaires_get_no_email(
    nprs: Schedule, clock: TimeMachineFixture, patient: User, mailoutbox: list[EmailMessage]
) -> None:
    baseline = response_at(nprs, "baseline")
    services.answer(baseline, by=patient, answers={"pain": 4}, now=NOW)
    assert tasks.queue_due_emails(now=NOW) == 0
    assert tasks.send_due_email.call(baseline.pk) is False

    # Nobody ran the job in week 2; by week 6 only week 6 is open.
    week_6 = NOW + dt.timedelta(weeks=6)
    clock.move_to(week_6, tick=False)
    assert tasks.queue_due_emails(now=week_6) == 1
    assert tasks.send_due_email.call(response_at(nprs, "week-2").pk) is False
    week_6_link = f"/me/outcomes/{response_at(nprs, 'week-6').pk}/"
    assert [week_6_link in message.body for message in mailoutbox] == [True]


def test_discharge_brings_the_discharge_email(
    nprs: Schedule, episode: Episode, clock: TimeMachineFixture, mailoutbox: list[EmailMessage]
) -> None:
    tasks.send_due_email.call(response_at(nprs, "baseline").pk)
    discharge(episode, at=NOW + dt.timedelta(days=3))
    clock.move_to(NOW + dt.timedelta(days=3, hours=1), tick=False)

    assert tasks.queue_due_emails(now=NOW + dt.timedelta(days=3, hours=1)) == 1
    assert len(mailoutbox) == 2
    assert response_at(nprs, "discharge").emailed_at is not None


def test_a_failed_send_is_released_for_a_retry(
    nprs: Schedule, mailoutbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline = response_at(nprs, "baseline")

    def refuse(self: EmailMessage, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("the mail server is down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        with pytest.raises(ConnectionRefusedError):
            tasks.send_due_email.call(baseline.pk)
    assert response_at(nprs, "baseline").emailed_at is None

    assert tasks.queue_due_emails(now=NOW) == 1
    assert len(mailoutbox) == 1


def test_send_due_command_queues_the_emails(nprs: Schedule, mailoutbox: list[EmailMessage]) -> None:
    out = io.StringIO()
    call_command("outcomes", "send-due", stdout=out)

    assert out.getvalue().strip() == "Queued 1 questionnaire email."
    assert len(mail.outbox) == 1
