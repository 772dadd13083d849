"""The pure progress rules: schedules, adherence, streaks, the rising-pain flag."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from mend.exercises import progress
from mend.exercises.dosage import PainRule
from mend.exercises.progress import Schedule

MONDAY = dt.date(2026, 11, 2)
MWF = frozenset({0, 2, 4})


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def test_schedule_is_due_only_on_its_days_and_within_its_dates() -> None:
    schedule = Schedule(MWF, 1, start=day(2), end=day(10))

    assert [schedule.is_due(day(i)) for i in range(14)] == [
        False,
        False,
        True,
        False,
        True,
        False,
        False,  # Wed, Fri from the start
        True,
        False,
        True,
        False,
        False,
        False,
        False,  # Mon, Wed; Fri is after the end
    ]


def test_schedule_describes_itself() -> None:
    assert Schedule(progress.EVERY_DAY, 2, MONDAY).describe() == "twice a day, every day"
    assert Schedule(MWF, 1, MONDAY).describe() == "once a day, Mon, Wed, Fri"


def test_extra_sessions_on_one_day_do_not_make_up_for_another() -> None:
    schedule = Schedule(progress.EVERY_DAY, 1, MONDAY)
    found = progress.adherence(schedule, [day(0), day(0), day(0)], day(0), day(2))

    assert (found.done, found.prescribed, found.percent) == (1, 3, 33)


def test_sessions_on_a_free_day_count_but_never_above_what_was_prescribed() -> None:
    schedule = Schedule(MWF, 1, MONDAY)
    found = progress.adherence(schedule, [day(1), day(3), day(5)], day(0), day(6))

    assert (found.done, found.prescribed) == (3, 3)
    assert progress.adherence(schedule, [day(1)] * 9, day(0), day(6)).done == 1


def test_nothing_prescribed_has_no_percentage() -> None:
    schedule = Schedule(MWF, 1, day(7))
    assert progress.adherence(schedule, [], day(0), day(6)).percent is None


def test_weekly_adherence_counts_program_weeks_from_the_start_date() -> None:
    schedule = Schedule(progress.EVERY_DAY, 1, start=day(2))
    weeks = progress.weekly_adherence(schedule, [day(2), day(3), day(9), day(10)], day(10))

    assert [(w.number, w.first, w.last, w.done, w.prescribed) for w in weeks] == [
        (1, day(2), day(8), 2, 7),
        (2, day(9), day(10), 2, 2),
    ]


def test_streak_counts_due_days_and_today_is_not_over_yet() -> None:
    schedule = Schedule(MWF, 1, MONDAY)
    done = [day(0), day(2), day(4), day(7)]

    assert progress.streak(schedule, done, day(7)) == 4
    assert progress.streak(schedule, done, day(9)) == 4  # Wednesday, not done yet: no break
    assert progress.streak(schedule, done, day(10)) == 0  # Wednesday was missed


def test_pain_rising_compares_the_last_three_sessions_with_the_first_three() -> None:
    baseline = [(day(0), 2), (day(2), 3), (day(4), 2)]
    later = [(day(9), 4), (day(11), 4), (day(14), 5)]

    assert progress.pain_is_rising(baseline + later)  # 4.33 against 2.33: exactly 2 more
    assert not progress.pain_is_rising([*baseline, (day(9), 4), (day(11), 4), (day(14), 4)])
    assert not progress.pain_is_rising(baseline + later[:2])  # too few later sessions
    assert not progress.pain_is_rising([])


def test_pain_rising_is_caught_in_the_first_week_of_a_daily_program() -> None:
    week = [(day(n), pain) for n, pain in enumerate([1, 2, 1, 3, 4, 4])]

    assert progress.pain_is_rising(week)  # 3.67 against 1.33, by day 6


def test_morning_pain_rising_week_to_week() -> None:
    first = [(day(0), 2)]
    last_week = [(day(n), 2) for n in (14, 16, 18)]
    this_week = [(day(n), 3) for n in (21, 23, 25)]

    assert progress.morning_is_rising(first + last_week + this_week, day(25))  # 3 against 2
    steady = first + last_week + [(day(n), 2) for n in (21, 23, 25)]
    assert not progress.morning_is_rising(steady, day(25))
    assert not progress.morning_is_rising(first + this_week, day(25))  # no week before


def test_morning_pain_rising_in_the_first_weeks_compares_with_the_first_morning() -> None:
    assert progress.morning_is_rising([(day(0), 1), (day(2), 2), (day(4), 3)], day(4))
    assert not progress.morning_is_rising([(day(0), 1), (day(2), 2)], day(2))
    assert not progress.morning_is_rising([(day(0), 4)], day(0))


def test_quiet_days_count_from_the_last_session_or_the_start() -> None:
    assert progress.quiet_days(day(1), day(0), day(8)) == 7
    assert progress.quiet_days(None, day(3), day(8)) == 5


def test_strictest_rule_takes_the_lowest_limit_and_any_settling() -> None:
    rule = progress.strictest_rule(
        [PainRule(5, settle_by_next_morning=False), PainRule(3, settle_by_next_morning=True)]
    )
    assert rule == PainRule(3, settle_by_next_morning=True)
    assert progress.strictest_rule([]) == PainRule()


def test_a_visit_is_offered_after_two_sessions_over_the_rule_in_a_week() -> None:
    assert not progress.offer_visit([day(0)], day(3))
    assert progress.offer_visit([day(0), day(6)], day(6))
    assert not progress.offer_visit([day(0), day(6)], day(7))  # day 0 is now 8 days back


# Properties.

schedules = st.builds(
    Schedule,
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    per_day=st.integers(1, 4),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
)
session_days = st.lists(st.dates(dt.date(2025, 12, 1), dt.date(2026, 4, 30)), max_size=60)


@settings(max_examples=60, deadline=None)
@given(schedules, session_days, st.dates(dt.date(2026, 1, 1), dt.date(2026, 4, 30)))
def test_adherence_is_between_0_and_100_percent(
    schedule: Schedule, days: list[dt.date], today: dt.date
) -> None:
    for week in progress.weekly_adherence(schedule, days, today):
        assert 0 <= week.done <= week.prescribed
        assert week.percent is None or 0 <= week.percent <= 100


@settings(max_examples=60, deadline=None)
@given(schedules, session_days, st.dates(dt.date(2026, 1, 1), dt.date(2026, 4, 30)))
def test_weeks_cover_the_program_so_far_without_gaps(
    schedule: Schedule, days: list[dt.date], today: dt.date
) -> None:
    weeks = progress.weekly_adherence(schedule, days, today)
    if today < schedule.start:
        assert weeks == [] and progress.current_week(schedule, days, today) is None
        return
    assert weeks[0].first == schedule.start and weeks[-1].last == today
    for before, after in itertools.pairwise(weeks):
        assert after.first == before.last + dt.timedelta(days=1)
    total = progress.adherence(schedule, days, schedule.start, today)
    assert sum(week.prescribed for week in weeks) == total.prescribed
    assert progress.current_week(schedule, days, today) == weeks[-1]


@settings(max_examples=60, deadline=None)
@given(schedules, session_days, st.dates(dt.date(2026, 1, 1), dt.date(2026, 4, 30)))
def test_streak_never_exceeds_the_days_with_sessions(
    schedule: Schedule, days: list[dt.date], today: dt.date
) -> None:
    streak = progress.streak(schedule, days, today)
    assert 0 <= streak <= len({d for d in days if schedule.start <= d <= today})


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=30))
def test_pain_rising_matches_the_stated_rule(raw: list[tuple[int, int]]) -> None:
    sessions = sorted((day(offset), pain) for offset, pain in raw)
    rising = progress.pain_is_rising(sessions)
    if not sessions:
        assert not rising
        return
    baseline = [p for _, p in sessions[:3]]
    later = [p for _, p in sessions[3:]][-3:]
    expected = len(later) == 3 and (
        sum(later) / 3 - sum(baseline) / 3 >= progress.RISING_POINTS - 1e-9
    )
    assert rising == expected


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=30),
    st.integers(0, 70),
)
def test_morning_rule_matches_the_stated_rule(raw: list[tuple[int, int]], today_at: int) -> None:
    mornings = sorted((day(offset), value) for offset, value in raw if offset <= today_at)
    today = day(today_at)
    rising = progress.morning_is_rising(mornings, today)
    if len(mornings) < 2:
        assert not rising
    elif (today - mornings[0][0]).days < 14:
        assert rising == (mornings[-1][1] - mornings[0][1] >= 2)
    else:
        now = [v for d, v in mornings if (today - d).days < 7]
        before = [v for d, v in mornings if 7 <= (today - d).days < 14]
        expected = (
            bool(now and before) and sum(now) / len(now) - sum(before) / len(before) >= 1 - 1e-9
        )
        assert rising == expected
