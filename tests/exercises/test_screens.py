"""The red-flag screen before self-guided exercise: when it runs, what a positive answer
stops, and the two ways back."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from mend.accounts.models import User
from mend.care.models import Flag
from mend.exercises import services, stops
from mend.exercises.models import Assignment, Exercise
from mend.safety.models import Screen, ScreenResult
from tests.exercises.conftest import NOW

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def answers_for(assignment: Assignment, **positive: str) -> dict[str, str]:
    screen = stops.screen_for(assignment)
    return {q.key: positive.get(q.key.replace("-", "_"), "no") for q in screen.question_list()}


def session(assignment: Assignment, *, now: dt.datetime = NOW) -> services.LogOutcome:
    return services.log_session(
        assignment, by=assignment.patient, done=[1], pain_now=2, pain_during=3, effort=5,
        note="", token=uuid.uuid4(), now=now,
    )  # fmt: skip


@pytest.fixture
def routine(patient: User, stretch: Exercise) -> Assignment:
    return services.start_routine(
        patient=patient, exercise=stretch, dosage=stretch.dosage, time_zone="UTC", now=NOW
    )


def test_a_routine_asks_the_screen_of_its_region_before_the_first_session(
    client: Client, patient: User, routine: Assignment
) -> None:
    assert stops.screen_for(routine).slug == "achilles-calf"  # the stretch files under the calf
    assert stops.screen_due(routine, now=NOW)
    with pytest.raises(services.ExerciseError, match="safety questions"):
        session(routine)

    client.force_login(patient)
    with time_machine.travel(NOW, tick=False):
        play = client.get(f"/me/programs/{routine.program_id}/play/")
        program = client.get(f"/me/programs/{routine.program_id}/").content.decode()
        page = client.get(f"/me/programs/{routine.program_id}/screen/")
    assert play.status_code == 302 and play["Location"].endswith("/screen/")
    assert "Answer the safety questions" in program and 'id="log"' not in program
    assert "sudden pop or snap" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"


def test_not_sure_stops_the_routine_shows_same_day_advice_and_the_player_refuses(
    client: Client, patient: User, routine: Assignment
) -> None:
    client.force_login(patient)
    url = f"/me/programs/{routine.program_id}/screen/"
    with time_machine.travel(NOW, tick=False):
        response = client.post(url, answers_for(routine, pop="unsure"))
        play = client.get(f"/me/programs/{routine.program_id}/play/").content.decode()
        form = {"done": [1], "pain_now": 1, "pain_during": 1, "token": uuid.uuid4()}
        log = client.post(f"/me/programs/{routine.program_id}/log/", form)

    html = response.content.decode()
    assert response.status_code == 200 and "Get medical care today" in html
    assert "sudden pop or snap" in html and "Book a visit" in html
    routine.refresh_from_db()
    assert routine.paused_at == NOW and routine.pause_cause == "red-flag"
    assert routine.stop_screen.level == "urgent"
    assert "data-player" not in play and "stopped" in play
    assert log.status_code == 409 and not routine.logs.exists()
    assert not Flag.objects.exists()  # a routine of one's own: nobody else is told


def test_all_no_lets_the_routine_start(client: Client, patient: User, routine: Assignment) -> None:
    client.force_login(patient)
    with time_machine.travel(NOW, tick=False):
        response = client.post(f"/me/programs/{routine.program_id}/screen/", answers_for(routine))
        play = client.get(f"/me/programs/{routine.program_id}/play/").content.decode()

    assert response.status_code == 303 and response["Location"].endswith("/play/")
    routine.refresh_from_db()
    assert routine.screened_at == NOW and routine.paused_at is None
    assert "data-player" in play
    result = ScreenResult.objects.get()
    assert (result.purpose, result.patient, result.level) == ("routine", patient, "")
    assert session(routine).log.pk


def test_a_missing_answer_is_a_message_at_the_question_and_changes_nothing(
    client: Client, patient: User, routine: Assignment
) -> None:
    client.force_login(patient)
    given = answers_for(routine)
    del given["tiptoe"]
    with time_machine.travel(NOW, tick=False):
        response = client.post(f"/me/programs/{routine.program_id}/screen/", given)
    assert response.status_code == 400
    assert "Answer this question: yes, no or not sure." in response.content.decode()
    routine.refresh_from_db()
    assert routine.screened_at is None and routine.paused_at is None
    assert not ScreenResult.objects.exists()


@override_settings(MEND_SCREEN_RECHECK_DAYS=28)
def test_a_running_routine_asks_again_after_the_recheck_days(
    routine: Assignment, pass_screen: Any
) -> None:
    pass_screen(routine)
    assert not stops.screen_due(routine, now=NOW + 27 * DAY)
    assert stops.screen_due(routine, now=NOW + 28 * DAY)
    with pytest.raises(services.ExerciseError, match="safety questions"):
        session(routine, now=NOW + 28 * DAY)
    pass_screen(routine, now=NOW + 28 * DAY)
    assert ScreenResult.objects.order_by("taken_at").last().purpose == "recheck"
    assert session(routine, now=NOW + 28 * DAY).log.pk


def test_a_stopped_routine_of_ones_own_resumes_when_the_patient_confirms_a_check(
    client: Client, patient: User, routine: Assignment
) -> None:
    client.force_login(patient)
    url = f"/me/programs/{routine.program_id}/screen/"
    with time_machine.travel(NOW, tick=False):
        client.post(url, answers_for(routine, gap="yes"))
    with time_machine.travel(NOW + 3 * DAY, tick=False):
        page = client.get(url).content.decode()
        unconfirmed = client.post(url, answers_for(routine))
        still_positive = client.post(url, answers_for(routine, gap="yes") | {"checked": "on"})
        resumed = client.post(url, answers_for(routine) | {"checked": "on"})

    assert "has checked me" in page
    assert unconfirmed.status_code == 400
    assert "Confirm you have been checked" in unconfirmed.content.decode()
    assert (
        still_positive.status_code == 200
        and "Get medical care today" in still_positive.content.decode()
    )
    assert resumed.status_code == 303
    routine.refresh_from_db()
    assert routine.paused_at is None and routine.screened_at == NOW + 3 * DAY
    last = ScreenResult.objects.order_by("taken_at", "pk").last()
    assert last.purpose == "resume" and last.checked_confirmed


def test_a_clinicians_program_asks_first_when_chosen_and_a_yes_waits_for_the_clinician(
    client: Client, patient: User, clinician: User, make_assignment: Any, stretch: Exercise,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    assignment = make_assignment(stretch, screen_first=True)
    client.force_login(patient)
    url = f"/me/programs/{assignment.program_id}/screen/"
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(url, answers_for(assignment, calf_swelling="yes"))
    assignment.refresh_from_db()
    assert assignment.pause_cause == "red-flag"

    flag = Flag.objects.get()
    assert flag.cause == Flag.Cause.RED_FLAG and flag.episode == assignment.episode
    assert [m.to for m in mail.outbox] == [[clinician.email]]
    # The patient cannot resume it: the page has no form, only who looks next.
    with time_machine.travel(NOW + DAY, tick=False):
        page = client.get(url).content.decode()
        refused = client.post(url, answers_for(assignment) | {"checked": "on"})
    assert (
        "<form" not in page.split("</header>")[-1].split("<footer")[0]
        or 'name="checked"' not in page
    )
    assert "clears it with a note" in page
    assert refused.status_code == 200 and 'name="checked"' not in refused.content.decode()
    assignment.refresh_from_db()
    assert assignment.paused_at is not None

    client.force_login(clinician)
    with time_machine.travel(NOW + DAY, tick=False):
        client.post(f"/clinic/care/flags/{flag.pk}/clear/", {"note": "Seen: no clot; go on."})
    assignment.refresh_from_db()
    assert assignment.paused_at is None and assignment.screened_at == NOW + DAY
    assert session(assignment, now=NOW + DAY).log.pk


def test_a_program_assigned_without_the_screen_starts_at_once(
    make_assignment: Any, stretch: Exercise
) -> None:
    assignment = make_assignment(stretch)
    assert not stops.screen_due(assignment, now=NOW)
    assert session(assignment).log.pk


def test_the_assign_form_asks_first_by_default(
    client: Client, clinician: User, make_program: Any, stretch: Exercise, episode: Any
) -> None:
    program = make_program(stretch)
    client.force_login(clinician)
    page = client.get(f"/clinic/programs/{program.pk}/assign/").content.decode()
    assert 'name="screen_first"' in page and "checked" in page.split('name="screen_first"')[1][:80]


def test_a_stranger_gets_404_on_someone_elses_screen(
    client: Client, stranger: User, routine: Assignment
) -> None:
    client.force_login(stranger)
    url = f"/me/programs/{routine.program_id}/screen/"
    assert client.get(url).status_code == 404
    assert client.post(url, answers_for(routine)).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert not ScreenResult.objects.exists()


def test_without_any_active_screen_nothing_is_asked(
    client: Client, patient: User, routine: Assignment
) -> None:
    Screen.objects.update(is_active=False)
    client.force_login(patient)
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/me/programs/{routine.program_id}/screen/")
        play = client.get(f"/me/programs/{routine.program_id}/play/").content.decode()
    assert response.status_code == 302
    assert "data-player" in play
