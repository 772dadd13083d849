from __future__ import annotations

import os
import time as os_time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from time_machine import TimeMachineFixture

from mend.booking import slots as engine
from mend.booking.slots import (
    ClinicianCalendar,
    Interval,
    Rule,
    SlotError,
    SlotQuery,
    first_available,
    free_slots,
    working_intervals,
)

NEW_YORK, LONDON = "America/New_York", "Europe/London"
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
WEEKDAYS_NINE_TO_FIVE = tuple(Rule(weekday, time(9), time(17)) for weekday in range(5))
EVERY_DAY_NINE_TO_FIVE = tuple(Rule(weekday, time(9), time(17)) for weekday in range(7))
MONDAY_MORNING = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)  # Monday 07:00 in London (BST)


def calendar(
    *,
    zone: str = LONDON,
    rules: Sequence[Rule] = WEEKDAYS_NINE_TO_FIVE,
    busy: Sequence[Interval] = (),
    time_off: Sequence[Interval] = (),
    key: str = "ana",
) -> ClinicianCalendar[str]:
    return ClinicianCalendar(key=key, zone=zone, rules=rules, busy=busy, time_off=time_off)


def query(now: datetime = MONDAY_MORNING, **overrides: timedelta) -> SlotQuery:
    values = {"duration": 30 * MINUTE, "step": 15 * MINUTE, "horizon": DAY} | overrides
    return SlotQuery(now=now, **values)


def local(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def london(hour: int, minute: int = 0) -> datetime:
    """A time on Monday 2026-06-15 in London."""
    return local(LONDON, 2026, 6, 15, hour, minute)


def readings(slots: Sequence[datetime], zone: str = LONDON) -> list[str]:
    return [slot.astimezone(ZoneInfo(zone)).strftime("%H:%M") for slot in slots]


def quarter_hours(first: str, last: str) -> list[str]:
    start = datetime.strptime(first, "%H:%M")
    count = (datetime.strptime(last, "%H:%M") - start) // (15 * MINUTE) + 1
    return [(start + index * 15 * MINUTE).strftime("%H:%M") for index in range(count)]


# A plain day


def test_plain_day_offers_every_quarter_hour_from_nine_to_half_past_four() -> None:
    slots = free_slots(calendar(), query())

    assert readings(slots) == quarter_hours("09:00", "16:30")
    assert all(slot.tzinfo is UTC for slot in slots)
    assert slots[0] == datetime(2026, 6, 15, 8, 0, tzinfo=UTC)


def test_busy_appointment_with_buffers_blocks_every_slot_it_would_touch() -> None:
    ana = calendar(busy=[Interval(london(11), london(12))])

    slots = free_slots(ana, query(buffer_before=10 * MINUTE, buffer_after=5 * MINUTE))

    # [s - 10 min, s + 35 min) must stay clear of 11:00-12:00: 10:30 runs into it, 12:00
    # needs 11:50 for its buffer.
    assert readings(slots) == quarter_hours("09:00", "10:15") + quarter_hours("12:15", "16:30")


def test_visits_may_end_as_an_appointment_starts_and_start_as_it_ends() -> None:
    ana = calendar(busy=[Interval(london(11), london(12))])

    slots = readings(free_slots(ana, query()))

    assert "10:30" in slots and "12:00" in slots
    assert not {"10:45", "11:00", "11:45"} & set(slots)


def test_visit_fits_exactly_between_two_appointments_buffers_included() -> None:
    ana = calendar(busy=[Interval(london(10), london(11)), Interval(london(11, 50), london(12))])

    slots = free_slots(
        ana, query(step=10 * MINUTE, buffer_before=10 * MINUTE, buffer_after=10 * MINUTE)
    )

    # 11:10 needs 11:00-11:50 clear: exactly the gap between them.
    morning = [slot for slot in readings(slots) if slot <= "12:30"]
    assert morning == ["09:00", "09:10", "09:20", "11:10", "12:10", "12:20", "12:30"]


def test_buffers_may_reach_outside_working_hours() -> None:
    slots = free_slots(calendar(), query(buffer_before=HOUR, buffer_after=HOUR))

    assert readings(slots) == quarter_hours("09:00", "16:30")


def test_time_off_removes_the_slots_it_covers_buffers_included() -> None:
    ana = calendar(time_off=[Interval(london(13), london(14))])

    slots = free_slots(ana, query(buffer_after=15 * MINUTE))

    assert readings(slots) == quarter_hours("09:00", "12:15") + quarter_hours("14:00", "16:30")


def test_time_off_over_whole_days_empties_them() -> None:
    ana = calendar(time_off=[Interval(london(0), london(0) + 2 * DAY)])

    assert free_slots(ana, query(horizon=3 * DAY))[0].date() == date(2026, 6, 17)


def test_notice_hides_slots_that_start_too_soon() -> None:
    now = datetime(2026, 6, 15, 8, 5, tzinfo=UTC)  # Monday 09:05 in London

    slots = free_slots(calendar(), query(now, notice=2 * HOUR))

    assert readings(slots)[0] == "11:15"


def test_notice_counts_elapsed_time_across_a_clock_change() -> None:
    now = local(NEW_YORK, 2026, 3, 7, 9)  # Saturday 09:00 EST, the day before spring forward
    ana = calendar(zone=NEW_YORK, rules=EVERY_DAY_NINE_TO_FIVE)

    slots = free_slots(ana, query(now, notice=24 * HOUR, horizon=2 * DAY))

    # 24 hours later the clocks read 10:00 EDT, not 09:00.
    assert slots[0] == local(NEW_YORK, 2026, 3, 8, 10)


def test_horizon_bounds_when_a_visit_may_start_not_when_it_ends() -> None:
    slots = free_slots(calendar(), query(horizon=9 * HOUR))  # until 16:00 in London

    assert readings(slots)[-1] == "16:00"


def test_rule_applies_only_between_valid_from_and_valid_until() -> None:
    mondays = [Rule(0, time(9), time(17), date(2026, 6, 22), date(2026, 6, 29))]

    slots = free_slots(calendar(rules=mondays), query(horizon=35 * DAY))

    assert sorted({slot.date() for slot in slots}) == [date(2026, 6, 22), date(2026, 6, 29)]


def test_starts_keep_to_the_step_counted_from_the_start_of_working_hours() -> None:
    ten_past = [Rule(0, time(9, 10), time(11))]
    now = datetime(2026, 6, 15, 8, 31, tzinfo=UTC)  # Monday 09:31 in London

    slots = free_slots(calendar(rules=ten_past), query(now, step=20 * MINUTE))

    assert readings(slots) == ["09:50", "10:10", "10:30"]


def test_rules_that_touch_make_one_working_interval() -> None:
    split_day = [Rule(0, time(9), time(12)), Rule(0, time(12), time(17))]

    slots = readings(free_slots(calendar(rules=split_day), query()))

    assert slots == quarter_hours("09:00", "16:30")


def test_no_rules_no_slots() -> None:
    assert free_slots(calendar(rules=[]), query(horizon=30 * DAY)) == []


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (london(9), london(17)),  # the whole day
        (london(10, 20), london(13, 5)),  # edges off the step, beside the busy hour
        (london(11, 30), london(11, 30)),  # one start that the busy hour blocks
        (london(18), london(20)),  # after hours: nothing
    ],
)
def test_within_answers_only_its_starts_and_the_same_for_them(
    first: datetime, last: datetime
) -> None:
    ana = calendar(
        busy=[Interval(london(11), london(12))], time_off=[Interval(london(15), london(16))]
    )
    everything = free_slots(ana, query(horizon=7 * DAY))

    inside = free_slots(ana, SlotQuery(
        now=MONDAY_MORNING, duration=30 * MINUTE, step=15 * MINUTE, horizon=7 * DAY,
        within=(first, last),
    ))  # fmt: skip

    assert inside == [start for start in everything if first <= start <= last]


def test_within_expands_only_the_days_it_touches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A recheck of one start a month ahead costs a few days, not the whole horizon."""
    month_ahead = london(10) + 28 * DAY
    ana = calendar(rules=EVERY_DAY_NINE_TO_FIVE)
    expanded: list[tuple[date, date]] = []
    real = engine._working_spans

    def counting(rules: Sequence[Rule], zone: ZoneInfo, first: date, last: date) -> Any:
        expanded.append((first, last))
        return real(rules, zone, first, last)

    monkeypatch.setattr(engine, "_working_spans", counting)

    inside = free_slots(ana, SlotQuery(
        now=MONDAY_MORNING, duration=30 * MINUTE, step=15 * MINUTE, horizon=60 * DAY,
        within=(month_ahead - DAY, month_ahead + DAY),
    ))  # fmt: skip

    assert month_ahead in inside
    assert [(last - first).days for first, last in expanded] == [4]  # a day's margin each side
    assert {start.date() for start in inside} == {
        (month_ahead + offset * DAY).date() for offset in (-1, 0, 1)
    }


# First available


def test_first_available_merges_clinicians_in_time_order() -> None:
    ana = calendar(key="ana", busy=[Interval(london(9), london(17))])
    ben = calendar(key="ben", zone=NEW_YORK)  # 09:00 in New York is 14:00 in London
    cleo = calendar(key="cleo", busy=[Interval(london(9), london(15))])

    merged = first_available([ana, ben, cleo], query())

    assert list(merged) == sorted(merged)
    assert readings(list(merged))[0] == "14:00"
    assert merged[london(14)] == ("ben",)
    assert merged[london(16)] == ("ben", "cleo")
    assert readings(list(merged))[-1] == "21:30"


def test_first_available_lists_clinicians_in_the_order_given() -> None:
    ana, ben = calendar(key="ana"), calendar(key="ben")

    assert set(first_available([ben, ana], query()).values()) == {("ben", "ana")}


# Bad input


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd", "localtime"])
def test_unknown_zone_raises_slot_error(zone: str) -> None:
    with pytest.raises(SlotError):
        calendar(zone=zone)
    with pytest.raises(SlotError):
        working_intervals(WEEKDAYS_NINE_TO_FIVE, zone, date(2026, 6, 15), date(2026, 6, 15))


def test_naive_datetimes_raise_slot_error() -> None:
    naive = datetime(2026, 6, 15, 9, 0)
    with pytest.raises(SlotError):
        query(naive)
    with pytest.raises(SlotError):
        Interval(naive, naive + HOUR)
    with pytest.raises(SlotError):
        Interval(london(9), naive + HOUR)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Rule(7, time(9), time(17)),
        lambda: Rule(0, time(17), time(9)),
        lambda: Rule(0, time(9, tzinfo=UTC), time(17)),
        lambda: Interval(london(12), london(11)),
        lambda: query(duration=timedelta(0)),
        lambda: query(step=-MINUTE),
        lambda: query(notice=-HOUR),
    ],
)
def test_impossible_values_raise_slot_error(make: Callable[[], object]) -> None:
    with pytest.raises(SlotError):
        make()


# Clock changes: the rule is read in local time every day


@pytest.mark.parametrize(
    ("zone", "day", "nine_local_in_utc"),
    [
        (NEW_YORK, date(2026, 3, 8), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),  # 09:00 EDT
        (LONDON, date(2026, 3, 29), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),  # 09:00 BST
    ],
)
def test_spring_forward_day_keeps_local_nine_to_five(
    zone: str, day: date, nine_local_in_utc: datetime
) -> None:
    check_nine_to_five_on(zone, day, nine_local_in_utc)


@pytest.mark.parametrize(
    ("zone", "day", "nine_local_in_utc"),
    [
        (NEW_YORK, date(2026, 11, 1), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),  # 09:00 EST
        (LONDON, date(2026, 10, 25), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),  # 09:00 GMT
    ],
)
def test_fall_back_day_keeps_local_nine_to_five(
    zone: str, day: date, nine_local_in_utc: datetime
) -> None:
    check_nine_to_five_on(zone, day, nine_local_in_utc)


def check_nine_to_five_on(zone: str, day: date, nine_local_in_utc: datetime) -> None:
    midnight = local(zone, day.year, day.month, day.day).astimezone(UTC)
    ana = calendar(zone=zone, rules=EVERY_DAY_NINE_TO_FIVE)

    slots = free_slots(ana, query(midnight, horizon=DAY))
    day_before = free_slots(ana, query(midnight - DAY, horizon=DAY - MINUTE))

    assert readings(slots, zone) == quarter_hours("09:00", "16:30")
    assert slots[0] == nine_local_in_utc
    assert readings(day_before, zone) == quarter_hours("09:00", "16:30")
    assert slots[0] - day_before[0] != DAY  # the same local hours, an hour apart in UTC


def intervals_on(zone: str, day: date, start: time, end: time) -> list[tuple[datetime, datetime]]:
    rule = Rule(day.weekday(), start, end)
    return [(span.start, span.end) for span in working_intervals([rule], zone, day, day)]


def test_rule_starting_in_skipped_hour_starts_when_the_clocks_jump() -> None:
    # New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 never shows.
    spans = intervals_on(NEW_YORK, date(2026, 3, 8), time(2, 30), time(5))

    assert spans == [(datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 3, 8, 9, tzinfo=UTC))]
    ana = calendar(zone=NEW_YORK, rules=[Rule(6, time(2, 30), time(5))])
    now = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # Sunday 00:00 EST
    slots = free_slots(ana, query(now, duration=HOUR, step=30 * MINUTE))
    assert readings(slots, NEW_YORK) == ["03:00", "03:30", "04:00"]


def test_rule_ending_in_skipped_hour_ends_when_the_clocks_jump() -> None:
    spans = intervals_on(NEW_YORK, date(2026, 3, 8), time(1), time(2, 30))

    # 01:00 EST to the jump at 03:00 EDT: one hour.
    assert spans == [(datetime(2026, 3, 8, 6, tzinfo=UTC), datetime(2026, 3, 8, 7, tzinfo=UTC))]


def test_rule_inside_skipped_hour_gives_nothing_that_day() -> None:
    assert intervals_on(NEW_YORK, date(2026, 3, 8), time(2, 10), time(2, 50)) == []


def test_london_rule_through_skipped_hour_starts_at_two_bst() -> None:
    # London, 2026-03-29: 01:00 GMT jumps to 02:00 BST.
    spans = intervals_on(LONDON, date(2026, 3, 29), time(1, 30), time(3))

    assert spans == [(datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC))]


def test_rule_through_repeated_hour_is_three_hours_long() -> None:
    # New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST, so 01:00-02:00 shows twice.
    spans = intervals_on(NEW_YORK, date(2026, 11, 1), time(1), time(3))

    assert spans == [(datetime(2026, 11, 1, 5, tzinfo=UTC), datetime(2026, 11, 1, 8, tzinfo=UTC))]
    ana = calendar(zone=NEW_YORK, rules=[Rule(6, time(1), time(3))])
    now = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # Sunday 00:00 EDT
    slots = free_slots(ana, query(now, duration=HOUR, step=HOUR))
    assert readings(slots, NEW_YORK) == ["01:00", "01:00", "02:00"]
    assert [slot.astimezone(ZoneInfo(NEW_YORK)).tzname() for slot in slots] == ["EDT", "EST", "EST"]


def test_rule_ending_in_repeated_hour_ends_at_its_second_reading() -> None:
    spans = intervals_on(NEW_YORK, date(2026, 11, 1), time(1), time(1, 30))

    # 01:00 EDT to 01:30 EST.
    assert spans == [
        (datetime(2026, 11, 1, 5, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    ]


def test_london_rule_through_repeated_hour_is_three_and_a_half_hours_long() -> None:
    # London, 2026-10-25: 02:00 BST falls back to 01:00 GMT.
    spans = intervals_on(LONDON, date(2026, 10, 25), time(0, 30), time(3))

    assert spans == [
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), datetime(2026, 10, 25, 3, tzinfo=UTC))
    ]


# Nothing depends on the machine


@pytest.fixture
def process_zone() -> Iterator[Callable[[str], None]]:
    original = os.environ.get("TZ")

    def switch(name: str) -> None:
        os.environ["TZ"] = name
        os_time.tzset()

    yield switch
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    os_time.tzset()


def test_results_never_depend_on_the_process_time_zone(
    process_zone: Callable[[str], None],
) -> None:
    now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)  # Tuesday 13:00 BST, 08:00 EDT
    calendars = [
        calendar(key="ana", zone=LONDON, busy=[Interval(now + DAY, now + DAY + HOUR)]),
        calendar(key="ben", zone=NEW_YORK, rules=EVERY_DAY_NINE_TO_FIVE),
    ]
    results, offsets = [], set()
    for zone in ["UTC", "America/Los_Angeles", "Europe/London", "Australia/Sydney"]:
        process_zone(zone)
        offsets.add(os_time.localtime(now.timestamp()).tm_gmtoff)
        results.append(first_available(calendars, query(now, horizon=20 * DAY)))

    assert len(offsets) == 4  # the switch took effect
    assert all(result == results[0] for result in results)
    assert max(results[0]) > datetime(2026, 11, 2, tzinfo=UTC)  # past both clock changes


def test_results_never_depend_on_the_machine_clock(time_machine: TimeMachineFixture) -> None:
    expected = free_slots(calendar(), query())

    time_machine.move_to(datetime(2031, 1, 1, tzinfo=UTC))  # a Wednesday, 00:00 in London

    assert free_slots(calendar(), query()) == expected


# Properties

ZONES = ["UTC", NEW_YORK, LONDON, "Australia/Sydney", "Asia/Kolkata"]
# Rules keep to 06:00-21:00, clear of the night-time clock changes that the example tests cover.
EARLIEST, LATEST = 6 * 4, 21 * 4  # in quarter hours


def quarter_hour(quarter: int) -> time:
    return time(quarter // 4, quarter % 4 * 15)


wall_times = st.integers(EARLIEST, LATEST).map(quarter_hour)


@st.composite
def rules(draw: st.DrawFn, slot_query: SlotQuery, zone: str) -> Rule:
    """Mostly on days the query's window reaches, so that most draws have slots to check."""
    today = slot_query.now.astimezone(ZoneInfo(zone)).date()
    near = st.integers(-2, slot_query.horizon.days + 1).map(lambda days: today + days * DAY)
    start = draw(st.integers(EARLIEST, LATEST - 1))
    end = draw(st.integers(start + 1, LATEST))
    bounds = draw(st.sampled_from(["always", "always", "from", "until", "between"]))
    valid_from = draw(near) if bounds in ("from", "between") else None
    valid_until = draw(near) if bounds in ("until", "between") else None
    return Rule(
        draw(near).weekday(), quarter_hour(start), quarter_hour(end), valid_from, valid_until
    )


@st.composite
def intervals_within(
    draw: st.DrawFn, slot_query: SlotQuery, zone: str, longest: timedelta
) -> Interval:
    """Over the day's waking hours, on a minute that need not be on the step."""
    today = slot_query.now.astimezone(ZoneInfo(zone)).date()
    day = today + draw(st.integers(-1, slot_query.horizon.days)) * DAY
    wall = datetime.combine(day, draw(wall_times), tzinfo=ZoneInfo(zone))
    start = wall.astimezone(UTC) + draw(st.integers(-14, 14)) * MINUTE
    return Interval(start, start + draw(st.integers(1, longest // MINUTE)) * MINUTE)


@st.composite
def queries(draw: st.DrawFn) -> SlotQuery:
    return SlotQuery(
        now=draw(
            st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 20), timezones=st.just(UTC))
        ),
        duration=draw(st.sampled_from([15, 30, 45, 60, 90])) * MINUTE,
        step=draw(st.sampled_from([5, 10, 15, 20, 30])) * MINUTE,
        horizon=draw(st.sampled_from([DAY, 3 * DAY, 8 * DAY])),
        notice=draw(st.sampled_from([timedelta(0), 90 * MINUTE, 6 * HOUR])),
        buffer_before=draw(st.sampled_from([0, 5, 10])) * MINUTE,
        buffer_after=draw(st.sampled_from([0, 5, 15])) * MINUTE,
    )


@st.composite
def intervals_over(draw: st.DrawFn, spans: Sequence[Interval], longest: timedelta) -> Interval:
    """On the five-minute grid, in or just before a working interval: where busy time decides
    anything, and where a visit may fit between two appointments with nothing to spare."""
    span = draw(st.sampled_from(spans))
    five = 5 * MINUTE
    start = span.start + draw(st.integers(-6, (span.end - span.start) // five)) * five
    return Interval(start, start + draw(st.integers(1, longest // five)) * five)


@st.composite
def calendars(draw: st.DrawFn, slot_query: SlotQuery, key: str = "ana") -> ClinicianCalendar[str]:
    zone = draw(st.sampled_from(ZONES))
    hours = draw(st.lists(rules(slot_query, zone), min_size=1, max_size=6))
    busy = intervals_within(slot_query, zone, 3 * HOUR)
    if spans := working(hours, zone, slot_query):
        busy = busy | intervals_over(spans, 3 * HOUR)
    return ClinicianCalendar(
        key=key,
        zone=zone,
        rules=hours,
        time_off=draw(st.lists(intervals_within(slot_query, zone, DAY), max_size=2)),
        busy=draw(st.lists(busy, max_size=16)),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[ClinicianCalendar[str], SlotQuery]:
    slot_query = draw(queries())
    return draw(calendars(slot_query)), slot_query


def overlaps(start: datetime, end: datetime, interval: Interval) -> bool:
    return start < interval.end and interval.start < end


def buffered(slot: datetime, slot_query: SlotQuery) -> tuple[datetime, datetime]:
    return (
        slot - slot_query.buffer_before,
        slot + slot_query.duration + slot_query.buffer_after,
    )


def working(rules: Sequence[Rule], zone: str, slot_query: SlotQuery) -> list[Interval]:
    now = slot_query.now.astimezone(ZoneInfo(zone))
    last = now + slot_query.horizon
    return working_intervals(rules, zone, now.date() - DAY, last.date() + DAY)


def every_good_start(ana: ClinicianCalendar[str], slot_query: SlotQuery) -> list[datetime]:
    """The slow way: walk every step of every working interval and test each start."""
    starts = []
    for interval in working(ana.rules, ana.zone, slot_query):
        start = interval.start
        while start + slot_query.duration <= interval.end:
            starts.append(start)
            start += slot_query.step
    return [
        start
        for start in starts
        if slot_query.now + slot_query.notice <= start <= slot_query.now + slot_query.horizon
        and not any(
            overlaps(*buffered(start, slot_query), taken) for taken in [*ana.busy, *ana.time_off]
        )
    ]


@given(cases())
def test_no_slot_touches_busy_time_or_time_off_buffers_included(
    case: tuple[ClinicianCalendar[str], SlotQuery],
) -> None:
    ana, slot_query = case
    for slot in free_slots(ana, slot_query):
        for taken in [*ana.busy, *ana.time_off]:
            assert not overlaps(*buffered(slot, slot_query), taken)


@given(cases())
def test_every_slot_lies_inside_a_rule_after_notice_and_within_horizon(
    case: tuple[ClinicianCalendar[str], SlotQuery],
) -> None:
    ana, slot_query = case
    zone = ZoneInfo(ana.zone)
    for slot in free_slots(ana, slot_query):
        start, end = slot.astimezone(zone), (slot + slot_query.duration).astimezone(zone)
        assert start.date() == end.date()
        assert covered(
            start.time(), end.time(), [r for r in ana.rules if r.applies_on(start.date())]
        )
        assert slot_query.now + slot_query.notice <= slot <= slot_query.now + slot_query.horizon


def covered(start: time, end: time, rules: Sequence[Rule]) -> bool:
    """Whether [start, end] lies inside one run of the rules' hours, touching rules joined."""
    runs: list[list[time]] = []
    for rule in sorted(rules, key=lambda rule: rule.start):
        if runs and rule.start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], rule.end)
        else:
            runs.append([rule.start, rule.end])
    return any(low <= start and end <= high for low, high in runs)


@settings(deadline=None)  # the slow way walks every step; its time varies with the draw
@given(cases())
def test_offers_exactly_the_starts_a_step_by_step_scan_accepts(
    case: tuple[ClinicianCalendar[str], SlotQuery],
) -> None:
    ana, slot_query = case

    slots = free_slots(ana, slot_query)

    assert slots == every_good_start(ana, slot_query)
    assert slots == sorted(set(slots))


@given(cases(), st.data())
def test_removing_a_busy_interval_never_removes_a_slot(
    case: tuple[ClinicianCalendar[str], SlotQuery], data: st.DataObject
) -> None:
    ana, slot_query = case
    assume(ana.busy)
    gone = data.draw(st.integers(0, len(ana.busy) - 1))
    freer = calendar(
        zone=ana.zone,
        rules=ana.rules,
        time_off=ana.time_off,
        busy=[*ana.busy[:gone], *ana.busy[gone + 1 :]],
    )

    assert set(free_slots(ana, slot_query)) <= set(free_slots(freer, slot_query))


@given(queries(), st.data())
def test_first_available_is_the_union_of_each_clinicians_slots(
    slot_query: SlotQuery, data: st.DataObject
) -> None:
    team = [data.draw(calendars(slot_query, key=key)) for key in ["ana", "ben", "cleo"]]
    each = {member.key: set(free_slots(member, slot_query)) for member in team}

    merged = first_available(team, slot_query)

    assert list(merged) == sorted(set().union(*each.values()))
    for start, keys in merged.items():
        assert keys == tuple(member.key for member in team if start in each[member.key])
