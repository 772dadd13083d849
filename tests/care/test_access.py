"""The access matrix: every patient-data URL, for everyone who might ask.

The patient books a visit with Dr. Ana (which opens the episode), Ana assigns
a program in it, and the patient logs a session. Then, for each viewer: the
owner and Ana while the episode is open see it; Ana still sees it inside the
window after discharge (MEND_CARE_ACCESS_DAYS, 30) and not past it; another
clinician, a clinician who only knows the patient's email (and invited them,
unanswered), and anonymous readers get 404 and change nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from mend.accounts.models import User
from mend.booking import services as booking
from mend.booking.availability import Want
from mend.booking.models import Appointment, Clinician, Mode, VisitType
from mend.care import services as care
from mend.care.models import Episode
from mend.core import roles
from mend.exercises import library_io
from mend.exercises import services as exercises
from mend.exercises.models import Assignment, Exercise, Program, SessionLog
from mend.exercises.starter import EXERCISES
from tests.booking.conftest import (  # noqa: F401  (fixtures)
    NOW,
    ana,
    clinic,
    discovery,
    evaluation,
    follow_up,
    make_clinician,
    ny,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
DISCHARGED_AT = NOW + DAY

OWNER_URLS = [
    "/me/programs/{program}/",
    "/me/programs/{program}/handout.pdf",
    "/book/visits/{visit}/",
    "/book/visits/{visit}/visit.ics",
]
CLINICIAN_URLS = [
    "/clinic/programs/{program}/",
    "/clinic/programs/{program}/handout.pdf",
    "/clinic/patients/{patient}/",
    "/book/visits/{visit}/",
    "/book/visits/{visit}/visit.ics",
]
CLINICIAN_POSTS = [
    "/clinic/programs/{program}/details/",
    "/clinic/programs/{program}/finish/",
    "/clinic/visits/{visit}/completed/",
    "/clinic/care/{episode}/discharge/",
]


@pytest.fixture
def record(
    ana: Clinician,  # noqa: F811
    follow_up: VisitType,  # noqa: F811
    patient: User,
) -> dict[str, Any]:
    visit = booking.book(
        want=Want(follow_up, Mode.VIRTUAL, None, ana),
        start=ny(6, 16, 10),
        contact=booking.Contact(name="Pat", email=patient.email, patient=patient),
        answers=[{"question": "How have things been?", "answer": "Worse on stairs"}],
        now=NOW,
    )
    episode = Episode.objects.get()
    assert visit.episode == episode and episode.clinician == ana.user
    library_io.import_records([EXERCISES[0]])
    program = exercises.create_program(
        owner=ana.user, name="Knee plan", goal="", weekdays="0123456", sessions_per_day=1,
        is_template=False, now=NOW,
    )  # fmt: skip
    exercises.add_item(program, by=ana.user, exercise=Exercise.objects.get(), now=NOW)
    assignment = exercises.assign(
        program, by=ana.user, episode=episode, start_date=NOW.date(), weeks=None,
        time_zone="UTC", note="", screen_first=False, now=NOW,
    )  # fmt: skip
    exercises.log_session(
        assignment, by=patient, done=[1], pain_now=2, pain_during=3, effort=4, note="",
        token=uuid.uuid4(), now=NOW,
    )  # fmt: skip
    return {"visit": visit, "episode": episode, "program": program, "patient": patient}


def fill(url: str, record: dict[str, Any]) -> str:
    return url.format(
        program=record["program"].pk,
        visit=record["visit"].pk,
        patient=record["patient"].pk,
        episode=record["episode"].pk,
    )


def snapshot() -> tuple[object, ...]:
    return (
        list(Program.objects.values_list("pk", "name", "version")),
        list(Assignment.objects.values_list("pk", "status", "episode_id")),
        list(Appointment.objects.values_list("pk", "status")),
        list(Episode.objects.values_list("pk", "status")),
        SessionLog.objects.count(),
    )


@pytest.fixture
def viewers(
    make_user: Callable[..., User],
    ana: Clinician,  # noqa: F811
    patient: User,
) -> dict[str, User | None]:
    other = make_user("lena@clinic.example", role=roles.CLINICIAN)
    knows_the_email = make_user("eve@clinic.example", role=roles.CLINICIAN)
    care.invite(clinician=knows_the_email, email=patient.email, reason="", region="", now=NOW)
    return {
        "owner": patient,
        "clinician": ana.user,
        "other clinician": other,
        "clinician who knows the email": knows_the_email,
        "anonymous": None,
    }


def request(client: Client, viewer: User | None, method: str, url: str, clock: dt.datetime) -> int:
    data = {"name": "Hijack", "weekdays": ["0"], "sessions_per_day": "1"}
    with time_machine.travel(clock, tick=False):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)  # signed in at that time, so the session is fresh
        return getattr(client, method)(url, data if method == "post" else None).status_code


def get(client: Client, viewer: User | None, url: str, clock: dt.datetime) -> int:
    return request(client, viewer, "get", url, clock)


def post(client: Client, viewer: User | None, url: str, clock: dt.datetime) -> int:
    return request(client, viewer, "post", url, clock)


def discharge(record: dict[str, Any]) -> None:
    care.discharge(record["episode"], by=record["episode"].clinician, note="", now=DISCHARGED_AT)


# While the episode is open


@pytest.mark.parametrize("url", OWNER_URLS)
def test_the_owner_sees_their_record(
    client: Client, record: dict[str, Any], viewers: Any, url: str
) -> None:
    assert get(client, viewers["owner"], fill(url, record), NOW) == 200


@pytest.mark.parametrize("url", CLINICIAN_URLS)
def test_the_clinician_in_an_open_episode_sees_it(
    client: Client, record: dict[str, Any], viewers: Any, url: str
) -> None:
    assert get(client, viewers["clinician"], fill(url, record), NOW) == 200


@pytest.mark.parametrize("who", ["other clinician", "clinician who knows the email", "anonymous"])
@pytest.mark.parametrize("url", sorted(set(OWNER_URLS + CLINICIAN_URLS)))
def test_outsiders_get_404(
    client: Client, record: dict[str, Any], viewers: Any, who: str, url: str
) -> None:
    assert get(client, viewers[who], fill(url, record), NOW) == 404


@pytest.mark.parametrize("who", ["other clinician", "clinician who knows the email", "anonymous"])
@pytest.mark.parametrize("url", CLINICIAN_POSTS)
def test_outsiders_change_nothing(
    client: Client, record: dict[str, Any], viewers: Any, who: str, url: str
) -> None:
    before = snapshot()
    assert post(client, viewers[who], fill(url, record), NOW + DAY) == 404
    assert snapshot() == before


# After discharge


@pytest.mark.parametrize("url", CLINICIAN_URLS)
def test_inside_the_window_the_clinician_still_sees_it(
    client: Client, record: dict[str, Any], viewers: Any, url: str
) -> None:
    discharge(record)
    inside = DISCHARGED_AT + 30 * DAY - dt.timedelta(minutes=1)
    assert get(client, viewers["clinician"], fill(url, record), inside) == 200


@pytest.mark.parametrize("url", CLINICIAN_URLS)
def test_past_the_window_the_clinician_gets_404(
    client: Client, record: dict[str, Any], viewers: Any, url: str
) -> None:
    discharge(record)
    past = DISCHARGED_AT + 30 * DAY + dt.timedelta(minutes=1)
    assert get(client, viewers["clinician"], fill(url, record), past) == 404


@pytest.mark.parametrize("url", CLINICIAN_POSTS)
def test_past_the_window_the_clinician_changes_nothing(
    client: Client, record: dict[str, Any], viewers: Any, url: str
) -> None:
    discharge(record)
    before = snapshot()
    past = DISCHARGED_AT + 31 * DAY
    assert post(client, viewers["clinician"], fill(url, record), past) == 404
    assert snapshot() == before


@pytest.mark.parametrize("url", OWNER_URLS)
def test_the_owner_keeps_their_record_after_discharge(
    client: Client, record: dict[str, Any], viewers: Any, url: str
) -> None:
    discharge(record)
    assert get(client, viewers["owner"], fill(url, record), DISCHARGED_AT + 400 * DAY) == 200


def test_the_clinicians_lists_drop_the_patient_past_the_window(
    client: Client, record: dict[str, Any], viewers: Any
) -> None:
    discharge(record)
    link = fill('href="/clinic/patients/{patient}/"', record)
    for days, listed in ((10, True), (31, False)):
        with time_machine.travel(DISCHARGED_AT + days * DAY, tick=False):
            client.force_login(viewers["clinician"])
            assert (link in client.get("/clinic/patients/").content.decode()) is listed
            assert (link in client.get("/clinic/care/").content.decode()) is listed


def test_an_assignment_alone_grants_nothing(
    client: Client, record: dict[str, Any], viewers: Any
) -> None:
    """An assignment whose episode was detached (as for a routine never shared) is private."""
    Assignment.objects.update(episode=None)
    assert (
        get(client, viewers["clinician"], fill("/clinic/programs/{program}/", record), NOW) == 404
    )
    assert get(client, viewers["owner"], fill("/me/programs/{program}/", record), NOW) == 200
