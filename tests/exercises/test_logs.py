"""Session logs: what is stored, the pain rule applied, and bad input refused."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.test import Client

from mend.accounts.models import User
from mend.exercises import services
from mend.exercises.models import Assignment, SessionLog
from tests.exercises.conftest import NOW

LATER = dt.timedelta(hours=1)


def form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "done": ["1", "2"],
        "pain_during": "3",
        "pain_now": "2",
        "effort": "6",
        "note": "Felt fine.",
        "token": str(uuid.uuid4()),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def signed_in(client: Client, patient: User) -> Client:
    client.force_login(patient)
    return client


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
def test_logging_a_session_keeps_what_was_done_and_the_dosage(
    signed_in: Client, assignment: Assignment
) -> None:
    response = signed_in.post(f"/me/programs/{assignment.program_id}/log/", form(done=["2"]))

    assert response.status_code == 303
    assert response["Location"] == f"/me/programs/{assignment.program_id}/#progress"
    log = SessionLog.objects.get()
    assert (log.pain_during, log.pain_now, log.effort, log.note) == (3, 2, 6, "Felt fine.")
    assert log.local_date == NOW.date() and log.logged_at == NOW
    assert [item["done"] for item in log.items] == [False, True]
    assert log.items[1]["dosage"]["reps"] == 15
    assert log.items[1]["dosage_line"] == "3 × 15 · twice a day · 7 days a week · 12 weeks"
    assert log.pain_rule == {"max_during": 5, "settle_by_next_morning": True}
    assert not log.ease_off
    page = signed_in.get(response["Location"]).content.decode()
    assert "Session saved" in page


# 09:00 on Wednesday 4 November 2026, UTC.
@time_machine.travel(NOW, tick=False)
def test_pain_above_the_rule_says_to_ease_off(signed_in: Client, assignment: Assignment) -> None:
    response = signed_in.post(
        f"/me/programs/{assignment.program_id}/log/", form(pain_during="7"), follow=True
    )
    html = response.content.decode()

    assert "Your pain during the session (7/10) was above what your program allows" in html
    assert "Ease off next time" in html
    assert SessionLog.objects.get().ease_off
    assert "Time to check in" not in html  # only once this week so far


def test_two_sessions_over_the_rule_in_a_week_offer_a_visit_and_flag_the_patient(
    client: Client, patient: User, clinician: User, assignment: Assignment, log
) -> None:
    log(assignment, now=NOW, pain_during=7)
    outcome = log(assignment, now=NOW + dt.timedelta(days=2), pain_during=8)
    assert outcome.ease_off and outcome.offer_visit

    # 10:00 on Friday 6 November 2026, UTC.
    with time_machine.travel(NOW + dt.timedelta(days=2, hours=1), tick=False):
        client.force_login(patient)
        page = client.get(f"/me/programs/{assignment.program_id}/").content.decode()
        assert "Time to check in with Dr. Sam Okafor" in page
        assert 'href="/book/"' in page
        client.force_login(clinician)
        listing = client.get("/clinic/patients/").content.decode()
        assert "Pain over the limit in 2 sessions this week: visit offered" in listing


def test_the_visit_offer_lapses_after_a_week(patient: User, assignment: Assignment, log) -> None:
    log(assignment, now=NOW, pain_during=7)
    later = log(assignment, now=NOW + dt.timedelta(days=8), pain_during=7)
    assert later.ease_off and not later.offer_visit


def test_pain_not_settled_next_morning_counts_against_the_rule(
    client: Client, patient: User, assignment: Assignment, log
) -> None:
    log(assignment, now=NOW, pain_during=4)
    # 08:00 on Thursday 5 November 2026, UTC: the next session starts with the question.
    with time_machine.travel(NOW + dt.timedelta(hours=23), tick=False):
        client.force_login(patient)
        play = client.get(f"/me/programs/{assignment.program_id}/play/").content.decode()
        assert "has the pain from your session on Wednesday 4 November settled" in play

        response = client.post(
            f"/me/programs/{assignment.program_id}/settled/",
            {"settled": "no", "then": "play"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == f"/me/programs/{assignment.program_id}/play/"
        assert "Pain that has not settled by the next morning" in response.content.decode()
        first = SessionLog.objects.get()
        assert first.settled_next_morning is False and first.ease_off

        again = client.post(
            f"/me/programs/{assignment.program_id}/settled/", {"settled": "yes"}, follow=True
        )
        assert "There is no earlier session waiting for this answer." in again.content.decode()
        assert SessionLog.objects.get().settled_next_morning is False


def test_settled_pain_keeps_the_session_within_the_rule(
    client: Client, patient: User, assignment: Assignment, log
) -> None:
    log(assignment, now=NOW, pain_during=4)
    # 08:00 on Thursday 5 November 2026, UTC.
    with time_machine.travel(NOW + dt.timedelta(hours=23), tick=False):
        client.force_login(patient)
        client.post(f"/me/programs/{assignment.program_id}/settled/", {"settled": "yes"})
    first = SessionLog.objects.get()
    assert first.settled_next_morning is True and not first.ease_off


def test_settled_answer_must_be_yes_or_no(signed_in: Client, make_assignment, stretch, log) -> None:
    assignment = make_assignment(stretch, start=NOW.date() - dt.timedelta(days=1))
    log(assignment, now=NOW - dt.timedelta(days=1))
    # 09:00 on Wednesday 4 November 2026, UTC.
    with time_machine.travel(NOW, tick=False):
        response = signed_in.post(
            f"/me/programs/{assignment.program_id}/settled/", {"settled": "maybe"}, follow=True
        )
    assert "Answer yes or no" in response.content.decode()
    assert SessionLog.objects.get().settled_next_morning is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pain_during": "-1"}, "pain_during", "Rate it with a whole number from 0 (none)"),
        ({"pain_during": "11"}, "pain_during", "Rate it with a whole number from 0 (none)"),
        ({"pain_now": "99999999999999999999"}, "pain_now", "Rate it with a whole number"),
        ({"pain_now": "3.5"}, "pain_now", "Rate it with a whole number"),
        ({"pain_now": None}, "pain_now", "Rate it with a whole number"),
        ({"effort": "-3"}, "effort", "from 0 (no effort) to 10"),
        ({"done": ["7"]}, "done", "Tick exercises from this program only."),
        ({"done": ["abc"]}, "done", "Tick exercises from this program only."),
        ({"done": None}, "done", "Tick at least one exercise you did."),
        ({"note": "x" * 1001}, "note", "Keep the note to 1000 characters."),
        ({"token": "not-a-uuid"}, "token", "Please reload the page and try again."),
    ],
)
def test_bad_log_input_is_reported_at_the_field_and_nothing_is_stored(
    signed_in: Client,
    assignment: Assignment,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    response = signed_in.post(f"/me/programs/{assignment.program_id}/log/", form(**changes))
    html = response.content.decode()

    assert response.status_code == 400
    assert message in html
    if field != "token":
        assert f'id="id_{field}_error"' in html
        assert f'aria-describedby="id_{field}' in html or field == "done"
    assert not SessionLog.objects.exists()


def test_a_finished_program_takes_no_sessions(
    signed_in: Client, patient: User, clinician: User, assignment: Assignment
) -> None:
    services.finish(assignment, by=clinician, now=NOW)
    response = signed_in.post(f"/me/programs/{assignment.program_id}/log/", form())

    assert response.status_code == 409
    assert "This program has finished, so it takes no new sessions." in response.content.decode()
    assert not SessionLog.objects.exists()


def test_a_program_not_started_yet_takes_no_sessions(
    signed_in: Client, make_assignment, stretch
) -> None:
    later = make_assignment(stretch, start=NOW.date() + dt.timedelta(days=3))
    # 09:00 on Wednesday 4 November 2026, UTC.
    with time_machine.travel(NOW, tick=False):
        response = signed_in.post(f"/me/programs/{later.program_id}/log/", form(done=["1"]))
    assert response.status_code == 409
    assert "This program starts on 7 November 2026." in response.content.decode()
    assert not SessionLog.objects.exists()


def test_a_program_past_its_last_day_takes_no_sessions(signed_in, make_assignment, stretch) -> None:
    short = make_assignment(stretch, weeks=1)
    # 09:00 on Thursday 12 November 2026, UTC: the week ended on Tuesday.
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        response = signed_in.post(f"/me/programs/{short.program_id}/log/", form(done=["1"]))
    assert response.status_code == 409
    assert "This program ended on 10 November 2026." in response.content.decode()


def test_the_same_form_sent_twice_is_stored_once(signed_in: Client, assignment: Assignment) -> None:
    data = form()
    # 09:00 on Wednesday 4 November 2026, UTC.
    with time_machine.travel(NOW, tick=False):
        signed_in.post(f"/me/programs/{assignment.program_id}/log/", data)
        again = signed_in.post(f"/me/programs/{assignment.program_id}/log/", data, follow=True)
    assert "This session was already saved." in again.content.decode()
    assert SessionLog.objects.count() == 1


def test_at_most_ten_sessions_a_day(patient: User, assignment: Assignment, log) -> None:
    for minute in range(10):
        log(assignment, now=NOW + dt.timedelta(minutes=minute))
    with pytest.raises(services.ExerciseError, match="already logged 10 sessions today"):
        log(assignment, now=NOW + LATER)
    assert SessionLog.objects.count() == 10


def test_the_patients_day_follows_their_time_zone(make_assignment, stretch, log) -> None:
    tokyo = make_assignment(stretch, time_zone="Asia/Tokyo")
    # 23:30 on 4 November in UTC is 08:30 on Thursday 5 November in Tokyo.
    outcome = log(tokyo, now=dt.datetime(2026, 11, 4, 23, 30, tzinfo=dt.UTC))
    assert outcome.log.local_date == dt.date(2026, 11, 5)


def test_only_the_patient_logs_their_sessions(clinician: User, assignment: Assignment) -> None:
    with pytest.raises(services.ExerciseError, match="Only the patient"):
        services.log_session(
            assignment,
            by=clinician,
            done=[1],
            pain_now=1,
            pain_during=1,
            effort=None,
            note="",
            token=uuid.uuid4(),
            now=NOW,
        )


def test_services_refuse_out_of_range_numbers_even_without_the_form(
    patient: User, assignment: Assignment
) -> None:
    for bad in (-1, 11, True, None):
        with pytest.raises(services.ExerciseError):
            services.log_session(
                assignment,
                by=patient,
                done=[1],
                pain_now=bad,  # type: ignore[arg-type]
                pain_during=2,
                effort=None,
                note="",
                token=uuid.uuid4(),
                now=NOW,
            )
    assert not SessionLog.objects.exists()
