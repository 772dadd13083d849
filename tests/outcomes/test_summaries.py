"""episode_results: per measure of an episode, its figures, meanings, MCID and chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mend.accounts.models import User
from mend.care.models import Episode
from mend.outcomes import services
from mend.outcomes.change import Meaning
from mend.outcomes.models import McidSetting, Response, Schedule
from mend.outcomes.services import Stage
from mend.outcomes.summaries import episode_results

from .conftest import NOW

pytestmark = pytest.mark.django_db


def answer(schedule: Schedule, timepoint: str, answers: dict[str, int], *, at: dt.datetime,
           patient: User, activities: list[str] | None = None) -> None:  # fmt: skip
    response = schedule.responses.select_related("episode").get(timepoint=timepoint)
    services.answer(response, by=patient, answers=answers, activities=activities or [], now=at)


@pytest.fixture
def pain_course(attach: Callable[..., Schedule], patient: User) -> Schedule:
    schedule = attach("nprs")
    answer(schedule, "baseline", {"pain": 6}, at=NOW, patient=patient)
    answer(schedule, "week-2", {"pain": 5}, at=NOW + dt.timedelta(weeks=2), patient=patient)
    answer(schedule, "week-6", {"pain": 3}, at=NOW + dt.timedelta(weeks=6), patient=patient)
    return schedule


def test_each_follow_up_is_classified_against_baseline(
    pain_course: Schedule, episode: Episode
) -> None:
    [result] = episode_results(episode, now=NOW + dt.timedelta(weeks=7))
    [score] = result.scores

    assert [(r.label, r.shown, r.difference, r.meaning) for r in score.rows] == [
        ("Baseline", "6", "", None),
        ("Week 2", "5", "-1", Meaning.NO_CHANGE),
        ("Week 6", "3", "-3", Meaning.IMPROVEMENT),
    ]
    assert score.review is Meaning.IMPROVEMENT
    assert score.mcid is not None and score.mcid.value == 2
    assert 'role="img"' in score.chart_svg
    assert [(p.label, p.stage) for p in result.timepoints] == [
        ("Baseline", Stage.ANSWERED),
        ("Week 2", Stage.ANSWERED),
        ("Week 6", Stage.ANSWERED),
        ("Week 12", Stage.UPCOMING),
        ("Discharge", Stage.UPCOMING),
    ]


def test_the_clinics_mcid_replaces_the_default(pain_course: Schedule, episode: Episode) -> None:
    McidSetting.objects.create(code="nprs", score="total", value=4, source="Our audit 2026")

    [score] = episode_results(episode, now=NOW)[0].scores

    assert (score.mcid.value, score.mcid.source) == (4.0, "Our audit 2026")  # type: ignore[union-attr]
    assert score.rows[2].meaning is Meaning.NO_CHANGE  # 3 points is no longer enough


def test_without_a_baseline_nothing_is_classified(
    attach: Callable[..., Schedule], episode: Episode, patient: User
) -> None:
    schedule = attach("nprs")
    answer(schedule, "week-2", {"pain": 2}, at=NOW + dt.timedelta(weeks=2), patient=patient)

    [score] = episode_results(episode, now=NOW + dt.timedelta(weeks=3))[0].scores

    assert [(r.label, r.meaning, r.difference) for r in score.rows] == [("Week 2", None, "")]
    assert "<rect" not in score.chart_svg


def test_groc_has_no_mcid_so_its_changes_are_not_classified(
    attach: Callable[..., Schedule], episode: Episode, patient: User
) -> None:
    schedule = attach("groc", is_main=False)
    answer(schedule, "baseline", {"rating": 0}, at=NOW, patient=patient)
    answer(schedule, "week-2", {"rating": 5}, at=NOW + dt.timedelta(weeks=2), patient=patient)

    [score] = episode_results(episode, now=NOW + dt.timedelta(weeks=3))[0].scores

    assert score.mcid is None
    assert [r.meaning for r in score.rows] == [None, None]


def test_the_main_measure_comes_first_and_queries_stay_few(
    attach: Callable[..., Schedule], episode: Episode, pain_course: Schedule
) -> None:
    attach("groc", is_main=False)
    attach("psfs", is_main=False)

    with CaptureQueriesContext(connection) as queries:
        results = episode_results(episode, now=NOW)

    assert [r.instrument.code for r in results] == ["nprs", "groc", "psfs"]
    assert len(queries) == 3  # schedules, responses, MCID settings


def test_an_unscorable_answer_shows_its_reason_and_no_change(
    attach: Callable[..., Schedule], episode: Episode, patient: User, lefs_pack: object
) -> None:
    schedule = attach("lefs")
    answer(schedule, "baseline", {f"i{n}": 2 for n in range(1, 21)}, at=NOW, patient=patient)
    answer(schedule, "week-2", {"i1": 3}, at=NOW + dt.timedelta(weeks=2), patient=patient)

    [score] = episode_results(episode, now=NOW + dt.timedelta(weeks=3))[0].scores

    assert score.rows[1].shown == "cannot be scored: 1 of 20 answered; needs all 20"
    assert (score.rows[1].value, score.rows[1].meaning, score.rows[1].difference) == (
        None,
        None,
        "",
    )
    assert Response.objects.filter(unscorable__has_key="total").count() == 1
