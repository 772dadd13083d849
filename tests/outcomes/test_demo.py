"""The demo patient's episode: six weeks of care with NPRS and PSFS answered at baseline,
week 2 and week 6, so the demo's charts show a change and what it means."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.care.models import Episode, Flag
from mend.content import demo
from mend.exercises import starter
from mend.exercises.models import Assignment, SessionLog
from mend.outcomes import services, summaries
from mend.outcomes.change import Meaning
from mend.outcomes.models import Response, Schedule

pytestmark = pytest.mark.django_db

# 14:00 on Wednesday 16 December 2026 in UTC, the zone the demo program keeps.
NOW = dt.datetime(2026, 12, 16, 14, 0, tzinfo=dt.UTC)
OPENED = NOW - dt.timedelta(days=45)  # 14:00 on Sunday 1 November 2026


@pytest.fixture
def loaded(time_machine: TimeMachineFixture) -> Episode:
    time_machine.move_to(NOW, tick=False)
    demo.load()
    return Episode.objects.get(
        patient__email="pat@riverside-pt.example", clinician__email="sam@riverside-pt.example"
    )


def _rows(result: summaries.InstrumentResult) -> list[tuple[str, str, str, Meaning | None]]:
    (score,) = result.scores
    return [(row.label, row.shown, row.difference, row.meaning) for row in score.rows]


def _stages(result: summaries.InstrumentResult) -> dict[str, str]:
    return {point.label: point.stage for point in result.timepoints}


def test_the_episode_opened_six_weeks_ago_with_the_program_and_sessions_since(
    loaded: Episode,
) -> None:
    assignment = Assignment.objects.get(episode=loaded)
    logs = list(SessionLog.objects.filter(assignment=assignment).order_by("logged_at"))

    assert loaded.opened_at == OPENED and loaded.is_active
    assert (assignment.created_at, assignment.start_date) == (OPENED, OPENED.date())
    assert len(logs) == len(starter.DEMO_SESSIONS)
    assert logs[0].local_date == dt.date(2026, 11, 2)  # the day after the first visit
    assert logs[-1].local_date == dt.date(2026, 12, 14)
    assert [log.pain_during for log in logs] == [s[1] for s in starter.DEMO_SESSIONS]
    assert not any(log.ease_off for log in logs)


def test_baseline_week_2_and_week_6_are_answered_and_week_6_is_a_meaningful_improvement(
    loaded: Episode,
) -> None:
    nprs, psfs = summaries.episode_results(loaded, now=NOW)

    assert (nprs.instrument.code, nprs.is_main, psfs.instrument.code) == ("nprs", True, "psfs")
    expected_stages = {
        "Baseline": services.Stage.ANSWERED,
        "Week 2": services.Stage.ANSWERED,
        "Week 6": services.Stage.ANSWERED,
        "Week 12": services.Stage.UPCOMING,
        "Discharge": services.Stage.UPCOMING,
    }
    assert _stages(nprs) == _stages(psfs) == expected_stages
    assert _rows(nprs) == [
        ("Baseline", "5", "", None),
        ("Week 2", "4", "-1", Meaning.NO_CHANGE),
        ("Week 6", "2", "-3", Meaning.IMPROVEMENT),
    ]
    assert nprs.scores[0].review is Meaning.IMPROVEMENT
    assert _rows(psfs) == [
        ("Baseline", "4", "", None),
        ("Week 2", "5", "+1", Meaning.NO_CHANGE),
        ("Week 6", "7", "+3", Meaning.IMPROVEMENT),
    ]
    baseline = Response.objects.get(episode=loaded, instrument="psfs", timepoint="baseline")
    assert baseline.psfs_activities == [
        "Running 5 km",
        "Going down stairs",
        "Standing on tiptoe on the sore leg",
    ]
    assert baseline.answered_at == OPENED + dt.timedelta(minutes=20)
    # Each follow-up on the evening its week fell due (midnight UTC, 2 and 6 weeks on).
    week_6 = Response.objects.get(episode=loaded, instrument="nprs", timepoint="week-6")
    assert week_6.answered_at == dt.datetime(2026, 12, 13, 19, 0, tzinfo=dt.UTC)


def test_nothing_is_flagged_or_due_and_the_patient_sees_the_meaning(
    loaded: Episode, client: Client
) -> None:
    pat = User.objects.get(email="pat@riverside-pt.example")

    assert not Flag.objects.filter(episode=loaded).exists()
    assert services.due_for(pat, now=NOW) == []
    client.force_login(pat)
    html = client.get("/me/outcomes/").content.decode()
    assert "Nothing to answer right now" in html
    assert "<strong>At the week 6 review:</strong> meaningful improvement." in html


def test_loading_twice_changes_nothing(loaded: Episode, time_machine: TimeMachineFixture) -> None:
    def state() -> list[object]:
        return [
            list(Episode.objects.values_list("pk", "opened_at", "status")),
            list(Assignment.objects.values_list("pk", "created_at")),
            list(SessionLog.objects.values_list("pk", "logged_at", "pain_during")),
            list(Schedule.objects.values_list("pk", "instrument", "is_main")),
            list(Response.objects.values_list("pk", "timepoint", "answered_at", "scores")),
            list(Flag.objects.values_list("pk")),
        ]

    before = state()
    time_machine.move_to(NOW + dt.timedelta(days=3), tick=False)  # a later run changes nothing

    assert demo.load().created == []
    assert state() == before
