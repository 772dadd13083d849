"""The demo course for the fictional clinic, loaded by `mend load_course_demo`.

Builds the catalogue at /courses/ under the home page, the low-back course from
`mend.courses.data.low_back` with its modules and lessons (published, the first
lesson a free preview), a template program for each exercise lesson, and a
100 % coupon for trying the checkout. Idempotent: what exists is left as it
is, what is missing is made. Loads the content demo first (accounts, the home
page, the exercise library), since the course is built from them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mend.accounts.models import User
from mend.booking.models import Clinician
from mend.content import demo as content_demo
from mend.content.models import HomePage
from mend.courses.data.low_back import COURSE
from mend.courses.models import CourseIndexPage, CourseModulePage, CoursePage, LessonPage
from mend.exercises import services as exercises
from mend.exercises.models import Exercise, Program
from mend.payments.models import Coupon

# The course measures itself with this questionnaire at enrolment and at the last module's
# end: the ODI where the clinic has loaded its licensed text, the NPRS and PSFS otherwise.
QUESTIONNAIRE = "odi"


@transaction.atomic
def load(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    made = list(content_demo.load(today=now.date()).created)
    index = _catalogue(made)
    if not CoursePage.objects.child_of(index).filter(slug=COURSE["slug"]).exists():
        _course(index, COURSE, now, made)
    _coupon(COURSE["coupon"], made)
    return made


def _catalogue(made: list[str]) -> CourseIndexPage:
    home = HomePage.objects.get()
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=CourseIndexPage(
                title="Courses",
                slug="courses",
                intro="Short courses from our physical therapists that you follow at home, "
                "with exercises in the player and a clinician a click away.",
            )
        )
        index.save_revision().publish()
        made.append("course catalogue")
    return index


def _course(
    index: CourseIndexPage, data: dict[str, Any], now: dt.datetime, made: list[str]
) -> None:
    author = _account(data["instructor"])
    clinician = Clinician.objects.filter(user=author).first()
    course = index.add_child(
        instance=CoursePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            instructor=clinician,
            instructor_name="" if clinician else author.display_name,
            instructor_bio="Dr. Lena Park is a physical therapist at Riverside, where she sees "
            "people with back and knee pain, in the clinic and by video.",
            price=Decimal(data["price"]),
            currency=settings.MEND_CURRENCY,
            included="\n".join(data["included"]),
            questionnaire=QUESTIONNAIRE,
        )
    )
    for module_data in data["modules"]:
        module = course.add_child(
            instance=CourseModulePage(
                title=module_data["title"],
                slug=module_data["slug"],
                intro=module_data["summary"],
                questionnaire=QUESTIONNAIRE if module_data.get("questionnaire_at_end") else "",
            )
        )
        for lesson_data in module_data["lessons"]:
            lesson = module.add_child(instance=_lesson(lesson_data, author, now))
            lesson.save_revision().publish()
        module.save_revision().publish()
    course.save_revision().publish()
    made.append(f"course {data['slug']}")


def _lesson(data: dict[str, Any], author: User, now: dt.datetime) -> LessonPage:
    release = data["release"]
    return LessonPage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        video_url=data.get("video_url", ""),
        video_title=data.get("video_title", ""),
        body=_resolve_exercises(data["body"]),
        program=_template(data["program"], author, now) if data.get("program") else None,
        is_preview=data["preview"],
        release_rule=release["rule"],
        release_days=release.get("days", 0),
        books_visit=data.get("see_pt", False),
    )


def _resolve_exercises(body: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The data names an exercise block's exercise by its slug; the block stores the exercise."""
    resolved = []
    for kind, value in body:
        if kind == "exercise":
            value = {**value, "exercise": Exercise.objects.get(slug=value["exercise"])}
        resolved.append((kind, value))
    return resolved


def _template(data: dict[str, Any], owner: User, now: dt.datetime) -> Program:
    found = Program.objects.filter(owner=owner, is_template=True, name=data["name"]).first()
    if found is not None:
        return found
    program = exercises.create_program(
        owner=owner,
        name=data["name"],
        goal=data["goal"],
        weekdays=data["weekdays"],
        sessions_per_day=1,
        is_template=True,
        now=now,
    )
    for slug, dosage in data["items"]:
        exercises.add_item(
            program, by=owner, exercise=Exercise.objects.get(slug=slug), dosage=dosage, now=now
        )
    return program


def _coupon(data: dict[str, Any], made: list[str]) -> None:
    if Coupon.objects.filter(code__iexact=data["code"]).exists():
        return
    Coupon.objects.create(
        code=data["code"],
        description="Demo: the whole course free, to try the checkout.",
        percent_off=Decimal(data["percent"]),
    )
    made.append(f"coupon {data['code']}")


def _account(key: str) -> User:
    account = next(a for a in content_demo.ACCOUNTS if a.key == key)
    return User.objects.get(email=account.email)
