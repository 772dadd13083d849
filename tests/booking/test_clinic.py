"""The clinician's side at /clinic/: the week, marks, availability, the feed, plans of care."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.booking.models import (
    Appointment,
    AvailabilityRule,
    CareSeries,
    Clinician,
    Location,
    TimeOff,
    VisitType,
)

from .conftest import iso, ny

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_ana(client: Client, ana: Clinician) -> Client:
    client.force_login(ana.user)
    return client


# The week ahead


def test_dashboard_lists_the_week_in_the_clinicians_zone(
    as_ana: Client, frozen: datetime, appointment: Appointment
) -> None:
    response = as_ana.get("/clinic/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tuesday 16 June 2026" in html
    assert "10:00 AM–10:30 AM · Jo Patient" in html  # New York time, not the patient's
    assert "Better on stairs" in html
    assert appointment.video_link in html


def test_visits_of_others_are_not_on_the_dashboard(
    client: Client, frozen: datetime, appointment: Appointment, ben: Clinician
) -> None:
    client.force_login(ben.user)

    assert "Jo Patient" not in client.get("/clinic/").content.decode()


def test_non_clinicians_get_404_and_anonymous_signs_in(
    client: Client, patient: User, frozen: datetime
) -> None:
    assert client.get("/clinic/").status_code == 302
    client.force_login(patient)
    for url in ("/clinic/", "/clinic/availability/", "/clinic/plan/"):
        assert client.get(url).status_code == 404


def test_mark_completed_after_the_visit_starts(
    as_ana: Client, appointment: Appointment, time_machine: TimeMachineFixture
) -> None:
    url = f"/clinic/visits/{appointment.pk}/completed/"
    time_machine.move_to(appointment.start - timedelta(hours=1), tick=False)
    as_ana.post(url)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED  # not before it starts

    time_machine.move_to(appointment.start + timedelta(minutes=20), tick=False)
    response = as_ana.post(url)

    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED


def test_mark_no_show(
    as_ana: Client, appointment: Appointment, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(appointment.start + timedelta(minutes=20), tick=False)

    as_ana.post(f"/clinic/visits/{appointment.pk}/no-show/")

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_marks_are_post_only_and_404_for_other_clinicians(
    client: Client, frozen: datetime, appointment: Appointment, ben: Clinician
) -> None:
    client.force_login(ben.user)

    assert client.get(f"/clinic/visits/{appointment.pk}/completed/").status_code == 405
    assert client.post(f"/clinic/visits/{appointment.pk}/completed/").status_code == 404
    assert client.post("/clinic/visits/999999/no-show/").status_code == 404


# Availability and time off


def test_add_working_hours(as_ana: Client, ana: Clinician, clinic: Location) -> None:
    response = as_ana.post(
        "/clinic/availability/hours/",
        {"weekday": "5", "start_time": "10:00", "end_time": "13:00", "mode": "in_person",
         "location": str(clinic.pk)},
    )  # fmt: skip

    assert response.status_code == 303
    rule = ana.rules.get(weekday=5)
    assert (rule.start_time, rule.end_time, rule.location) == (time(10), time(13), clinic)
    assert "Saturday" in as_ana.get("/clinic/availability/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"weekday": "5", "start_time": "13:00", "end_time": "10:00", "mode": "virtual"},
         "must end after they start"),
        ({"weekday": "9", "start_time": "10:00", "end_time": "13:00", "mode": "virtual"},
         "Select a valid choice"),
        ({"weekday": "5", "start_time": "ten", "end_time": "13:00", "mode": "virtual"},
         "Enter a valid time"),
        ({"weekday": "5", "start_time": "10:00", "end_time": "13:00", "mode": "in_person"},
         "Choose where in-person visits happen"),
    ],
)  # fmt: skip
def test_bad_working_hours_are_refused(
    as_ana: Client, ana: Clinician, data: dict[str, str], message: str
) -> None:
    response = as_ana.post("/clinic/availability/hours/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ana.rules.filter(weekday__gte=5).exists()


def test_location_of_another_clinic_is_refused(as_ana: Client, ana: Clinician) -> None:
    elsewhere = Location.objects.create(name="Elsewhere", time_zone="Europe/London")

    response = as_ana.post(
        "/clinic/availability/hours/",
        {"weekday": "5", "start_time": "10:00", "end_time": "13:00", "mode": "in_person",
         "location": str(elsewhere.pk)},
    )  # fmt: skip

    assert response.status_code == 400


def test_remove_hours_only_your_own(client: Client, ana: Clinician, ben: Clinician) -> None:
    rule = ana.rules.first()
    assert rule is not None
    client.force_login(ben.user)
    assert client.post(f"/clinic/availability/hours/{rule.pk}/delete/").status_code == 404
    client.force_login(ana.user)
    assert client.get(f"/clinic/availability/hours/{rule.pk}/delete/").status_code == 405

    assert client.post(f"/clinic/availability/hours/{rule.pk}/delete/").status_code == 303
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()


def test_time_off_is_read_in_the_clinicians_zone_and_blocks_booking(
    as_ana: Client, frozen: datetime, ana: Clinician
) -> None:
    response = as_ana.post(
        "/clinic/availability/time-off/",
        {"start": "2026-06-16T09:00", "end": "2026-06-16T12:30", "note": "Dentist"},
    )

    assert response.status_code == 303
    off = TimeOff.objects.get(clinician=ana)
    assert off.start == datetime(2026, 6, 16, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert off.end == ny(6, 16, 12, 30)
    day = as_ana.get(f"/book/?visit=follow-up&mode=virtual&clinician={ana.pk}&date=2026-06-16")
    assert iso(ny(6, 16, 12, 30)) in day.content.decode()
    assert iso(ny(6, 16, 12)) not in day.content.decode()


def test_time_off_must_end_after_it_starts(as_ana: Client, ana: Clinician) -> None:
    response = as_ana.post(
        "/clinic/availability/time-off/", {"start": "2026-06-16T12:00", "end": "2026-06-16T09:00"}
    )

    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()
    assert not TimeOff.objects.exists()


def test_time_off_over_booked_visits_says_so(
    as_ana: Client, frozen: datetime, appointment: Appointment
) -> None:
    response = as_ana.post(
        "/clinic/availability/time-off/",
        {"start": "2026-06-16T09:00", "end": "2026-06-16T12:00"},
        follow=True,
    )

    assert "1 booked visit(s) fall in it" in response.content.decode()


# The calendar feed


def feed_url(client: Client) -> str:
    html = client.get("/clinic/").content.decode()
    match = re.search(r'id="feed-url" type="text" readonly value="http://testserver([^"]+)"', html)
    assert match, "no feed address on the page"
    return match.group(1)


def test_feed_lists_the_clinicians_visits(
    as_ana: Client, frozen: datetime, appointment: Appointment
) -> None:
    as_ana.post("/clinic/feed/")
    url = feed_url(as_ana)

    response = Client().get(url)  # a calendar app, not signed in

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Follow-up: J. P."  # initials unless the clinic opts in
    assert event.decoded("DTSTART") == appointment.start


def test_new_feed_address_retires_the_old_and_revoke_turns_it_off(
    as_ana: Client, frozen: datetime
) -> None:
    as_ana.post("/clinic/feed/")
    first = feed_url(as_ana)
    as_ana.post("/clinic/feed/")
    second = feed_url(as_ana)

    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    as_ana.post("/clinic/feed/revoke/")
    assert Client().get(second).status_code == 404
    assert 'id="feed-url"' not in as_ana.get("/clinic/").content.decode()


def test_feed_actions_are_post_only(as_ana: Client) -> None:
    assert as_ana.get("/clinic/feed/").status_code == 405
    assert as_ana.get("/clinic/feed/revoke/").status_code == 405


def test_forged_feed_token_is_404(client: Client, ana: Clinician) -> None:
    assert client.get(f"/clinic/feed/{ana.pk}-guess.abc/calendar.ics").status_code == 404


# Plans of care


def plan_data(visit_type: VisitType, **extra: Any) -> dict[str, Any]:
    data = {
        "name": "Pat Plan",
        "email": "pat@mail.example",
        "visit_type": str(visit_type.pk),
        "mode": "virtual",
        "location": "",
        "first_day": "2026-06-15",
        "at": "10:00",
        "weekdays": ["1", "3"],  # Tuesdays and Thursdays
        "weeks": "6",
    }
    return data | extra


def test_plan_check_shows_each_visit_and_the_clashes(
    as_ana: Client,
    frozen: datetime,
    appointment: Appointment,
    follow_up: VisitType,
) -> None:
    response = as_ana.post("/clinic/plan/check/", plan_data(follow_up))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<li>") >= 12
    assert "1 visit clashes" in html
    # The clash (Tuesday 16 June 10:00, taken) offers the nearest free times that day.
    assert f'name="start_0" value="{iso(ny(6, 16, 10, 45))}"' in html
    assert not CareSeries.objects.exists()


def test_plan_books_every_visit_all_or_nothing(
    as_ana: Client,
    frozen: datetime,
    follow_up: VisitType,
    ana: Clinician,
    mailbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    starts = [ny(6, 16, 10), ny(6, 18, 10), ny(6, 23, 10)]
    data = plan_data(follow_up, count=str(len(starts))) | {
        f"start_{index}": iso(start) for index, start in enumerate(starts)
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = as_ana.post("/clinic/plan/book/", data)

    assert response.status_code == 303
    series = CareSeries.objects.get()
    assert [visit.start for visit in series.appointments.order_by("start")] == starts
    assert {visit.clinician for visit in series.appointments.all()} == {ana}
    (message,) = mailbox
    assert message.subject == "Your plan of care: 3 visits with Dr. Ana, DPT"
    assert (
        len(Calendar.from_ical(message.attachments[0].get_payload(decode=True)).walk("VEVENT")) == 3
    )


def test_plan_with_a_clash_stores_nothing_and_shows_it_again(
    as_ana: Client,
    frozen: datetime,
    follow_up: VisitType,
    ana: Clinician,
    book_visit: Callable[..., Appointment],
) -> None:
    book_visit(follow_up, ny(6, 23, 10), clinician=ana)  # taken meanwhile
    starts = [ny(6, 16, 10), ny(6, 18, 10), ny(6, 23, 10)]
    data = plan_data(follow_up, count="3") | {
        f"start_{index}": iso(start) for index, start in enumerate(starts)
    }

    response = as_ana.post("/clinic/plan/book/", data)

    assert response.status_code == 409
    assert "Nothing was booked" in response.content.decode()
    assert not CareSeries.objects.exists()
    assert Appointment.objects.count() == 1


def test_plan_visits_that_clash_with_each_other_are_refused(
    as_ana: Client, frozen: datetime, follow_up: VisitType
) -> None:
    data = plan_data(
        follow_up, count="2", start_0=iso(ny(6, 16, 10)), start_1=iso(ny(6, 16, 10, 15))
    )

    response = as_ana.post("/clinic/plan/book/", data)

    assert response.status_code == 409
    assert not Appointment.objects.exists()


def test_plan_skip_leaves_a_visit_out(
    as_ana: Client, frozen: datetime, follow_up: VisitType
) -> None:
    data = plan_data(follow_up, count="2", start_0=iso(ny(6, 16, 10)), start_1="skip")

    as_ana.post("/clinic/plan/book/", data)

    assert CareSeries.objects.get().appointments.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"weekdays": []}, {"weeks": "60"}, {"at": "noonish"}, {"mode": "in_person"}, {"email": "x@"}],
)
def test_bad_plan_is_refused(
    as_ana: Client, frozen: datetime, follow_up: VisitType, change: dict[str, Any]
) -> None:
    response = as_ana.post("/clinic/plan/check/", plan_data(follow_up) | change)

    assert response.status_code == 400
    assert (
        'aria-invalid="true"' in response.content.decode()
        or "error-summary" in response.content.decode()
    )


def test_plan_of_a_visit_type_the_clinician_does_not_offer_is_refused(
    as_ana: Client, frozen: datetime, ana: Clinician
) -> None:
    other = VisitType.objects.create(name="Dry needling", slug="needling", duration_minutes=30)

    response = as_ana.post("/clinic/plan/check/", plan_data(other))

    assert response.status_code == 400


def test_plan_pages_are_for_clinicians_and_post_only_where_they_change(
    client: Client, stranger: User, as_ana: Client
) -> None:
    assert as_ana.get("/clinic/plan/").status_code == 200
    assert as_ana.get("/clinic/plan/book/").status_code == 405
    assert as_ana.get("/clinic/plan/check/").status_code == 405
