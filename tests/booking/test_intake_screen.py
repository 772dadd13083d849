"""The red-flag screen at booking intake, for visit types that ask it.

A yes never blocks the booking: the answers are stored with the visit (and
flag the episode of care, whose clinician is emailed), the patient is told
where to go and how fast, and the clinician sees the answers at the top of the
visit. The clock is pinned at Monday 2026-06-15 08:00 in New York (conftest);
the visits are on Tuesday 16 June at 10:00 New York.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from mend.accounts.models import User
from mend.booking import demo, services, tokens
from mend.booking.availability import Want, free_times
from mend.booking.models import Appointment, Clinician, Mode, VisitType, WaitlistOffer
from mend.care.models import Episode, Flag
from mend.safety.models import Screen, ScreenResult

from .conftest import NOW, iso, ny
from .test_contention import busy

pytestmark = pytest.mark.django_db

SLOT = ny(6, 16, 10)
CHICAGO = "America/Chicago"


@pytest.fixture
def general(db: None) -> Screen:
    """The general screen Mend ships (added by safety's migration)."""
    return Screen.objects.get(slug="general")


@pytest.fixture
def screened(evaluation: VisitType, general: Screen) -> VisitType:
    evaluation.intake_screen = general
    evaluation.save()
    return evaluation


def screen_answers(screen: Screen, **said: str) -> dict[str, str]:
    """Every question answered no, except those given (keys with _ for -)."""
    said = {key.replace("_", "-"): answer for key, answer in said.items()}
    return {q.key: said.get(q.key, "no") for q in screen.question_list()}


def posted(screen: Screen, **said: str) -> dict[str, str]:
    return {f"screen-{key}": value for key, value in screen_answers(screen, **said).items()}


def details_data(start: datetime = SLOT, **extra: str) -> dict[str, str]:
    return {
        "visit": "initial-evaluation",
        "mode": "virtual",
        "clinician": "any",
        "tz": CHICAGO,
        "date": "2026-06-16",
        "start": iso(start),
        "request_key": "b" * 32,
        "name": "Jo Patient",
        "email": "jo@mail.example",
        "phone": "",
    } | extra


def question_texts(screen: Screen) -> list[str]:
    return [q.text for q in screen.question_list()]


@pytest.fixture
def book_post(
    client: Client, frozen: datetime, ana: Clinician, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    """POST the details form as a request would, running what happens on commit."""

    def post(data: dict[str, str]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/book/details/", data)

    return post


# Asking


def test_a_visit_type_without_a_screen_asks_nothing_and_books_as_before(
    client: Client, book_post: Callable[..., Any], follow_up: VisitType, general: Screen
) -> None:
    data = details_data(visit="follow-up", intake_0="Stairs are easier")
    page = client.get("/book/details/?" + urlencode(data))

    assert page.status_code == 200
    assert 'name="screen-' not in page.content.decode()
    assert "Safety questions" not in page.content.decode()
    response = book_post(data)
    assert response.status_code == 303
    assert Appointment.objects.get().intake_screen is None
    assert not ScreenResult.objects.exists()


def test_the_screens_questions_are_asked_in_the_details_form(
    client: Client, frozen: datetime, ana: Clinician, screened: VisitType, general: Screen
) -> None:
    response = client.get("/book/details/?" + urlencode(details_data()))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Safety questions" in html
    for question in general.question_list():
        assert question.text in html
        assert f'name="screen-{question.key}" value="unsure"' in html


def test_an_inactive_screen_is_not_asked(
    client: Client, book_post: Callable[..., Any], screened: VisitType, general: Screen
) -> None:
    Screen.objects.filter(pk=general.pk).update(is_active=False)

    page = client.get("/book/details/?" + urlencode(details_data()))
    response = book_post(details_data())

    assert 'name="screen-' not in page.content.decode()
    assert response.status_code == 303
    assert not ScreenResult.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Answer this question: yes, no or not sure."),
        ("", "Answer this question: yes, no or not sure."),
        ("maybe", "Answer this question: yes, no or not sure."),  # a forged answer
    ],
)
def test_an_unanswered_question_is_not_a_no_and_nothing_is_stored(
    book_post: Callable[..., Any],
    screened: VisitType,
    general: Screen,
    value: str | None,
    message: str,
) -> None:
    data = details_data() | posted(general)
    if value is None:
        del data["screen-fever"]
    else:
        data["screen-fever"] = value

    response = book_post(data)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_screen-fever_error"' in html  # the message sits at that question
    assert message in html
    assert 'href="#id_screen-fever"' in html  # and the summary links to it
    assert 'value="Jo Patient"' in html  # what they typed is kept
    assert not Appointment.objects.exists()
    assert not ScreenResult.objects.exists()
    assert not Flag.objects.exists()


def test_a_lost_race_keeps_the_answers_on_the_page_and_stores_none(
    book_post: Callable[..., Any],
    screened: VisitType,
    general: Screen,
    follow_up: VisitType,
    ana: Clinician,
    ben: Clinician,
    book_visit: Callable[..., Appointment],
) -> None:
    book_visit(follow_up, SLOT, clinician=ana)
    book_visit(follow_up, SLOT, clinician=ben)

    response = book_post(details_data() | posted(general, fever="yes"))

    html = response.content.decode()
    assert response.status_code == 409
    assert "That time was just taken." in html
    assert re.search(r'name="screen-fever" value="yes"[^>]*checked', html)
    assert Appointment.objects.count() == 2
    assert not ScreenResult.objects.exists()
    assert not Flag.objects.exists()


def test_the_service_will_not_book_a_screened_visit_unanswered(
    frozen: datetime, ana: Clinician, screened: VisitType
) -> None:
    contact = services.Contact(name="Jo", email="jo@mail.example")

    with pytest.raises(services.BookingError, match="answer the safety questions"):
        services.book(
            want=Want(screened, Mode.VIRTUAL, None, ana),
            start=SLOT,
            contact=contact,
            answers=[],
            now=NOW,
        )
    assert not Appointment.objects.exists()


# Booking whatever the answers


def test_all_no_books_with_a_clear_result_linked(
    client: Client,
    book_post: Callable[..., Any],
    screened: VisitType,
    general: Screen,
    patient: User,
    mailbox: list[Any],
) -> None:
    client.force_login(patient)

    response = book_post(details_data(email=patient.email) | posted(general))

    assert response.status_code == 303
    appointment = Appointment.objects.get()
    result = appointment.intake_screen
    assert result is not None
    assert (result.patient, result.episode) == (patient, appointment.episode)
    assert appointment.episode is not None
    assert (result.purpose, result.level, result.screen_version) == ("intake", "", 1)
    assert result.taken_at == NOW
    assert {item["key"]: item["answer"] for item in result.asked} == screen_answers(general)
    assert not Flag.objects.exists()
    assert [message.to for message in mailbox] == [[patient.email]]  # the confirmation only
    page = client.get(response["Location"]).content.decode()
    assert "You are booked" in page
    assert 'class="advice' not in page


def test_a_yes_still_books_flags_the_episode_and_emails_the_clinician_once(
    client: Client,
    book_post: Callable[..., Any],
    screened: VisitType,
    general: Screen,
    patient: User,
    ana: Clinician,
    mailbox: list[Any],
) -> None:
    client.force_login(patient)

    response = book_post(details_data(email=patient.email) | posted(general, fever="yes"))

    assert response.status_code == 303
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.intake_screen.level == "urgent"
    flag = Flag.objects.get()
    assert (flag.episode, flag.cause) == (appointment.episode, Flag.Cause.RED_FLAG)
    assert sorted(message.to[0] for message in mailbox) == [ana.user.email, patient.email]
    for message in mailbox:  # neither the confirmation nor the flag email holds the answers
        sent = message.body + "".join(str(part) for part in message.attachments)
        for text in question_texts(general):
            assert text not in sent


def test_emergency_advice_comes_before_the_booking_confirmation(
    client: Client, book_post: Callable[..., Any], screened: VisitType, general: Screen
) -> None:
    response = book_post(details_data() | posted(general, chest_breath="unsure", night="yes"))

    html = client.get(response["Location"]).content.decode()
    emergency = html.index("Call 911 now")
    assert emergency < html.index("You are booked") < html.index('class="bk-summary"')
    assert 'href="tel:911"' in html
    questions = {q.key: q.text for q in general.question_list()}
    advice = html[emergency : html.index("You are booked")]
    assert questions["chest-breath"] in advice and questions["night"] in advice


def test_urgent_advice_says_the_visit_is_booked_but_not_to_wait(
    client: Client, book_post: Callable[..., Any], screened: VisitType, general: Screen
) -> None:
    response = book_post(details_data() | posted(general, fever="yes"))

    html = client.get(response["Location"]).content.decode()
    assert "Your visit is booked, but do not wait for it" in html
    assert html.index("You are booked") < html.index("Get medical care today")
    assert html.index("Get medical care today") < html.index('class="bk-summary"')


def test_soon_advice_offers_an_earlier_time_not_another_booking(
    client: Client, book_post: Callable[..., Any], screened: VisitType, general: Screen
) -> None:
    response = book_post(details_data() | posted(general, night="yes"))

    html = client.get(response["Location"]).content.decode()
    assert "within the next few days" in html
    assert "pick an earlier time" in html
    assert "Book a visit with a physical therapist</a>" not in html


def test_a_guests_answers_are_kept_with_the_visit_and_no_patient(
    client: Client,
    book_post: Callable[..., Any],
    screened: VisitType,
    general: Screen,
    mailbox: list[Any],
) -> None:
    response = book_post(details_data() | posted(general, injury="yes"))

    assert response.status_code == 303
    appointment = Appointment.objects.get()
    result = ScreenResult.objects.get()
    assert appointment.intake_screen == result
    assert (result.patient, result.episode, result.level) == (None, None, "urgent")
    assert not Flag.objects.exists()  # no episode of care to flag
    assert [message.to for message in mailbox] == [["jo@mail.example"]]
    html = client.get(response["Location"]).content.decode()  # the manage link
    assert "Get medical care today" in html
    assert "Your answers to the safety questions" in html


# The clinician's view of the visit


@pytest.fixture
def flagged_visit(
    client: Client,
    book_post: Callable[..., Any],
    screened: VisitType,
    general: Screen,
    patient: User,
) -> Appointment:
    client.force_login(patient)
    book_post(details_data(email=patient.email) | posted(general, fever="yes", night="unsure"))
    client.logout()
    return Appointment.objects.get()


def test_the_clinician_sees_the_answers_at_the_top_of_the_visit(
    client: Client, flagged_visit: Appointment, ana: Clinician, general: Screen
) -> None:
    client.force_login(ana.user)

    response = client.get(f"/book/visits/{flagged_visit.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    top = html.index("Safety questions at booking: Medical care today")
    assert top < html.index('class="bk-summary"')  # above the visit's facts
    assert (
        "General screen, version 1 · answered Monday 15 June 2026, 8:00 AM (America/New_York)"
        in html
    )
    questions = {q.key: q.text for q in general.question_list()}
    positives = html.index("Answered yes or not sure")
    assert positives < html.index("All answers")
    assert html.index(questions["fever"]) < html.index(questions["night"])  # most urgent first
    assert html.index(questions["night"]) < html.index("All answers")
    table = html[html.index("All answers") :]
    for text in questions.values():
        assert text in table
    assert "Get medical care today" not in html  # the patient's advice is for the patient


def test_the_week_shows_the_screen_on_the_visit_and_links_to_it(
    client: Client, flagged_visit: Appointment, ana: Clinician, general: Screen
) -> None:
    client.force_login(ana.user)

    response = client.get("/clinic/")

    html = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert f'href="/book/visits/{flagged_visit.pk}/">Safety questions: Medical care today' in html
    fever = next(q.text for q in general.question_list() if q.key == "fever")
    assert fever in html


def test_another_clinician_a_stranger_and_anonymous_get_404_on_the_visit(
    client: Client, flagged_visit: Appointment, ben: Clinician, stranger: User
) -> None:
    for user in (ben.user, stranger):
        client.force_login(user)
        assert client.get(f"/book/visits/{flagged_visit.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/book/visits/{flagged_visit.pk}/").status_code == 404


def test_the_patient_sees_their_own_answers_and_the_advice(
    client: Client, flagged_visit: Appointment, patient: User
) -> None:
    client.force_login(patient)

    html = client.get(f"/book/visits/{flagged_visit.pk}/").content.decode()

    assert "Get medical care today" in html
    assert "Your answers to the safety questions" in html
    assert "Safety questions at booking" not in html


# Waitlist offers ask the same questions


def test_claiming_an_offer_asks_the_screen_too(
    client: Client,
    frozen: datetime,
    ana: Clinician,
    evaluation: VisitType,
    general: Screen,
    book_visit: Callable[..., Appointment],
    django_capture_on_commit_callbacks: Any,
) -> None:
    taken = book_visit(evaluation, SLOT, clinician=ana)
    contact = services.Contact(name="Wait", email="wait@mail.example", time_zone=CHICAGO)
    entry = services.join_waitlist(
        visit_type=evaluation, clinician=None, mode="", location=None, weekdays=(),
        earliest=None, latest=None, contact=contact,
    )  # fmt: skip
    evaluation.intake_screen = general
    evaluation.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(taken, by="patient", reason="Busy", now=NOW)
    url = f"/book/offer/{tokens.offer_token(WaitlistOffer.objects.get(entry=entry).pk)}/"

    page = client.get(url).content.decode()
    assert 'name="screen-fever"' in page
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    data = {"name": "Wait", "email": "wait@mail.example", "request_key": key}
    refused = client.post(url + "book/", data)
    assert refused.status_code == 400
    assert not ScreenResult.objects.exists()
    booked = client.post(url + "book/", data | posted(general))
    assert booked.status_code == 303
    claimed = Appointment.objects.get(status=Appointment.Status.BOOKED)
    assert claimed.intake_screen == ScreenResult.objects.get()


# Setting it up


def test_the_demo_asks_the_general_screen_at_the_initial_evaluation(frozen: datetime) -> None:
    demo.load()

    asked = {
        v.slug: v.intake_screen.slug if v.intake_screen else None for v in VisitType.objects.all()
    }
    assert asked == {
        "initial-evaluation": "general",
        "follow-up": None,
        "discovery-call": None,
    }


def test_the_screen_is_set_on_the_visit_type_in_the_admin(
    client: Client, make_user: Callable[..., User], evaluation: VisitType, general: Screen
) -> None:
    client.force_login(make_user("boss@clinic.example", is_staff=True, is_superuser=True))

    page = client.get(f"/admin/booking_visit_types/edit/{evaluation.pk}/").content.decode()

    assert 'name="intake_screen"' in page
    assert "a yes does not block the booking, the clinician sees it first" in page


# A busy database: the answers are part of the booking's unit of work


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("table", ["booking_appointment", "safety_screenresult"])
def test_a_retried_booking_keeps_exactly_one_result_and_one_flag(
    frozen: datetime,
    ana: Clinician,
    screened: VisitType,
    general: Screen,
    patient: User,
    mailbox: list[Any],
    table: str,
) -> None:
    contact = services.Contact(name="Jo", email=patient.email, patient=patient)

    with busy(1, table=table):  # the first try fails at that write and is rolled back
        appointment = services.book(
            want=Want(screened, Mode.VIRTUAL, None, ana),
            start=SLOT,
            contact=contact,
            answers=[],
            now=NOW,
            screen_answers=screen_answers(general, fever="yes"),
        )

    result = ScreenResult.objects.get()
    assert Appointment.objects.get().intake_screen == result
    assert result.episode == appointment.episode
    assert Flag.objects.count() == 1
    assert sorted(message.to[0] for message in mailbox) == [ana.user.email, patient.email]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_still_busy_stores_no_answers_and_sends_nothing(
    frozen: datetime,
    ana: Clinician,
    screened: VisitType,
    general: Screen,
    patient: User,
    mailbox: list[Any],
) -> None:
    contact = services.Contact(name="Jo", email=patient.email, patient=patient)

    with pytest.raises(services.BookingError, match="just taken"), busy(2):
        services.book(
            want=Want(screened, Mode.VIRTUAL, None, ana),
            start=SLOT,
            contact=contact,
            answers=[],
            now=NOW,
            screen_answers=screen_answers(general, fever="yes"),
        )

    assert not Appointment.objects.exists()
    assert not ScreenResult.objects.exists()
    assert not Flag.objects.exists()
    assert mailbox == []


def test_when_the_constraint_refuses_the_write_the_answers_go_with_it(
    frozen: datetime,
    ana: Clinician,
    screened: VisitType,
    follow_up: VisitType,
    general: Screen,
    patient: User,
    book_visit: Callable[..., Appointment],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The answers are recorded before the visit's row is written: when PostgreSQL's
    exclusion constraint refuses that row, the answers, the flag and the episode roll back."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no exclusion constraint to refuse the write.")
    book_visit(follow_up, SLOT, clinician=ana)

    def the_recheck_is_fooled(want: Want, **kwargs: Any) -> dict[datetime, tuple[int, ...]]:
        return free_times(want, **kwargs) | {SLOT: (ana.pk,)}

    monkeypatch.setattr(services, "free_times", the_recheck_is_fooled)
    monkeypatch.setattr(services, "_first_still_free", lambda candidates, *a, **k: candidates[0])
    recorded: list[ScreenResult] = []
    record = services.safety.record

    def spy(**kwargs: Any) -> ScreenResult:
        recorded.append(record(**kwargs))
        return recorded[-1]

    monkeypatch.setattr(services.safety, "record", spy)
    contact = services.Contact(name="Jo", email=patient.email, patient=patient)

    with (
        pytest.raises(services.BookingError, match="just taken"),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        services.book(
            want=Want(screened, Mode.VIRTUAL, None, ana),
            start=SLOT,
            contact=contact,
            answers=[],
            now=NOW,
            screen_answers=screen_answers(general, fever="yes"),
        )

    assert len(recorded) == 1  # the answers were stored, then rolled back with the visit
    assert Appointment.objects.count() == 1
    assert not ScreenResult.objects.exists()
    assert not Flag.objects.exists()
    assert not Episode.objects.filter(patient=patient).exists()
    assert callbacks == []  # no flag email queued
