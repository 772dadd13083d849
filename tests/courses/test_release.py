"""Release rules: days after enrolment, a fixed date, once the previous lesson is done."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from mend.accounts.models import User
from mend.courses import release, services
from mend.courses.models import Enrolment, LessonPage
from tests.courses.conftest import NOW

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_days_after_enrolment_open_at_the_start_of_the_learners_day() -> None:
    # Enrolled 23:30 on 1 March in New York (04:30 UTC on 2 March).
    enrolled = dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC)
    rule = {"days": 2, "on": None, "enrolled_at": enrolled, "previous_done": False}
    opens = dt.datetime(2026, 3, 3, 0, 0, tzinfo=NEW_YORK)

    shut = release.release("enrolment", zone=NEW_YORK, now=opens - dt.timedelta(seconds=1), **rule)
    open_ = release.release("enrolment", zone=NEW_YORK, now=opens, **rule)

    assert not shut.is_open and shut.opens_at == opens
    assert open_.is_open


def test_zero_days_opens_at_once() -> None:
    found = release.release(
        "enrolment", days=0, on=None, enrolled_at=NOW, previous_done=False,
        zone=NEW_YORK, now=NOW,
    )  # fmt: skip
    assert found.is_open


def test_a_date_opens_at_midnight_in_the_learners_zone_across_a_dst_change() -> None:
    # 8 March 2026: clocks in New York go forward at 02:00; midnight is still EST (UTC-5).
    on = dt.date(2026, 3, 8)
    args = {"days": 0, "on": on, "enrolled_at": NOW, "previous_done": True, "zone": NEW_YORK}

    before = release.release("date", now=dt.datetime(2026, 3, 8, 4, 59, tzinfo=dt.UTC), **args)
    after = release.release("date", now=dt.datetime(2026, 3, 8, 5, 0, tzinfo=dt.UTC), **args)

    assert not before.is_open and before.opens_at == dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC)
    assert after.is_open


def test_previous_rule_waits_for_the_lesson_before() -> None:
    args = {"days": 0, "on": None, "enrolled_at": NOW, "zone": NEW_YORK, "now": NOW}
    waiting = release.release("previous", previous_done=False, **args)
    assert not waiting.is_open and waiting.waits_for_previous and waiting.opens_at is None
    assert release.release("previous", previous_done=True, **args).is_open


def test_outline_applies_each_rule_with_a_controlled_clock(
    enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    def states(now: dt.datetime) -> dict[str, bool]:
        return {s.lesson.slug: s.is_open for s in services.outline(enrolment, now=now).lessons}

    assert states(NOW) == {
        "welcome": True, "moving-again": False, "on-the-date": False, "after-that": False,
    }  # fmt: skip
    # A week later, at midnight UTC on 11 November: the 7-day lesson opens.
    assert states(dt.datetime(2026, 11, 11, 0, 0, tzinfo=dt.UTC))["moving-again"] is True
    assert states(dt.datetime(2026, 11, 10, 23, 59, tzinfo=dt.UTC))["moving-again"] is False
    assert states(dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC))["on-the-date"] is True


def test_previous_lesson_done_opens_the_next(
    enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    december = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
    services.mark_done(enrolment, lessons["on-the-date"], now=december)

    state = services.outline(enrolment, now=december).state_of(lessons["after-that"])

    assert state is not None and state.is_open


def test_locked_lesson_page_says_when_it_unlocks(
    client: Client, patient: User, enrolment: Enrolment, time_machine
) -> None:
    time_machine.move_to(NOW)
    client.force_login(patient)

    response = client.get(reverse("courses:lesson", args=["low-back", "moving-again"]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "This lesson is not open yet." in html
    assert "Unlocks on" in html and "11 November 2026" in html
    assert "The text of Moving again" not in html
    previous = client.get(reverse("courses:lesson", args=["low-back", "after-that"]))
    assert "Opens once the lesson before it is done" in previous.content.decode()


ZONES = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]
moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2028, 12, 31),
    timezones=st.just(dt.UTC),
)


@given(
    enrolled=moments,
    now=moments,
    days=st.integers(min_value=0, max_value=400),
    zone=st.sampled_from(ZONES),
)
def test_a_day_count_opens_once_at_local_midnight_and_stays_open(
    enrolled: dt.datetime, now: dt.datetime, days: int, zone: str
) -> None:
    tz = zoneinfo.ZoneInfo(zone)
    found = release.release(
        "enrolment", days=days, on=None, enrolled_at=enrolled, previous_done=False,
        zone=tz, now=now,
    )  # fmt: skip
    later = release.release(
        "enrolment", days=days, on=None, enrolled_at=enrolled, previous_done=False,
        zone=tz, now=now + dt.timedelta(days=1),
    )  # fmt: skip
    if found.is_open:
        assert later.is_open
    else:
        assert found.opens_at is not None and now < found.opens_at
        local = found.opens_at.astimezone(tz)
        assert local.date() == enrolled.astimezone(tz).date() + dt.timedelta(days=days)
        assert (local.hour, local.minute) <= (1, 0)  # midnight, or the first moment after a gap
