"""Course workflows: enrol, end access, open a lesson, mark it done, ask and answer the
course's questionnaires.

Keyword-only arguments, an explicit ``now``, and one error, ``CourseError``,
with a message for the learner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from mend.accounts.models import User
from mend.courses.models import (
    CourseModulePage,
    CoursePage,
    CourseQuestionnaire,
    Enrolment,
    LessonPage,
    LessonProgress,
    lesson_opens,
)
from mend.courses.release import Release
from mend.exercises import services as exercise_services
from mend.exercises.models import Assignment, Program
from mend.outcomes import scoring
from mend.outcomes.instruments import INSTRUMENTS, NPRS, PSFS
from mend.outcomes.models import text_for
from mend.payments.models import OrderLine

ENDED = "Your access to this course has ended."


class CourseError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Enrolment


def live_course(pk: int | str) -> CoursePage | None:
    """The published, public course with this id, or None."""
    try:
        return CoursePage.objects.live().public().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def has_access(user: User, course: CoursePage) -> bool:
    return Enrolment.objects.active().filter(user=user, course=course).exists()


@transaction.atomic
def enrol(
    *, user: User, course: CoursePage, now: dt.datetime, order_line: OrderLine | None = None
) -> Enrolment:
    """Enrol once (a second call returns the same row); an ended enrolment starts again
    when the course is bought again."""
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(
                user=user,
                course=course,
                defaults={"enrolled_at": now, "is_free": order_line is None},
            )
    except IntegrityError:  # a concurrent enrolment won the unique constraint
        enrolment, created = Enrolment.objects.get(user=user, course=course), False
    if order_line is not None:
        Enrolment.objects.filter(pk=enrolment.pk, order_line__isnull=True).update(
            order_line=order_line
        )
    if enrolment.revoked_at is not None:
        Enrolment.objects.filter(pk=enrolment.pk).update(revoked_at=None)
    enrolment.refresh_from_db()
    if created:
        ask(enrolment, module=None, code=course.questionnaire, now=now)
    return enrolment


def join_free(*, user: User, course: CoursePage, now: dt.datetime) -> Enrolment:
    """Join a free course with one press, without an order."""
    if not course.is_free:
        raise CourseError("This course is not free: buy it to join.")
    return enrol(user=user, course=course, now=now)


def revoke(enrolment: Enrolment, *, now: dt.datetime) -> None:
    Enrolment.objects.filter(pk=enrolment.pk, revoked_at__isnull=True).update(revoked_at=now)


# The outline as one learner sees it.


@dataclass(frozen=True)
class LessonState:
    lesson: LessonPage
    release: Release
    done: bool
    started: bool
    number: int

    @property
    def is_open(self) -> bool:
        return self.release.is_open


@dataclass(frozen=True)
class ModuleState:
    module: CourseModulePage
    lessons: list[LessonState]

    @property
    def done(self) -> bool:
        return all(state.done for state in self.lessons)


@dataclass(frozen=True)
class Outline:
    modules: list[ModuleState]

    @property
    def lessons(self) -> list[LessonState]:
        return [state for module in self.modules for state in module.lessons]

    @property
    def done_count(self) -> int:
        return sum(state.done for state in self.lessons)

    @property
    def percent(self) -> int:
        total = len(self.lessons)
        return round(100 * self.done_count / total) if total else 0

    @property
    def complete(self) -> bool:
        return bool(self.lessons) and all(state.done for state in self.lessons)

    def state_of(self, lesson: LessonPage) -> LessonState | None:
        return next((s for s in self.lessons if s.lesson.pk == lesson.pk), None)

    def next_open(self) -> LessonState | None:
        return next((s for s in self.lessons if s.is_open and not s.done), None)


def outline(enrolment: Enrolment, *, now: dt.datetime) -> Outline:
    course = enrolment.course
    rows = {row.lesson_id: row for row in enrolment.progress.all()}
    modules, previous_done, number = [], True, 0
    lessons = list(course.lessons())
    for module in course.modules():
        states = []
        for lesson in (item for item in lessons if item.path.startswith(module.path)):
            number += 1
            row = rows.get(lesson.pk)
            done = row is not None and row.completed_at is not None
            opens = lesson_opens(lesson, enrolment=enrolment, previous_done=previous_done, now=now)
            states.append(LessonState(lesson, opens, done, row is not None, number))
            previous_done = done
        modules.append(ModuleState(module, states))
    return Outline(modules)


def resume_lesson(enrolment: Enrolment, *, now: dt.datetime) -> LessonPage | None:
    """Where the learner left off: the last lesson opened, else the first open one not done."""
    found = outline(enrolment, now=now)
    last = enrolment.last_lesson
    if last is not None and last.live:
        state = found.state_of(last)
        if state is not None and state.is_open:
            return last
    state = found.next_open()
    return state.lesson if state else None


# Lessons


@transaction.atomic
def open_lesson(
    enrolment: Enrolment, lesson: LessonPage, *, now: dt.datetime, exercises: bool = False
) -> LessonProgress:
    """The learner opens a lesson: remember it for "resume"; starting its exercises gives
    them their own copy of its program, once (the red-flag screen comes first, before
    their first exercise lesson)."""
    if not enrolment.is_active:
        raise CourseError(ENDED)
    state = outline(enrolment, now=now).state_of(lesson)
    if state is None or not state.is_open:
        raise CourseError("This lesson is not open yet.")
    progress, _ = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson, defaults={"started_at": now}
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson)
    enrolment.last_lesson = lesson
    if exercises and lesson.program_id and progress.assignment_id is None:
        progress.assignment = _assign_program(enrolment, lesson, now=now)
        progress.save(update_fields=["assignment"])
    return progress


def _assign_program(enrolment: Enrolment, lesson: LessonPage, *, now: dt.datetime) -> Assignment:
    source: Program = lesson.program  # type: ignore[assignment]
    # The template is copied as exercises copies one for an assignment.
    program = exercise_services._copy(source, by=enrolment.user, now=now)
    today = now.astimezone(enrolment.zone).date()
    return Assignment.objects.create(
        program=program,
        patient=enrolment.user,
        clinician=None,
        screen_first=True,
        screened_at=_last_screened(enrolment),
        start_date=today,
        time_zone=enrolment.time_zone,
        created_at=now,
    )


def _last_screened(enrolment: Enrolment) -> dt.datetime | None:
    """A learner who passed the screen in an earlier lesson of the course is not asked again
    until the routine recheck falls due: the screen runs before the first exercise lesson."""
    earlier = (
        Assignment.objects.filter(lesson_progress__enrolment=enrolment, screened_at__isnull=False)
        .order_by("-screened_at")
        .values_list("screened_at", flat=True)
        .first()
    )
    return earlier


@transaction.atomic
def complete_lesson(progress: LessonProgress, *, now: dt.datetime) -> bool:
    """Mark the lesson done (once); ask the module's questionnaire when its last lesson is
    done, and complete the course with its last one. Whether it changed."""
    changed = LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
        completed_at=now
    )
    if not changed:
        return False
    progress.refresh_from_db()
    enrolment = progress.enrolment
    found = outline(enrolment, now=now)
    for module in found.modules:
        if module.done and any(s.lesson.pk == progress.lesson_id for s in module.lessons):
            ask(enrolment, module=module.module, code=module.module.questionnaire, now=now)
    if found.complete:
        Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=now
        )
    return True


def mark_done(enrolment: Enrolment, lesson: LessonPage, *, now: dt.datetime) -> None:
    """The learner says they have done a lesson without a program (a program's lesson is
    done when a session is logged)."""
    progress = open_lesson(enrolment, lesson, now=now)
    if lesson.program_id:
        raise CourseError(
            "Do the lesson's exercises in the player: logging a session marks it done."
        )
    complete_lesson(progress, now=now)


def session_logged(assignment_id: int, *, now: dt.datetime) -> int:
    """A session was logged in a lesson's program: the lesson is done. How many lessons."""
    rows = LessonProgress.objects.filter(
        assignment_id=assignment_id, completed_at__isnull=True, enrolment__revoked_at__isnull=True
    )
    return sum(complete_lesson(row, now=now) for row in rows)


# Questionnaires


def instruments_for(code: str) -> list[str]:
    """What to ask for a chosen measure: itself if its text is loaded, else the NPRS and PSFS
    (Mend's own wording), so a course never asks a questionnaire it cannot show."""
    if not code:
        return []
    definition = INSTRUMENTS.get(code)
    if definition is not None and text_for(definition) is not None:
        return [code]
    return [NPRS.code, PSFS.code]


def ask(
    enrolment: Enrolment, *, module: CourseModulePage | None, code: str, now: dt.datetime
) -> list[CourseQuestionnaire]:
    asked = []
    for instrument in instruments_for(code):
        row, _ = CourseQuestionnaire.objects.get_or_create(
            enrolment=enrolment, module=module, instrument=instrument, defaults={"due_at": now}
        )
        asked.append(row)
    return asked


def due_questionnaires(enrolment: Enrolment) -> list[CourseQuestionnaire]:
    return list(enrolment.questionnaires.filter(answered_at__isnull=True).order_by("due_at", "pk"))


def psfs_activities_for(row: CourseQuestionnaire) -> list[str]:
    earlier = (
        CourseQuestionnaire.objects.filter(
            enrolment=row.enrolment_id, instrument=PSFS.code, answered_at__isnull=False
        )
        .exclude(pk=row.pk)
        .order_by("answered_at", "pk")
        .values_list("psfs_activities", flat=True)
        .first()
    )
    return list(earlier or [])


def answer(
    row: CourseQuestionnaire,
    *,
    by: User,
    answers: Mapping[str, object],
    activities: Sequence[str] = (),
    now: dt.datetime,
) -> CourseQuestionnaire:
    if row.enrolment.user_id != by.pk:
        raise CourseError("Only the learner answers their questionnaire.")
    given = {key: value for key, value in answers.items() if value is not None}
    if not given:
        raise CourseError("Answer at least one question.")
    named = list(activities)
    if row.instrument == PSFS.code:
        named = psfs_activities_for(row) or [a.strip() for a in activities if a.strip()]
    try:
        result = scoring.score(row.instrument, given)
    except scoring.InvalidAnswers as error:
        raise CourseError(
            f"Choose one of the answers listed ({error.message}).", field=error.item_id
        ) from None
    changed = CourseQuestionnaire.objects.filter(Q(pk=row.pk) & Q(answered_at__isnull=True)).update(
        answered_at=now,
        answers=given,
        psfs_activities=named,
        scores=result.scores,
        unscorable=result.unscorable,
        instrument_version=result.instrument_version,
        scoring_version=result.scoring_version,
    )
    if not changed:
        raise CourseError("This questionnaire was already answered.")
    row.refresh_from_db()
    return row
