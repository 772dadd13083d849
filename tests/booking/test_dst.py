"""The booking flow across clock changes, and for patients far from the clinic.

New York springs forward on Sunday 2027-03-14 and London on 2027-03-28: for
the two weeks between, New York is four hours behind London, not five. New
York falls back on Sunday 2026-11-01, when 1:00-2:00 AM happens twice.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from mend.booking.models import Appointment, AvailabilityRule, Clinician

from .conftest import iso, ny

pytestmark = pytest.mark.django_db


def times(client: Client, **params: str) -> list[str]:
    query = {"visit": "follow-up", "mode": "virtual", "clinician": "any"} | params
    html = client.get("/book/?" + urlencode(query)).content.decode()
    return re.findall(r'name="start" value="[^"]+">([^<]+)<', html)


def days(client: Client, **params: str) -> list[str]:
    query = {"visit": "follow-up", "mode": "virtual", "clinician": "any"} | params
    html = client.get("/book/?" + urlencode(query)).content.decode()
    return re.findall(r'name="date" value="([^"]+)"', html)


def test_london_patient_sees_new_york_hours_shift_with_the_us_clock_change(
    client: Client, ben: Clinician, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)

    before = times(client, tz="Europe/London", date="2027-03-08")  # EST vs GMT: 5 hours
    between = times(client, tz="Europe/London", date="2027-03-15")  # EDT vs GMT: 4 hours
    after = times(client, tz="Europe/London", date="2027-03-29")  # EDT vs BST: 5 hours

    assert (before[0], before[-1]) == ("2:00 PM", "9:30 PM")
    assert (between[0], between[-1]) == ("1:00 PM", "8:30 PM")
    assert (after[0], after[-1]) == ("2:00 PM", "9:30 PM")


def test_the_clinicians_hours_stay_09_to_17_local_across_the_change(
    client: Client, ben: Clinician, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)

    for day in ("2027-03-12", "2027-03-15"):  # Friday before, Monday after
        shown = times(client, tz="America/New_York", date=day)
        assert (shown[0], shown[-1]) == ("9:00 AM", "4:30 PM")


def test_booking_the_monday_after_the_change_stores_the_right_instant(
    client: Client,
    ben: Clinician,
    time_machine: TimeMachineFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    time_machine.move_to(datetime(2027, 3, 12, 15, tzinfo=UTC), tick=False)
    start = ny(3, 15, 10, year=2027)
    data = {
        "visit": "follow-up", "mode": "virtual", "clinician": "any", "tz": "Europe/London",
        "date": "2027-03-15", "start": iso(start), "request_key": "b" * 32,
        "name": "Ola", "email": "ola@mail.example",
    }  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/details/", data)

    assert response.status_code == 303
    appointment = Appointment.objects.get()
    assert appointment.start == datetime(2027, 3, 15, 14, tzinfo=UTC)  # 10:00 EDT
    page = client.get(response["Location"]).content.decode()
    assert "Monday 15 March 2027, 2:00 PM (Europe/London)" in page


def test_spring_forward_night_has_no_times_that_do_not_exist(
    client: Client, ben: Clinician, time_machine: TimeMachineFixture
) -> None:
    AvailabilityRule.objects.create(
        clinician=ben, weekday=6, start_time=time(0), end_time=time(5), mode="virtual"
    )
    time_machine.move_to(datetime(2027, 3, 10, 12, tzinfo=UTC), tick=False)

    shown = times(client, tz="America/New_York", date="2027-03-14")

    assert "1:30 AM" in shown and "3:00 AM" in shown
    assert not any(label.startswith("2:") for label in shown)
    assert shown[-1] == "4:30 AM"  # 00:00-05:00 on the night lasts four hours


def test_fall_back_night_names_the_repeated_hour(
    client: Client, ben: Clinician, time_machine: TimeMachineFixture
) -> None:
    AvailabilityRule.objects.create(
        clinician=ben, weekday=6, start_time=time(0), end_time=time(3), mode="virtual"
    )
    time_machine.move_to(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False)

    shown = times(client, tz="America/New_York", date="2026-11-01")

    assert "1:00 AM EDT" in shown and "1:00 AM EST" in shown
    assert "12:30 AM" in shown  # unambiguous times carry no abbreviation
    assert len(shown) == 15  # 00:00-03:00 that night is four hours: 16 quarters less the last


def test_far_away_patient_sees_the_day_it_is_for_them(
    client: Client, ben: Clinician, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(datetime(2026, 6, 12, 12, tzinfo=UTC), tick=False)  # a Friday

    sydney = days(client, tz="Australia/Sydney")

    # New York's Monday 09:00-17:00 is Monday 23:00 to Tuesday 07:00 in Sydney.
    assert "2026-06-15" in sydney and "2026-06-16" in sydney
    assert times(client, tz="Australia/Sydney", date="2026-06-16")[0] == "12:00 AM"
    assert "2026-06-14" not in sydney  # Sunday in Sydney is Saturday in New York: closed
