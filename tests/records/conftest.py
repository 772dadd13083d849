"""A patient with one of everything Mend holds, for export and erasure tests.

The cast: the patient (verified address), their clinician (with a booking
profile), a stranger, an admin. The clock: NOW is 09:00 UTC on Wednesday
4 November 2026; the care began a week before.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from time_machine import TimeMachineFixture
from wagtail.models import Page

from mend.accounts.models import User
from mend.booking.models import Appointment, CareSeries, Clinician, Mode, VisitType, WaitlistEntry
from mend.care import services as care
from mend.care.models import Episode, Invitation
from mend.community.models import Comment, ContactMessage
from mend.exercises import library_io
from mend.exercises import services as exercises
from mend.exercises.models import Assignment, Exercise, SessionLog
from mend.exercises.starter import EXERCISES
from mend.outcomes.models import Response
from mend.safety.models import ScreenResult

NOW = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
WEEK_AGO = NOW - dt.timedelta(days=7)
PASSWORD = "correct horse battery"
STARTER = {record["slug"]: record for record in EXERCISES}


@pytest.fixture
def frozen(time_machine: TimeMachineFixture) -> dt.datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("boss@clinic.example", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def sign_in(client: Client, user: User) -> Client:
    """Sign in, then confirm the password again (allauth's reauthentication), as the
    export and the erasure request ask."""
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def exercise(db: None) -> Exercise:
    report = library_io.import_records([STARTER["standing-hamstring-stretch"]])
    assert not report.errors
    return Exercise.objects.get(slug="standing-hamstring-stretch")


@dataclass
class Record:
    episode: Episode
    visit: Appointment
    series: CareSeries
    assignment: Assignment
    own_routine: Assignment
    log: SessionLog
    response: Response
    screen: ScreenResult
    guide_screen: ScreenResult
    comment: Comment
    reply_by_other: Comment
    contact: ContactMessage
    waitlist: WaitlistEntry
    invitation: Invitation


def _program(owner: User, exercise: Exercise, name: str) -> object:
    program = exercises.create_program(
        owner=owner, name=name, goal="Run 5 km without pain", weekdays="0123456",
        sessions_per_day=1, is_template=False, now=WEEK_AGO,
    )  # fmt: skip
    exercises.add_item(program, by=owner, exercise=exercise, now=WEEK_AGO)
    return program


def _screen(patient: User, episode: Episode | None, purpose: str) -> ScreenResult:
    return ScreenResult.objects.create(
        patient=patient, episode=episode, screen_slug="general", screen_version=1,
        asked=[{"key": "fever", "text": "Do you have a fever?", "level": "same-day",
                "answer": "no"}],
        level="", purpose=purpose, taken_at=WEEK_AGO,
    )  # fmt: skip


@pytest.fixture
def record(
    patient: User, clinician: User, stranger: User, verified: Callable[[User], User],
    exercise: Exercise, home: Page,
) -> Record:  # fmt: skip
    verified(patient)
    patient.first_name, patient.last_name = "Pat", "Rivera"
    patient.save()
    episode = care.open_or_join(
        patient=patient, clinician=clinician, now=WEEK_AGO, source="admin", reason="Achilles pain"
    )
    invitation = Invitation.objects.create(
        clinician=clinician, email=patient.email, status=Invitation.Status.ACCEPTED,
        episode=episode, created_at=WEEK_AGO,
    )  # fmt: skip
    profile = Clinician.objects.create(
        user=clinician, display_name="Dr. Sam Okafor", credentials="DPT", time_zone="UTC",
        feed_key="secret",
    )  # fmt: skip
    visit_type = VisitType.objects.create(
        name="Follow-up", slug="follow-up", duration_minutes=30, price=Decimal("80.00")
    )
    series = CareSeries.objects.create(
        clinician=profile, visit_type=visit_type, name="Pat Rivera", email=patient.email,
        patient=patient,
    )  # fmt: skip
    visit = Appointment(
        clinician=profile, patient=patient, episode=episode, name="Pat Rivera",
        email=patient.email, phone="+1 555 0100", visit_type=visit_type, mode=Mode.VIRTUAL,
        intake_answers=[{"question": "How have things been?", "answer": "Better on stairs"}],
        status=Appointment.Status.COMPLETED, series=series,
    )  # fmt: skip
    visit.set_times(WEEK_AGO)
    visit.save()
    assignment = exercises.assign(
        _program(clinician, exercise, "Achilles loading"), by=clinician, episode=episode,
        start_date=WEEK_AGO.date(), weeks=12, time_zone="UTC", note="Slow on the way down.",
        screen_first=False, now=WEEK_AGO,
    )  # fmt: skip
    own = exercises.start_routine(
        patient=patient, exercise=exercise, dosage=exercise.dosage, time_zone="UTC",
        now=WEEK_AGO,
    )  # fmt: skip
    outcome = exercises.log_session(
        assignment, by=patient, done=[1], pain_now=2, pain_during=4, effort=6,
        note="Felt fine", token=uuid.uuid4(), now=WEEK_AGO + dt.timedelta(hours=2),
    )  # fmt: skip
    response = Response.objects.create(
        episode=episode, instrument="nprs", instrument_version="mend-1 (right now)",
        scoring_version="1", timepoint="baseline", due_at=WEEK_AGO, answered_at=WEEK_AGO,
        answers={"pain": 6}, scores={"total": 6.0},
    )  # fmt: skip
    article = home.add_child(instance=Page(title="An article", slug="an-article"))
    comment = Comment.objects.create(
        page=article, name="Pat R", email=patient.email.upper(), body="This helped me.",
        status=Comment.Status.APPROVED, created_at=WEEK_AGO, approved_at=WEEK_AGO,
        ip_hash="abc",
    )  # fmt: skip
    reply = Comment.objects.create(
        page=article, parent=comment, name="Sam", email=stranger.email, body="Glad to hear.",
        status=Comment.Status.APPROVED, created_at=NOW, approved_at=NOW,
    )  # fmt: skip
    return Record(
        episode=episode, visit=visit, series=series, assignment=assignment, own_routine=own,
        log=SessionLog.objects.get(pk=outcome.log.pk), response=response,
        screen=_screen(patient, episode, ScreenResult.Purpose.ASSIGNED),
        guide_screen=_screen(patient, None, ScreenResult.Purpose.GUIDE),
        comment=comment, reply_by_other=reply,
        contact=ContactMessage.objects.create(
            name="Pat", email=patient.email, topic="question", message="Hello", created_at=NOW
        ),
        waitlist=WaitlistEntry.objects.create(
            visit_type=visit_type, name="Pat Rivera", email=patient.email, patient=patient
        ),
        invitation=invitation,
    )  # fmt: skip
