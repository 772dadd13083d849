"""Remote monitoring in care: the 30-day periods (pure), review time and who records it.

The clock: NOW is 09:00 UTC on Wednesday 4 November 2026; the episode opened a
week before, at 09:00 UTC on Wednesday 28 October.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mend.accounts.models import User
from mend.care import services
from mend.care.models import Episode, ReviewTime
from mend.care.monitoring import PERIOD_DAYS, Review, period_index, periods, span
from tests.care.conftest import NOW

OPENED = dt.date(2026, 10, 28)
DAY = dt.timedelta(days=1)


def day(n: int) -> dt.date:
    """The n-th day of the episode, the opening day being day 0."""
    return OPENED + n * DAY


# The periods


def test_first_period_starts_on_the_opening_day_and_lasts_thirty_days() -> None:
    [first] = periods(opened_on=OPENED, first=OPENED, last=OPENED, data_dates=[], reviews=[])
    assert (first.number, first.start, first.end) == (1, OPENED, dt.date(2026, 11, 26))


def test_a_day_with_two_kinds_of_data_counts_once() -> None:
    [first] = periods(
        opened_on=OPENED,
        first=OPENED,
        last=day(29),
        data_dates=[day(3), day(3), day(5)],
        reviews=[],
    )
    assert first.data_dates == (day(3), day(5))
    assert first.days_with_data == 2


def test_periods_overlapping_the_range_are_listed_whole() -> None:
    found = periods(
        opened_on=OPENED,
        first=day(29),
        last=day(30),
        data_dates=[day(0), day(59), day(60)],
        reviews=[Review(day(1), 20), Review(day(29), 5), Review(day(45), 15)],
    )
    assert [(p.number, p.start, p.end) for p in found] == [
        (1, day(0), day(29)),
        (2, day(30), day(59)),
    ]
    assert [p.days_with_data for p in found] == [1, 1]
    assert [p.review_minutes for p in found] == [25, 15]


def test_days_before_the_opening_belong_to_no_period() -> None:
    found = periods(
        opened_on=OPENED,
        first=day(-40),
        last=day(2),
        data_dates=[day(-1), day(1)],
        reviews=[Review(day(-1), 30)],
    )
    assert [(p.number, p.data_dates, p.review_minutes) for p in found] == [(1, (day(1),), 0)]


def test_a_range_before_the_opening_has_no_periods() -> None:
    assert periods(opened_on=OPENED, first=day(-9), last=day(-1), data_dates=[], reviews=[]) == []
    assert span(OPENED, day(-9), day(-1)) is None


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        periods(opened_on=OPENED, first=day(2), last=day(1), data_dates=[], reviews=[])


# Dates far enough from date.max that the last period's end still exists.
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))


@st.composite
def cases(draw: st.DrawFn) -> tuple[dt.date, dt.date, dt.date, list[dt.date], list[Review]]:
    opened_on = draw(dates)
    first = draw(st.dates(opened_on - 100 * DAY, opened_on + 400 * DAY))
    last = draw(st.dates(first, first + 400 * DAY))
    around = st.dates(opened_on - 60 * DAY, last + 60 * DAY)
    data = draw(st.lists(around, max_size=80))
    reviews = draw(st.lists(st.builds(Review, around, st.integers(1, 240)), max_size=20))
    return opened_on, first, last, data, reviews


@given(cases())
def test_every_data_day_in_the_periods_falls_in_exactly_one(
    case: tuple[dt.date, dt.date, dt.date, list[dt.date], list[Review]],
) -> None:
    opened_on, first, last, data, reviews = case
    found = periods(opened_on=opened_on, first=first, last=last, data_dates=data, reviews=reviews)
    if not found:
        assert last < opened_on
        return
    covered = [d for d in set(data) if found[0].start <= d <= found[-1].end]
    for d in covered:
        assert sum(d in p.data_dates for p in found) == 1
        assert sum(p.start <= d <= p.end for p in found) == 1
    assert sum(p.days_with_data for p in found) == len(covered)
    assert all(p.start <= d <= p.end for p in found for d in p.data_dates)


@given(cases())
def test_periods_are_contiguous_thirty_day_runs_from_the_opening_covering_the_range(
    case: tuple[dt.date, dt.date, dt.date, list[dt.date], list[Review]],
) -> None:
    opened_on, first, last, data, reviews = case
    found = periods(opened_on=opened_on, first=first, last=last, data_dates=data, reviews=reviews)
    for before, after in itertools.pairwise(found):
        assert after.start == before.end + DAY
        assert after.number == before.number + 1
    for period in found:
        assert (period.end - period.start).days + 1 == PERIOD_DAYS
        assert (period.start - opened_on).days == (period.number - 1) * PERIOD_DAYS
        assert 0 <= period.days_with_data <= PERIOD_DAYS
    if found:
        assert found[0].start <= max(first, opened_on) and found[-1].end >= last


@given(cases())
def test_review_minutes_inside_the_periods_are_all_counted_once(
    case: tuple[dt.date, dt.date, dt.date, list[dt.date], list[Review]],
) -> None:
    opened_on, first, last, data, reviews = case
    found = periods(opened_on=opened_on, first=first, last=last, data_dates=data, reviews=reviews)
    for period in found:
        inside = [r.minutes for r in reviews if period.start <= r.on <= period.end]
        assert period.review_minutes == sum(inside)
        assert all(period_index(opened_on, d) == period.number - 1 for d in period.data_dates)


# Review time: the model


@pytest.fixture
def episode(clinician: User, patient: User) -> Episode:
    return services.open_or_join(
        patient=patient, clinician=clinician, now=NOW - 7 * DAY, source="admin"
    )


@pytest.mark.parametrize("minutes", [0, 241])
def test_the_database_refuses_minutes_outside_1_to_240(
    episode: Episode, clinician: User, minutes: int
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewTime.objects.create(episode=episode, clinician=clinician, on=day(1), minutes=minutes)
    assert not ReviewTime.objects.exists()


def test_the_back_office_form_shows_the_minutes_message(episode: Episode, clinician: User) -> None:
    entry = ReviewTime(episode=episode, clinician=clinician, on=day(1), minutes=241)
    with pytest.raises(ValidationError, match="Review time is from 1 to 240 minutes"):
        entry.full_clean()


@pytest.fixture
def entry(episode: Episode, clinician: User) -> ReviewTime:
    return ReviewTime.objects.create(episode=episode, clinician=clinician, on=day(1), minutes=20)


def test_the_patient_and_their_clinician_see_the_review_time(
    entry: ReviewTime, patient: User, clinician: User
) -> None:
    assert list(ReviewTime.objects.visible_to(patient)) == [entry]
    assert list(ReviewTime.objects.visible_to(clinician, now=NOW)) == [entry]


def test_others_see_no_review_time(
    entry: ReviewTime, other_clinician: User, stranger: User
) -> None:
    for user in (other_clinician, stranger, AnonymousUser()):
        assert not ReviewTime.objects.visible_to(user).exists()


def test_an_admin_sees_review_time_only_by_break_glass(entry: ReviewTime, patient: User) -> None:
    admin = User.objects.create_superuser(email="boss@clinic.example", password="x" * 12)
    assert list(ReviewTime.objects.visible_to(admin)) == []
    services.break_glass(
        admin=admin, patient_email=patient.email, reason="Billing dispute", now=timezone.now()
    )
    assert list(ReviewTime.objects.visible_to(admin)) == [entry]


def test_the_clinician_loses_sight_of_it_when_access_ends(
    entry: ReviewTime, episode: Episode, clinician: User
) -> None:
    services.discharge(episode, by=clinician, note="", now=NOW)
    assert ReviewTime.objects.visible_to(clinician, now=NOW + 30 * DAY).exists()
    assert not ReviewTime.objects.visible_to(clinician, now=NOW + 31 * DAY).exists()


# Review time: recording it


def record(episode: Episode, by: User, **changes: object) -> ReviewTime:
    values: dict[str, object] = {"on": NOW.date(), "minutes": 20, "note": "", "now": NOW}
    values.update(changes)
    return services.record_review(episode=episode, by=by, **values)  # type: ignore[arg-type]


def test_the_clinician_records_review_minutes(episode: Episode, clinician: User) -> None:
    record(episode, clinician, minutes=17, note="  Read the week's logs.  ")
    saved = ReviewTime.objects.get()
    assert (saved.episode, saved.clinician, saved.on) == (episode, clinician, NOW.date())
    assert (saved.minutes, saved.note, saved.created_at) == (17, "Read the week's logs.", NOW)


@pytest.mark.parametrize("who", ["other_clinician", "patient", "stranger"])
def test_only_the_episodes_clinician_records_review_time(
    episode: Episode, who: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(services.CareError, match="Only the episode's clinician") as caught:
        record(episode, request.getfixturevalue(who))
    assert caught.value.field is None
    assert not ReviewTime.objects.exists()


def test_no_review_time_once_access_has_ended(episode: Episode, clinician: User) -> None:
    services.discharge(episode, by=clinician, note="", now=NOW)
    record(episode, clinician, now=NOW + 30 * DAY)  # still inside the window
    with pytest.raises(services.CareError, match="while they have access"):
        record(episode, clinician, now=NOW + 31 * DAY)
    assert ReviewTime.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"minutes": 0}, "minutes", "from 1 to 240 minutes"),
        ({"minutes": 241}, "minutes", "from 1 to 240 minutes"),
        ({"on": NOW.date() + 2 * DAY}, "on", "has not begun yet"),
        ({"on": OPENED - 2 * DAY}, "on", "opened on 28 Oct 2026"),
        ({"note": "x" * 501}, "note", "500 characters"),
    ],
)
def test_bad_review_time_is_refused_at_its_field(
    episode: Episode, clinician: User, changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(services.CareError, match=message) as caught:
        record(episode, clinician, **changes)
    assert caught.value.field == field
    assert not ReviewTime.objects.exists()


def test_a_day_already_begun_somewhere_on_earth_is_accepted(
    episode: Episode, clinician: User
) -> None:
    # 11:00 UTC on 4 November is already 00:00 on 5 November in Kiritimati (UTC+14).
    record(episode, clinician, on=dt.date(2026, 11, 5), now=NOW + dt.timedelta(hours=2))
    assert ReviewTime.objects.get().on == dt.date(2026, 11, 5)


def test_the_back_office_lists_review_time(client: Client, entry: ReviewTime) -> None:
    admin = User.objects.create_superuser(email="boss@clinic.example", password="x" * 12)
    client.force_login(admin)
    response = client.get("/admin/care_review_times/")
    assert response.status_code == 200
    assert "20 min on 2026-10-29" in response.content.decode()
