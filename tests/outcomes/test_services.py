"""Attaching measures, what is due when, and answering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from mend.accounts.models import User
from mend.care.models import Episode
from mend.outcomes import services
from mend.outcomes.models import Response, Schedule, TextPack
from mend.outcomes.services import OutcomeError, Stage

from .conftest import NOW, discharge, lefs_answers

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def stage_at(response: Response, now: dt.datetime) -> Stage:
    return services.stage_of(Response.objects.get(pk=response.pk), now=now)


def timepoints(schedule: Schedule) -> dict[str, Response]:
    return {response.timepoint: response for response in schedule.responses.all()}


# Attaching


def test_attach_asks_baseline_now_each_week_and_discharge(
    attach: Callable[..., Schedule],
) -> None:
    schedule = attach("nprs", follow_up_weeks=[6, 2, 12])

    asked = timepoints(schedule)
    assert schedule.follow_up_weeks == [2, 6, 12]
    assert list(asked) == ["baseline", "week-2", "week-6", "week-12", "discharge"]
    assert asked["baseline"].due_at == NOW
    assert asked["week-2"].due_at == dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC)
    assert asked["discharge"].due_at is None


def test_week_n_falls_due_at_the_start_of_the_patients_day(
    stranger: User, clinician: User, attach: Callable[..., Schedule]
) -> None:
    # Opened at 23:30 UTC on 2 November: already 00:30 on 3 November in Berlin.
    opened = dt.datetime(2026, 11, 2, 23, 30, tzinfo=dt.UTC)
    late = Episode.objects.create(patient=stranger, clinician=clinician, opened_at=opened)
    schedule = attach("nprs", episode=late, time_zone="Europe/Berlin", now=late.opened_at)

    # Midnight in Berlin (CET, UTC+1) on 17 November.
    assert timepoints(schedule)["week-2"].due_at == dt.datetime(2026, 11, 16, 23, 0, tzinfo=dt.UTC)


def test_weeks_already_past_are_not_asked(attach: Callable[..., Schedule]) -> None:
    schedule = attach("nprs", now=NOW + 20 * DAY)

    assert list(timepoints(schedule)) == ["baseline", "week-6", "week-12", "discharge"]


def test_only_the_episodes_clinician_attaches(
    attach: Callable[..., Schedule], other_clinician: User, admin: User
) -> None:
    for someone in (other_clinician, admin):
        with pytest.raises(OutcomeError, match="Only the episode's clinician"):
            attach("nprs", by=someone)
    assert not Schedule.objects.exists()


def test_a_discharged_episode_takes_no_new_measures(
    attach: Callable[..., Schedule], episode: Episode
) -> None:
    discharge(episode, at=NOW)

    with pytest.raises(OutcomeError, match="discharged"):
        attach("nprs")


def test_a_licensed_measure_needs_its_text_pack_first(
    attach: Callable[..., Schedule], lefs_pack: TextPack
) -> None:
    with pytest.raises(OutcomeError, match="licensed and not loaded") as error:
        attach("odi")
    assert error.value.field == "instrument"
    assert attach("lefs").instrument == "lefs"


@pytest.mark.parametrize(
    ("options", "field", "says"),
    [
        ({"follow_up_weeks": [0]}, "follow_up_weeks", "from 1 to 104"),
        ({"follow_up_weeks": [2, 2]}, "follow_up_weeks", "once"),
        ({"review_week": 4}, "review_week", "one of the follow-up weeks"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "time zone"),
        ({"at_baseline": False, "follow_up_weeks": [], "at_discharge": False}, None, "at least"),
    ],
)
def test_a_bad_schedule_is_refused_at_its_field(
    attach: Callable[..., Schedule], options: dict[str, object], field: str | None, says: str
) -> None:
    with pytest.raises(OutcomeError, match=says) as error:
        attach("nprs", **options)
    assert error.value.field == field
    assert not Schedule.objects.exists() and not Response.objects.exists()


def test_a_measure_is_asked_once_per_episode(attach: Callable[..., Schedule]) -> None:
    attach("nprs")

    with pytest.raises(OutcomeError, match="already asks"):
        attach("nprs", is_main=False)
    assert Schedule.objects.count() == 1


def test_a_new_main_measure_takes_over(attach: Callable[..., Schedule]) -> None:
    first = attach("nprs", is_main=True)
    second = attach("psfs", is_main=True)

    first.refresh_from_db()
    assert (first.is_main, second.is_main) == (False, True)


# What is due


def test_baseline_is_open_at_once_and_week_2_waits_for_its_day(
    attach: Callable[..., Schedule],
) -> None:
    asked = timepoints(attach("nprs"))

    assert stage_at(asked["baseline"], NOW) is Stage.OPEN
    assert stage_at(asked["week-2"], NOW) is Stage.UPCOMING
    week_2 = dt.datetime(2026, 11, 16, 0, 0, tzinfo=dt.UTC)
    assert stage_at(asked["week-2"], week_2 - dt.timedelta(seconds=1)) is Stage.UPCOMING
    assert stage_at(asked["week-2"], week_2) is Stage.OPEN


def test_an_unanswered_timepoint_is_missed_once_the_next_falls_due(
    attach: Callable[..., Schedule],
) -> None:
    asked = timepoints(attach("nprs"))
    at_week_2 = NOW + 14 * DAY

    assert stage_at(asked["baseline"], at_week_2) is Stage.MISSED
    assert stage_at(asked["week-2"], at_week_2) is Stage.OPEN


def test_discharge_opens_the_discharge_questionnaire_only(
    attach: Callable[..., Schedule], episode: Episode
) -> None:
    asked = timepoints(attach("nprs"))
    discharge(episode, at=NOW + 20 * DAY)
    later = NOW + 21 * DAY

    assert stage_at(asked["discharge"], later) is Stage.OPEN
    assert stage_at(asked["week-2"], later) is Stage.MISSED
    assert stage_at(asked["week-6"], later) is Stage.NOT_ASKED
    assert stage_at(asked["discharge"], NOW) is Stage.OPEN  # once discharged, whatever the clock


def test_due_for_lists_the_patients_open_questionnaires_oldest_first(
    attach: Callable[..., Schedule], patient: User, clinician: User
) -> None:
    nprs = attach("nprs")
    psfs = attach("psfs", is_main=False, now=NOW + DAY)

    due = services.due_for(patient, now=NOW + 2 * DAY)

    assert [(r.instrument, r.timepoint) for r in due] == [
        ("nprs", "baseline"),
        ("psfs", "baseline"),
    ]
    assert services.due_for(clinician, now=NOW + 2 * DAY) == []
    assert {r.schedule_id for r in due} == {nprs.pk, psfs.pk}


# Answering


def baseline_of(schedule: Schedule) -> Response:
    return schedule.responses.select_related("episode").get(timepoint="baseline")


def test_answering_stores_answers_scores_and_versions(
    attach: Callable[..., Schedule], patient: User
) -> None:
    response = baseline_of(attach("nprs"))

    services.answer(response, by=patient, answers={"pain": 6}, now=NOW + dt.timedelta(hours=1))

    response.refresh_from_db()
    assert response.answers == {"pain": 6}
    assert response.scores == {"total": 6.0}
    assert response.unscorable == {}
    assert (response.instrument_version, response.scoring_version) == ("mend-1 (right now)", "1")
    assert response.answered_at == NOW + dt.timedelta(hours=1)


def test_an_unscorable_result_is_stored_with_its_reason(
    attach: Callable[..., Schedule], patient: User, lefs_pack: TextPack
) -> None:
    response = baseline_of(attach("lefs"))

    services.answer(response, by=patient, answers=lefs_answers(count=19), now=NOW)

    response.refresh_from_db()
    assert response.scores == {"total": None}
    assert response.unscorable == {"total": "cannot be scored: 19 of 20 answered; needs all 20"}


@pytest.mark.parametrize(
    ("answers", "field", "says"),
    [
        ({"pain": 11}, "pain", "out of range"),
        ({"pain": True}, "pain", "not a whole number"),
        ({"ache": 3}, "ache", "no such item"),
        ({}, None, "at least one"),
        ({"pain": None}, None, "at least one"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    attach: Callable[..., Schedule],
    patient: User,
    answers: dict[str, object],
    field: str | None,
    says: str,
) -> None:
    response = baseline_of(attach("nprs"))

    with pytest.raises(OutcomeError, match=says) as error:
        services.answer(response, by=patient, answers=answers, now=NOW)
    assert error.value.field == field
    assert not Response.objects.filter(answered_at__isnull=False).exists()


def test_only_the_patient_answers(attach: Callable[..., Schedule], clinician: User) -> None:
    response = baseline_of(attach("nprs"))

    with pytest.raises(OutcomeError, match="Only the patient"):
        services.answer(response, by=clinician, answers={"pain": 3}, now=NOW)


def test_a_questionnaire_is_answered_once(attach: Callable[..., Schedule], patient: User) -> None:
    response = baseline_of(attach("nprs"))
    services.answer(response, by=patient, answers={"pain": 3}, now=NOW)

    with pytest.raises(OutcomeError, match="already answered"):
        services.answer(response, by=patient, answers={"pain": 8}, now=NOW)
    assert Response.objects.get(pk=response.pk).answers == {"pain": 3}


def test_a_missed_or_upcoming_questionnaire_takes_no_answers(
    attach: Callable[..., Schedule], patient: User
) -> None:
    asked = timepoints(attach("nprs"))

    with pytest.raises(OutcomeError, match="not open"):
        services.answer(asked["week-6"], by=patient, answers={"pain": 3}, now=NOW)
    with pytest.raises(OutcomeError, match="not open"):
        services.answer(asked["baseline"], by=patient, answers={"pain": 3}, now=NOW + 15 * DAY)


def test_a_pack_removed_since_attaching_closes_the_questionnaire(
    attach: Callable[..., Schedule], patient: User, lefs_pack: TextPack
) -> None:
    response = baseline_of(attach("lefs"))
    lefs_pack.delete()

    with pytest.raises(OutcomeError, match="not available"):
        services.answer(response, by=patient, answers=lefs_answers(), now=NOW)


# PSFS: activities named once, then rated again


ACTIVITIES = ["Climbing stairs", "Running 5 km", "Carrying shopping"]


def test_psfs_baseline_stores_the_named_activities(
    attach: Callable[..., Schedule], patient: User
) -> None:
    response = baseline_of(attach("psfs"))

    services.answer(
        response,
        by=patient,
        answers={"a1": 3, "a2": 1, "a3": 5},
        activities=[" Climbing stairs ", "Running 5 km", "Carrying shopping"],
        now=NOW,
    )

    response.refresh_from_db()
    assert response.psfs_activities == ACTIVITIES
    assert response.scores == {"total": 3.0}


def test_psfs_follow_ups_rate_the_baseline_activities_again(
    attach: Callable[..., Schedule], patient: User
) -> None:
    asked = timepoints(attach("psfs"))
    services.answer(
        asked["baseline"], by=patient, answers={"a1": 3, "a2": 1, "a3": 5},
        activities=ACTIVITIES, now=NOW,
    )  # fmt: skip
    week_2 = Response.objects.select_related("episode").get(pk=asked["week-2"].pk)

    assert services.psfs_activities_for(week_2) == ACTIVITIES
    services.answer(
        week_2, by=patient, answers={"a1": 6, "a2": 4, "a3": 8},
        activities=["Something new", "x", "y"], now=NOW + 14 * DAY,
    )  # fmt: skip
    week_2.refresh_from_db()
    assert week_2.psfs_activities == ACTIVITIES
    assert week_2.scores == {"total": 6.0}


@pytest.mark.parametrize(
    ("activities", "answers", "field", "says"),
    [
        (["Stairs", "Running"], {"a1": 3, "a2": 3}, "activities", "Name 3 to 5"),
        (["Stairs", "stairs", "Run"], {"a1": 3, "a2": 3, "a3": 3}, "activities", "once"),
        (ACTIVITIES, {"a1": 3, "a2": 3}, "a3", "Rate “Carrying shopping”"),
        (ACTIVITIES, {"a1": 3, "a2": 3, "a3": 3, "a4": 3}, "a4", "Name this activity"),
    ],
)
def test_psfs_needs_3_to_5_named_and_rated_activities(
    attach: Callable[..., Schedule],
    patient: User,
    activities: list[str],
    answers: dict[str, int],
    field: str,
    says: str,
) -> None:
    response = baseline_of(attach("psfs"))

    with pytest.raises(OutcomeError, match=says) as error:
        services.answer(response, by=patient, answers=answers, activities=activities, now=NOW)
    assert error.value.field == field
    assert not Response.objects.filter(answered_at__isnull=False).exists()
