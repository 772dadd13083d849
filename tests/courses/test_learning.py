"""Learning: lessons opened and done, the program in the player with the safety screen
first, a logged session marks the lesson done, resume, questionnaires, the certificate."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from mend.accounts.models import User
from mend.booking.models import Clinician
from mend.courses import services
from mend.courses.models import CoursePage, Enrolment, LessonPage, LessonProgress
from mend.exercises import services as exercises
from mend.exercises import stops
from mend.exercises.models import Assignment
from mend.outcomes import textpack
from mend.outcomes.models import TextPack
from tests.courses.conftest import NOW
from tests.outcomes.conftest import placeholder_pack

WEEK_LATER = NOW + dt.timedelta(days=7)  # 09:00 on 11 November: the 7-day lesson is open
DECEMBER = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)


def clear_screen(assignment: Assignment, *, now: dt.datetime) -> None:
    screen = stops.screen_for(assignment)
    assert screen is not None
    answers = {question.key: "no" for question in screen.question_list()}
    stops.answer_screen(
        assignment, by=assignment.patient, screen=screen, answers=answers,
        checked_confirmed=False, now=now,
    )  # fmt: skip


def log(assignment: Assignment, *, now: dt.datetime) -> None:
    exercises.log_session(
        assignment, by=assignment.patient, done=[1], pain_now=2, pain_during=3, effort=4,
        note="", token=uuid.uuid4(), now=now,
    )  # fmt: skip


def test_opening_a_lesson_records_it_and_resume_goes_back_there(
    client: Client, patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    client.force_login(patient)
    with time_machine.travel(WEEK_LATER, tick=False):
        first = client.get(reverse("courses:resume", args=["low-back"]))
        client.get(reverse("courses:lesson", args=["low-back", "moving-again"]))
        resumed = client.get(reverse("courses:resume", args=["low-back"]))
        course_page = client.get(reverse("courses:course", args=["low-back"])).content.decode()

    assert first["Location"] == reverse("courses:lesson", args=["low-back", "welcome"])
    assert resumed["Location"] == reverse("courses:lesson", args=["low-back", "moving-again"])
    enrolment.refresh_from_db()
    assert enrolment.last_lesson == lessons["moving-again"]
    assert "Resume: Moving again" in course_page
    opened = LessonProgress.objects.get(lesson=lessons["moving-again"])
    assert opened.started_at == WEEK_LATER
    assert opened.assignment is None  # reading the lesson starts no program


def test_mark_done_goes_to_the_next_open_lesson_and_counts(
    client: Client, patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    client.force_login(patient)
    with time_machine.travel(WEEK_LATER, tick=False):
        response = client.post(reverse("courses:done", args=["low-back", "welcome"]))
        page = client.get(reverse("courses:course", args=["low-back"])).content.decode()

    assert response.status_code == 303
    assert response["Location"] == reverse("courses:lesson", args=["low-back", "moving-again"])
    assert LessonProgress.objects.get(lesson=lessons["welcome"]).completed_at == WEEK_LATER
    assert "1 of 4 lessons done (25%)" in page


def test_a_locked_lesson_cannot_be_marked_done(
    client: Client, patient: User, enrolment: Enrolment
) -> None:
    client.force_login(patient)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("courses:done", args=["low-back", "on-the-date"]))
    assert response.status_code == 303
    assert not LessonProgress.objects.exists()


def test_exercise_lesson_opens_the_player_with_the_screen_first_and_a_log_marks_it_done(
    client: Client, patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    client.force_login(patient)
    url = reverse("courses:exercises", args=["low-back", "moving-again"])
    with time_machine.travel(WEEK_LATER, tick=False):
        response = client.post(url)
        again = client.post(url)
        progress = LessonProgress.objects.get(lesson=lessons["moving-again"])
        assignment = progress.assignment
        assert assignment is not None
        play = client.get(response["Location"])

    # One copy of the template, the learner's own, opened in the player.
    assert response.status_code == again.status_code == 303
    assert response["Location"] == reverse("exercises:play", args=[assignment.program_id])
    assert again["Location"] == response["Location"]
    assert assignment.patient == patient and assignment.clinician is None
    assert not assignment.program.is_template
    assert list(assignment.program.items.values_list("exercise__slug", flat=True)) == [
        "standing-hamstring-stretch"
    ]
    # The red-flag screen is asked before the first exercise lesson.
    assert play.status_code == 302 and play["Location"].endswith("/screen/")
    with pytest.raises(exercises.ExerciseError, match="safety questions"):
        log(assignment, now=WEEK_LATER)

    clear_screen(assignment, now=WEEK_LATER)
    log(assignment, now=WEEK_LATER + dt.timedelta(hours=1))

    progress.refresh_from_db()
    assert progress.completed_at == WEEK_LATER + dt.timedelta(hours=1)


def test_a_later_exercise_lesson_does_not_ask_the_screen_again_at_once(
    patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage], template
) -> None:
    first = services.open_lesson(enrolment, lessons["moving-again"], now=WEEK_LATER, exercises=True)
    assert first.assignment is not None
    clear_screen(first.assignment, now=WEEK_LATER)
    later = lessons["after-that"]
    later.program = template
    later.save_revision().publish()
    services.mark_done(enrolment, lessons["on-the-date"], now=DECEMBER)

    second = services.open_lesson(
        enrolment, LessonPage.objects.get(pk=later.pk), now=DECEMBER, exercises=True
    )

    assert second.assignment is not None and second.assignment != first.assignment
    assert second.assignment.screened_at == WEEK_LATER
    assert not stops.screen_due(second.assignment, now=DECEMBER)


def test_a_session_in_an_unrelated_routine_marks_nothing(
    patient: User, enrolment: Enrolment, stretch
) -> None:
    routine = exercises.start_routine(
        patient=patient, exercise=stretch, dosage=stretch.dosage, time_zone="UTC", now=NOW
    )
    clear_screen(routine, now=NOW)
    log(routine, now=NOW)
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_questionnaire_is_asked_at_enrolment_and_after_a_module(
    client: Client, patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    asked = list(enrolment.questionnaires.values_list("instrument", "module", "due_at"))
    assert asked == [("nprs", None, NOW)]

    services.mark_done(enrolment, lessons["welcome"], now=WEEK_LATER)
    assert enrolment.questionnaires.count() == 1  # the module is not done yet
    progress = services.open_lesson(enrolment, lessons["moving-again"], now=WEEK_LATER)
    services.complete_lesson(progress, now=WEEK_LATER)

    module = lessons["welcome"].get_parent()
    assert enrolment.questionnaires.filter(module=module, instrument="psfs").exists()
    client.force_login(patient)
    page = client.get(reverse("courses:course", args=["low-back"])).content.decode()
    assert "Questionnaires for you" in page and "Patient-Specific Functional Scale" in page


def test_answering_the_nprs_scores_it_once(
    client: Client, patient: User, enrolment: Enrolment
) -> None:
    row = enrolment.questionnaires.get(instrument="nprs")
    url = reverse("courses:questionnaire", args=["low-back", row.pk])
    client.force_login(patient)
    form = client.get(url)
    item_ids = [item.id for item in _nprs_items()]
    answers = {item_id: "4" for item_id in item_ids}

    response = client.post(url, answers)
    again = client.post(url, answers)

    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    assert response.status_code == 303
    row.refresh_from_db()
    assert row.answered_at is not None and row.answers == {k: 4 for k in item_ids}
    assert any(value is not None for value in row.scores.values())
    assert again.status_code == 409


def test_a_bad_answer_is_a_message_at_the_field_and_stores_nothing(
    client: Client, patient: User, enrolment: Enrolment
) -> None:
    row = enrolment.questionnaires.get(instrument="nprs")
    client.force_login(patient)
    first = _nprs_items()[0].id
    response = client.post(
        reverse("courses:questionnaire", args=["low-back", row.pk]), {first: "99"}
    )
    assert response.status_code == 400
    assert "Choose one of the answers listed." in response.content.decode()
    row.refresh_from_db()
    assert row.answered_at is None


def _nprs_items() -> list:
    from mend.outcomes.instruments import NPRS

    return list(NPRS.items)


def test_odi_is_asked_only_where_its_text_is_loaded(db: None) -> None:
    assert services.instruments_for("odi") == ["nprs", "psfs"]
    assert services.instruments_for("nprs") == ["nprs"]
    assert services.instruments_for("") == []
    pack = textpack.parse(placeholder_pack("odi"))
    TextPack.objects.create(
        code="odi", instrument_version=pack.version, language=pack.language,
        text=pack.as_json(), licence_holder=pack.holder, loaded_at=NOW,
    )  # fmt: skip

    assert services.instruments_for("odi") == ["odi"]


def test_the_odi_the_clinic_loaded_is_asked_and_shown_with_its_licence(
    client: Client, patient: User, course: CoursePage
) -> None:
    pack = textpack.parse(placeholder_pack("odi"))
    TextPack.objects.create(
        code="odi", instrument_version=pack.version, language=pack.language,
        text=pack.as_json(), licence_holder=pack.holder, loaded_at=NOW,
    )  # fmt: skip
    course.questionnaire = "odi"
    course.save_revision().publish()
    enrolment = services.enrol(user=patient, course=CoursePage.objects.get(pk=course.pk), now=NOW)
    row = enrolment.questionnaires.get()
    client.force_login(patient)

    html = client.get(reverse("courses:questionnaire", args=["low-back", row.pk])).content.decode()

    assert row.instrument == "odi"
    assert "Placeholder question" in html and "Example Holder" in html


def test_see_a_physical_therapist_links_to_booking_with_the_instructor(
    client: Client, patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage],
    clinician: User,
) -> None:  # fmt: skip
    sam = Clinician.objects.create(user=clinician, display_name="Sam Okafor", credentials="DPT")
    course = enrolment.course
    course.instructor = sam
    course.save_revision().publish()
    services.mark_done(enrolment, lessons["on-the-date"], now=DECEMBER)
    client.force_login(patient)

    with time_machine.travel(DECEMBER, tick=False):
        html = client.get(reverse("courses:lesson", args=["low-back", "after-that"])).content
    page = html.decode()

    assert f'href="{reverse("booking:book")}?clinician={sam.pk}"' in page
    assert "Book a visit with Sam Okafor, DPT" in page


def test_certificate_pdf_once_every_lesson_is_done(
    client: Client, patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    client.force_login(patient)
    url = reverse("courses:certificate", args=["low-back"])
    early = client.get(url)
    for lesson in lessons.values():
        progress = services.open_lesson(enrolment, lesson, now=DECEMBER)
        services.complete_lesson(progress, now=DECEMBER)

    response = client.get(url)

    assert early.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.completed_at == DECEMBER
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Certificate of completion" in text
    assert "Low back pain at home" in text and "2 December 2026" in text


def test_no_certificate_when_the_course_offers_none(
    client: Client, patient: User, enrolment: Enrolment, course: CoursePage
) -> None:
    course.certificate = False
    course.save_revision().publish()
    client.force_login(patient)
    assert client.get(reverse("courses:certificate", args=["low-back"])).status_code == 404


def test_me_panel_lists_the_course_with_progress_and_resume(
    client: Client, patient: User, enrolment: Enrolment, lessons: dict[str, LessonPage]
) -> None:
    services.mark_done(enrolment, lessons["welcome"], now=NOW)
    client.force_login(patient)
    html = client.get(reverse("exercises:portal")).content.decode()
    assert "My courses" in html and "1 of 4 lessons done" in html
    assert reverse("courses:lesson", args=["low-back", "welcome"]) in html
