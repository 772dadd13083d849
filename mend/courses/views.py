"""The learner's pages, /learn/<course>/…: every one checks the enrolment first.

A stranger (no enrolment) gets 404; an anonymous reader is asked to sign in;
a learner whose access ended (a refund) is told so. Every page is no-store.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mend.core.http import no_store, see_other
from mend.courses import certificate, services
from mend.courses.models import CoursePage, CourseQuestionnaire, Enrolment, LessonPage
from mend.outcomes.forms import AnswerForm
from mend.outcomes.instruments import INSTRUMENTS, PSFS
from mend.outcomes.models import text_for


def _get_enrolment(request: HttpRequest, slug: str) -> Enrolment:
    """The signed-in learner's own enrolment in the live course, or 404."""
    found = (
        Enrolment.objects.visible_to(request.user)
        .filter(user=request.user, course__slug=slug, course__live=True)
        .select_related("course", "course__instructor", "last_lesson")
        .first()
    )
    if found is None:
        raise Http404("No such course.")
    return found


class AccessEnded(Exception):
    def __init__(self, enrolment: Enrolment) -> None:
        self.enrolment = enrolment


def _active_enrolment(request: HttpRequest, slug: str) -> Enrolment:
    enrolment = _get_enrolment(request, slug)
    if not enrolment.is_active:
        raise AccessEnded(enrolment)
    return enrolment


def _ended(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    context = {"course": enrolment.course, "enrolment": enrolment}
    return no_store(render(request, "courses/ended.html", context, status=404))


def learner_page(view: Any) -> Any:
    """Signed in, enrolled, access not ended; the page kept by no cache."""

    @login_required
    def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            enrolment = _active_enrolment(request, slug)
        except AccessEnded as ended:
            return _ended(request, ended.enrolment)
        return no_store(view(request, enrolment, *args, **kwargs))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _lesson_of(enrolment: Enrolment, lesson_slug: str) -> LessonPage:
    lesson = enrolment.course.lessons().filter(slug=lesson_slug).first()
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


@require_GET
@learner_page
def course(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    now = timezone.now()
    outline = services.outline(enrolment, now=now)
    context = {
        "course": enrolment.course,
        "enrolment": enrolment,
        "outline": outline,
        "resume": services.resume_lesson(enrolment, now=now),
        "questionnaires": services.due_questionnaires(enrolment),
    }
    return render(request, "courses/learn_course.html", context)


@require_GET
@learner_page
def resume(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    lesson = services.resume_lesson(enrolment, now=timezone.now())
    if lesson is None:
        return redirect("courses:course", enrolment.course.slug)
    return redirect("courses:lesson", enrolment.course.slug, lesson.slug)


def booking_url(course: CoursePage) -> str:
    """Booking, with the course's instructor chosen when they are a clinician taking bookings."""
    url = reverse("booking:book")
    instructor = course.instructor
    if instructor is not None and instructor.is_active:
        url += f"?clinician={instructor.pk}"
    return url


@require_GET
@learner_page
def lesson(request: HttpRequest, enrolment: Enrolment, lesson_slug: str) -> HttpResponse:
    now = timezone.now()
    found = _lesson_of(enrolment, lesson_slug)
    outline = services.outline(enrolment, now=now)
    state = outline.state_of(found)
    context: dict[str, Any] = {
        "course": enrolment.course,
        "enrolment": enrolment,
        "outline": outline,
        "lesson": found,
        "page": found,
        "state": state,
    }
    if state is None or not state.is_open:
        return render(request, "courses/locked.html", context)
    progress = services.open_lesson(enrolment, found, now=now)
    lessons = outline.lessons
    index = next(i for i, s in enumerate(lessons) if s.lesson.pk == found.pk)
    context.update(
        progress=progress,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        booking_url=booking_url(enrolment.course) if found.books_visit else "",
    )
    return render(request, "courses/learn_lesson.html", context)


@require_POST
@learner_page
def exercises(request: HttpRequest, enrolment: Enrolment, lesson_slug: str) -> HttpResponse:
    """Open the lesson's program in the player (the learner's own copy, made once)."""
    found = _lesson_of(enrolment, lesson_slug)
    if not found.program_id:
        raise Http404("This lesson has no exercises.")
    try:
        progress = services.open_lesson(enrolment, found, now=timezone.now(), exercises=True)
    except services.CourseError as error:
        messages.error(request, error.message)
        return see_other("courses:lesson", enrolment.course.slug, found.slug)
    assert progress.assignment is not None
    return see_other("exercises:play", progress.assignment.program_id)


@require_POST
@learner_page
def done(request: HttpRequest, enrolment: Enrolment, lesson_slug: str) -> HttpResponse:
    found = _lesson_of(enrolment, lesson_slug)
    now = timezone.now()
    try:
        services.mark_done(enrolment, found, now=now)
    except services.CourseError as error:
        messages.error(request, error.message)
        return see_other("courses:lesson", enrolment.course.slug, found.slug)
    following = services.outline(enrolment, now=now).next_open()
    if following is None:
        messages.success(request, f"“{found.title}” is done.")
        return see_other("courses:course", enrolment.course.slug)
    return see_other("courses:lesson", enrolment.course.slug, following.lesson.slug)


# Questionnaires


def _get_questionnaire(enrolment: Enrolment, pk: int) -> CourseQuestionnaire:
    found = enrolment.questionnaires.filter(pk=pk).select_related("module").first()
    if found is None:
        raise Http404("No such questionnaire.")
    return found


def _questionnaire_page(
    request: HttpRequest,
    enrolment: Enrolment,
    row: CourseQuestionnaire,
    form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    instrument = INSTRUMENTS[row.instrument]
    pack = text_for(instrument)
    if form is None and pack is not None and not row.is_answered:
        form = _answer_form(row, None)
    context = {
        "course": enrolment.course,
        "row": row,
        "instrument": instrument,
        "pack": pack,
        "form": form,
    }
    return render(request, "courses/questionnaire.html", context, status=status)


def _answer_form(row: CourseQuestionnaire, data: Any) -> AnswerForm | None:
    instrument = INSTRUMENTS[row.instrument]
    pack = text_for(instrument)
    if pack is None:
        return None
    known = services.psfs_activities_for(row) if row.instrument == PSFS.code else []
    return AnswerForm(data, instrument=instrument, pack=pack, activities=known)


@require_http_methods(["GET", "POST"])
@learner_page
def questionnaire(request: HttpRequest, enrolment: Enrolment, pk: int) -> HttpResponse:
    row = _get_questionnaire(enrolment, pk)
    if request.method == "GET":
        return _questionnaire_page(request, enrolment, row)
    if row.is_answered:
        return _questionnaire_page(request, enrolment, row, status=409)
    form = _answer_form(row, request.POST)
    if form is None:
        return _questionnaire_page(request, enrolment, row, status=409)
    if not form.is_valid():
        return _questionnaire_page(request, enrolment, row, form, status=400)
    try:
        services.answer(
            row,
            by=request.user,  # type: ignore[arg-type]
            answers=form.answers,
            activities=form.activities,
            now=timezone.now(),
        )
    except services.CourseError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _questionnaire_page(request, enrolment, row, form, status=409)
    messages.success(request, "Thank you: your answers are saved.")
    return see_other("courses:course", enrolment.course.slug)


# Certificate


@require_GET
@learner_page
def certificate_pdf(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    if not enrolment.course.certificate:
        raise Http404("This course has no certificate.")
    if enrolment.completed_at is None:
        messages.info(request, "The certificate is ready once every lesson is done.")
        return redirect("courses:course", enrolment.course.slug)
    pdf = certificate.render_pdf(enrolment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{enrolment.course.slug}.pdf"'
    return response


# Joining a free course


@require_POST
@login_required
def join(request: HttpRequest, slug: str) -> HttpResponse:
    """A free course is joined with one press (no order); a paid one goes to the checkout."""
    found = CoursePage.objects.live().public().filter(slug=slug).first()
    if found is None:
        raise Http404("No such course.")
    try:
        services.join_free(user=request.user, course=found, now=timezone.now())  # type: ignore[arg-type]
    except services.CourseError as error:
        messages.error(request, error.message)
        return see_other(found.url)
    return see_other("courses:course", found.slug)
