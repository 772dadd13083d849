"""The booking flow at /book/: each step, the details form, and bad input."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from mend.accounts.models import User
from mend.booking.models import Appointment, Clinician, Location, VisitType

from .conftest import iso, ny

pytestmark = pytest.mark.django_db

CHICAGO = "America/Chicago"
TUESDAY = "2026-06-16"


def book_url(**params: str) -> str:
    return "/book/?" + urlencode(params)


def heading(response: Any) -> str:
    match = re.search(r'<h2 tabindex="-1">(.*?)</h2>', response.content.decode())
    return match.group(1) if match else ""


def times(response: Any) -> list[tuple[str, str]]:
    return re.findall(r'name="start" value="([^"]+)">([^<]+)<', response.content.decode())


def days(response: Any) -> list[str]:
    return re.findall(r'name="date" value="([^"]+)"', response.content.decode())


def details_data(start: datetime, **extra: str) -> dict[str, str]:
    data = {
        "visit": "follow-up",
        "mode": "virtual",
        "clinician": "any",
        "tz": CHICAGO,
        "date": TUESDAY,
        "start": iso(start),
        "request_key": "a" * 32,
        "name": "Jo Guest",
        "email": "jo@mail.example",
        "phone": "",
        "intake_0": "Stairs are easier",
    }
    return data | extra


@pytest.fixture
def guest(client: Client, frozen: datetime, ana: Clinician, ben: Clinician) -> Client:
    return client


# The steps


def test_first_step_lists_active_visit_types(guest: Client) -> None:
    response = guest.get("/book/")

    assert response.status_code == 200
    assert heading(response) == "What kind of visit?"
    html = response.content.decode()
    assert 'value="follow-up"' in html and 'value="discovery-call"' in html
    assert "data-browser-zone" in html  # the page asks the browser for its zone


def test_inactive_visit_type_is_not_offered(guest: Client, evaluation: VisitType) -> None:
    evaluation.is_active = False
    evaluation.save()

    assert 'value="initial-evaluation"' not in guest.get("/book/").content.decode()


def test_visit_type_asks_where(guest: Client) -> None:
    response = guest.get(book_url(visit="follow-up", tz=CHICAGO))

    assert heading(response) == "How would you like to be seen?"
    assert "In person at Riverside PT" in response.content.decode()


def test_video_only_visit_skips_the_where_step(guest: Client) -> None:
    response = guest.get(book_url(visit="discovery-call", tz=CHICAGO))

    assert heading(response) == "Who would you like to see?"


def test_in_person_lists_only_clinicians_seen_there(guest: Client, clinic: Location) -> None:
    response = guest.get(
        book_url(visit="follow-up", mode="in_person", location=str(clinic.pk), tz=CHICAGO)
    )

    html = response.content.decode()
    assert "Dr. Ana, DPT" in html
    assert "Dr. Ben, DPT" not in html


def test_day_step_shows_days_with_room_in_the_patients_zone(guest: Client) -> None:
    response = guest.get(book_url(visit="follow-up", mode="virtual", clinician="any", tz=CHICAGO))

    assert heading(response) == "Pick a day"
    html = response.content.decode()
    assert "Times are shown in <strong>America/Chicago (CDT, UTC−05:00)</strong>" in html
    assert days(response)[:3] == ["2026-06-15", "2026-06-16", "2026-06-17"]
    assert "2026-06-20" not in days(response)  # Saturday: closed


def test_time_step_lists_times_in_the_patients_zone(guest: Client) -> None:
    response = guest.get(
        book_url(visit="follow-up", mode="virtual", clinician="any", tz=CHICAGO, date=TUESDAY)
    )

    assert heading(response) == "Pick a time on Tuesday 16 June 2026"
    shown = times(response)
    assert shown[0] == (iso(ny(6, 16, 9)), "8:00 AM")  # 09:00 in New York
    assert shown[-1] == (iso(ny(6, 16, 16, 30)), "3:30 PM")


def test_time_step_without_a_zone_uses_the_clinics_and_says_so(guest: Client) -> None:
    response = guest.get(book_url(visit="follow-up", mode="virtual", clinician="any", date=TUESDAY))

    assert times(response)[0][1] == "9:00 AM"
    assert "America/New_York (EDT, UTC−04:00)" in response.content.decode()


def test_htmx_gets_only_the_step(guest: Client) -> None:
    response = guest.get(book_url(visit="follow-up", tz=CHICAGO), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="flow"')
    assert "<html" not in html


def test_details_form_summarises_the_choice(guest: Client) -> None:
    response = guest.get("/book/details/?" + urlencode(details_data(ny(6, 16, 10))))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuesday 16 June 2026, 9:00 AM (America/Chicago)" in html
    assert "How have things been?" in html
    assert re.search(r'name="request_key" value="[\w-]{20,}"', html)


# Booking


def test_guest_books_and_lands_on_the_manage_page(
    guest: Client, mailbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = guest.post("/book/details/", details_data(ny(6, 16, 10)))

    appointment = Appointment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/book/manage/{appointment.manage_token()}/"
    assert appointment.start == ny(6, 16, 10)
    assert appointment.patient is None
    assert appointment.time_zone == CHICAGO
    assert appointment.intake_answers == [
        {"question": "How have things been?", "answer": "Stairs are easier"}
    ]
    assert len(mailbox) == 1
    page = guest.get(response["Location"])
    assert "You are booked" in page.content.decode()


def test_signed_in_patient_books_into_their_account(
    guest: Client, patient: User, mailbox: list[Any]
) -> None:
    guest.force_login(patient)

    guest.post("/book/details/", details_data(ny(6, 16, 10), email=patient.email))

    assert Appointment.objects.get().patient == patient


def test_lost_race_says_taken_and_offers_next_times(
    guest: Client, follow_up: VisitType, ana: Clinician, ben: Clinician, book_visit: Any
) -> None:
    book_visit(follow_up, ny(6, 16, 10), clinician=ana)
    book_visit(follow_up, ny(6, 16, 10), clinician=ben)

    response = guest.post("/book/details/", details_data(ny(6, 16, 10)))

    assert response.status_code == 409
    html = response.content.decode()
    assert "That time was just taken." in html
    assert f'value="{iso(ny(6, 16, 10, 45))}"' in html  # the next free time, as a choice
    assert 'value="Jo Guest"' in html  # what they typed is kept
    assert Appointment.objects.count() == 2


def test_replayed_form_books_once(guest: Client, mailbox: list[Any]) -> None:
    data = details_data(ny(6, 16, 10))
    guest.post("/book/details/", data)

    response = guest.post("/book/details/", data | {"start": iso(ny(6, 16, 11))})

    assert response.status_code == 409
    assert "already made" in response.content.decode()
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Required field missing"),
        ({"email": "jo@"}, "Email address invalid"),
        ({"request_key": ""}, "reload the page"),
        ({"request_key": "<script>"}, "reload the page"),
    ],
)
def test_bad_details_are_shown_at_the_field_and_nothing_is_stored(
    guest: Client, change: dict[str, str], message: str
) -> None:
    response = guest.post("/book/details/", details_data(ny(6, 16, 10)) | change)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_field_error_is_tied_to_its_input(guest: Client) -> None:
    response = guest.post("/book/details/", details_data(ny(6, 16, 10)) | {"email": "jo@"})

    html = response.content.decode()
    field = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    assert "id_email_error" in field
    assert 'id="id_email_error"' in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": iso(ny(6, 15, 7))}, "already passed"),
        ({"start": iso(ny(6, 16, 8))}, "not open for booking"),
        ({"start": iso(ny(6, 15, 9))}, "too soon"),
        ({"start": "2026-06-16T14:00:00"}, "could not be read"),  # no zone
        ({"start": "tomorrow at ten"}, "could not be read"),
        ({"start": "0001-01-01T00:00:00+05:00"}, "could not be read"),
        ({"start": "9999-12-31T23:00:00-05:00"}, "could not be read"),
        ({"mode": "in_person", "location": "99999"}, "Please choose"),
        ({"visit": "massage"}, "not offered"),
        ({"clinician": "99999"}, "Please choose one of the clinicians"),
        ({"date": "2026-13-45"}, "could not be read"),
    ],
)
def test_bad_choices_are_refused_clearly_and_nothing_is_stored(
    guest: Client, change: dict[str, str], message: str
) -> None:
    response = guest.post("/book/details/", details_data(ny(6, 16, 10)) | change)

    assert response.status_code in {400, 409}
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_disallowed_mode_is_refused(guest: Client, clinic: Location) -> None:
    data = details_data(ny(6, 16, 10)) | {
        "visit": "discovery-call",
        "mode": "in_person",
        "location": str(clinic.pk),
    }

    response = guest.post("/book/details/", data)

    assert response.status_code == 400
    assert "not offered that way" in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"visit": "nope"},
        {"visit": "follow-up", "mode": "telepathy"},
        {"visit": "follow-up", "mode": "virtual", "clinician": "abc"},
        {"visit": "follow-up", "mode": "virtual", "clinician": "any", "date": "soon"},
        {"visit": "follow-up", "mode": "virtual", "clinician": "any", "tz": "Mars/Olympus"},
        {"visit": "follow-up", "mode": "virtual", "clinician": "any", "date": "2026-06-20"},
        {"visit": "x" * 5000},
    ],
)
def test_malformed_steps_answer_400_with_a_message(guest: Client, params: dict[str, str]) -> None:
    response = guest.get(book_url(**params))

    assert response.status_code == 400
    assert 'class="error-summary" role="alert"' in response.content.decode()


def test_details_without_a_time_goes_back_to_the_flow(guest: Client) -> None:
    response = guest.get("/book/details/?visit=follow-up")

    assert response.status_code == 400
    assert "Please pick a time" in response.content.decode() or heading(response)


def test_out_of_range_ids_are_404(guest: Client, patient: User, ana: Clinician) -> None:
    huge = "9" * 30
    guest.force_login(patient)
    assert guest.get(f"/book/visits/{huge}/").status_code == 404
    guest.force_login(ana.user)
    assert guest.post(f"/clinic/visits/{huge}/completed/").status_code == 404
    assert guest.post(f"/clinic/availability/hours/{huge}/delete/").status_code == 404
    assert guest.get(book_url(visit="follow-up", mode="virtual", clinician=huge)).status_code == 400


def test_wrong_methods(guest: Client) -> None:
    assert guest.post("/book/").status_code == 405
    assert guest.put("/book/details/").status_code == 405
    assert guest.get("/book/waitlist/join/").status_code == 405
