"""Follow-ups that say the care is not helping flag the episode for its clinician."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode, Flag
from mend.outcomes import services
from mend.outcomes.models import Response, Schedule

from .conftest import NOW

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(weeks=1)


def answer(schedule: Schedule, timepoint: str, pain: int, at: dt.datetime, patient: User) -> None:
    response = Response.objects.get(schedule=schedule, timepoint=timepoint)
    services.answer(response, by=patient, answers={"pain": pain}, now=at)


@pytest.mark.parametrize(
    ("week_6_pain", "flagged"),
    [(6, Flag.Cause.NO_CHANGE), (5, Flag.Cause.NO_CHANGE), (4, None), (8, Flag.Cause.WORSENING)],
    ids=["the same", "1 point better", "2 points better (the MCID)", "2 points worse"],
)
def test_the_main_measure_at_its_review_week(
    attach: Callable[..., Schedule],
    patient: User,
    episode: Episode,
    week_6_pain: int,
    flagged: str | None,
) -> None:
    schedule = attach("nprs")
    answer(schedule, "baseline", 6, NOW, patient)
    answer(schedule, "week-2", 6, NOW + 2 * WEEK, patient)  # before the review week: no flag
    assert not Flag.objects.exists()

    answer(schedule, "week-6", week_6_pain, NOW + 6 * WEEK, patient)

    causes = list(Flag.objects.values_list("cause", flat=True))
    assert causes == ([flagged] if flagged else [])


def test_the_flag_says_why_with_the_numbers_and_the_mcids_source(
    attach: Callable[..., Schedule], patient: User
) -> None:
    schedule = attach("nprs")
    answer(schedule, "baseline", 6, NOW, patient)
    answer(schedule, "week-6", 6, NOW + 6 * WEEK, patient)

    flag = Flag.objects.get()
    assert "6 at baseline, 6 at week 6 (no meaningful change; MCID 2" in flag.detail
    assert "Ostelo" in flag.detail


def test_worsening_flags_on_any_follow_up_and_on_any_measure(
    attach: Callable[..., Schedule], patient: User
) -> None:
    attach("psfs", is_main=True)
    pain = attach("nprs", is_main=False)
    answer(pain, "baseline", 2, NOW, patient)

    answer(pain, "week-2", 5, NOW + 2 * WEEK, patient)

    flag = Flag.objects.get()
    assert flag.cause == Flag.Cause.WORSENING
    assert "meaningful worsening" in flag.detail


def test_a_measure_that_is_not_main_never_flags_no_change(
    attach: Callable[..., Schedule], patient: User
) -> None:
    schedule = attach("nprs", is_main=False)
    answer(schedule, "baseline", 5, NOW, patient)
    answer(schedule, "week-6", 5, NOW + 6 * WEEK, patient)

    assert not Flag.objects.exists()


def test_a_cause_is_raised_once_until_cleared(
    attach: Callable[..., Schedule], patient: User, clinician: User
) -> None:
    schedule = attach("nprs")
    answer(schedule, "baseline", 5, NOW, patient)
    answer(schedule, "week-6", 5, NOW + 6 * WEEK, patient)
    care.clear_flag(Flag.objects.get(), by=clinician, note="Changed the plan", now=NOW + 6 * WEEK)

    answer(schedule, "week-12", 5, NOW + 12 * WEEK, patient)

    assert Flag.objects.count() == 2 and Flag.objects.open().count() == 1


def test_no_baseline_no_flag(attach: Callable[..., Schedule], patient: User) -> None:
    schedule = attach("nprs")  # the baseline is never answered
    answer(schedule, "week-2", 9, NOW + 2 * WEEK, patient)

    assert not Flag.objects.exists()
