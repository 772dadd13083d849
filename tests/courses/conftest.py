"""A small course world: the catalogue under home, one paid course with two modules and
four lessons (a free preview, one opening a week after enrolment, one on a date, one after
the previous one), a program template for the exercise lesson, and a learner enrolled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from mend.accounts.models import User
from mend.content.models import HomePage
from mend.courses import services
from mend.courses.models import (
    CourseIndexPage,
    CourseModulePage,
    CoursePage,
    Enrolment,
    LessonPage,
)
from mend.exercises import library_io
from mend.exercises import services as exercises
from mend.exercises.models import Exercise, Program
from mend.exercises.starter import EXERCISES

# 09:00 on Wednesday 4 November 2026 in UTC, the tests' default zone.
NOW = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
STARTER = {record["slug"]: record for record in EXERCISES}


def publish(page: Any) -> Any:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def catalogue(home: HomePage) -> CourseIndexPage:
    return publish(home.add_child(instance=CourseIndexPage(title="Courses", slug="courses")))


@pytest.fixture
def stretch(db: None) -> Exercise:
    record = STARTER["standing-hamstring-stretch"]
    report = library_io.import_records([record])
    assert not report.errors, report.errors
    return Exercise.objects.get(slug=record["slug"])


@pytest.fixture
def template(clinician: User, stretch: Exercise) -> Program:
    program = exercises.create_program(
        owner=clinician,
        name="Back basics",
        goal="Move with less pain",
        weekdays="0123456",
        sessions_per_day=1,
        is_template=True,
        now=NOW,
    )
    exercises.add_item(program, by=clinician, exercise=stretch, now=NOW)
    return program


@pytest.fixture
def make_course(catalogue: CourseIndexPage) -> Callable[..., CoursePage]:
    def make(slug: str = "low-back", **fields: Any) -> CoursePage:
        fields.setdefault("price", Decimal("49.00"))
        fields.setdefault("currency", "USD")
        course = CoursePage(
            title=fields.pop("title", "Low back pain at home"),
            slug=slug,
            summary="Get moving again with less pain, from home.",
            included="8 short lessons\nTwo exercise routines",
            **fields,
        )
        catalogue.add_child(instance=course)
        return publish(course)

    return make


def add_module(course: CoursePage, title: str, **fields: Any) -> CourseModulePage:
    module = CourseModulePage(title=title, **fields)
    course.add_child(instance=module)
    return publish(module)


def add_lesson(module: CourseModulePage, title: str, **fields: Any) -> LessonPage:
    fields.setdefault("body", [("paragraph", f"<p>The text of {title}.</p>")])
    lesson = LessonPage(title=title, **fields)
    module.add_child(instance=lesson)
    return publish(lesson)


@pytest.fixture
def course(make_course: Callable[..., CoursePage], template: Program) -> CoursePage:
    course = make_course(certificate=True, questionnaire="nprs")
    first = add_module(course, "Understanding back pain", questionnaire="psfs")
    add_lesson(first, "Welcome", slug="welcome", is_preview=True)
    add_lesson(first, "Moving again", slug="moving-again", release_days=7, program=template)
    second = add_module(course, "Keeping it up")
    add_lesson(
        second,
        "On the date",
        slug="on-the-date",
        release_rule=LessonPage.Release.DATE,
        release_date=dt.date(2026, 12, 1),
    )
    add_lesson(
        second,
        "After that",
        slug="after-that",
        release_rule=LessonPage.Release.PREVIOUS,
        books_visit=True,
    )
    return course


@pytest.fixture
def lessons(course: CoursePage) -> dict[str, LessonPage]:
    return {lesson.slug: lesson for lesson in course.lessons()}


@pytest.fixture
def enrolment(course: CoursePage, patient: User) -> Enrolment:
    return services.enrol(user=patient, course=course, now=NOW)
