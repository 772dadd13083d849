"""The demo course: `mend load_course_demo` builds the low-back course under the home page,
with a free first lesson, library programs, a price and a coupon that makes it free."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction

from mend.accounts.models import User
from mend.content.models import HomePage
from mend.courses import demo
from mend.courses.models import CourseIndexPage, CourseModulePage, CoursePage, Enrolment, LessonPage
from mend.payments import services as payments
from mend.payments.models import Coupon, Order

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
PATIENT = "pat@riverside-pt.example"


@pytest.fixture(scope="module")
def course(django_db_setup: None, django_db_blocker: Any) -> Iterator[CoursePage]:
    """Loaded once in a transaction rolled back after the module; each test runs in a
    savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            demo.load(now=NOW)
        yield CoursePage.objects.get(slug=demo.COURSE["slug"])
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_catalogue_and_the_course_sit_under_the_home_page(course: CoursePage) -> None:
    index = CourseIndexPage.objects.get()
    assert index.get_parent().specific_class is HomePage
    assert index.url == "/courses/"
    assert course.get_parent().pk == index.pk
    assert course.live and index.live


def test_three_modules_and_eight_lessons_all_published(course: CoursePage) -> None:
    modules = course.modules()
    assert [m.slug for m in modules] == [m["slug"] for m in demo.COURSE["modules"]]
    assert [len(CourseModulePage.objects.get(pk=m.pk).get_children().live()) for m in modules] == [
        2,
        3,
        3,
    ]
    lessons = list(course.lessons())
    assert len(lessons) == 8
    assert not LessonPage.objects.descendant_of(course).filter(live=False).exists()


def test_only_the_first_lesson_is_a_free_preview(course: CoursePage) -> None:
    lessons = list(course.lessons())
    assert [lesson.is_preview for lesson in lessons] == [True] + [False] * 7
    assert lessons[0].slug == "what-is-happening-in-my-back"


def test_exercise_lessons_carry_template_programs_from_the_library(course: CoursePage) -> None:
    with_programs = [lesson for lesson in course.lessons() if lesson.program_id]
    assert [lesson.slug for lesson in with_programs] == [
        "gentle-movement",
        "strength-bridges-and-bird-dogs",
        "a-routine-to-keep",
    ]
    first = with_programs[0].program
    assert first.is_template
    assert [item.exercise.slug for item in first.items.all()] == ["knee-rocking", "cat-camel"]
    # The lesson's body shows the same exercises, resolved from their slugs.
    shown = [
        block.value["exercise"].slug
        for block in with_programs[0].body
        if block.block_type == "exercise"
    ]
    assert shown == ["knee-rocking", "cat-camel"]


def test_the_last_lesson_books_a_visit_and_the_course_measures_itself(course: CoursePage) -> None:
    lessons = list(course.lessons())
    assert [lesson.books_visit for lesson in lessons] == [False] * 7 + [True]
    assert course.questionnaire == "odi"
    assert [m.questionnaire for m in course.modules()] == ["", "", "odi"]


def test_the_price_is_in_the_clinic_currency(course: CoursePage, settings: Any) -> None:
    assert course.price == Decimal("49.00")
    assert course.currency == settings.MEND_CURRENCY
    assert not course.is_free


def test_loading_again_changes_nothing(course: CoursePage) -> None:
    pages, coupons = LessonPage.objects.count(), Coupon.objects.count()

    made = demo.load(now=NOW + dt.timedelta(days=1))

    assert not [item for item in made if item.startswith(("course", "coupon"))]
    assert (LessonPage.objects.count(), Coupon.objects.count()) == (pages, coupons)


def test_the_demo_coupon_takes_the_whole_price_off_and_enrols(course: CoursePage) -> None:
    buyer = User.objects.get(email=PATIENT)
    order = payments.start_order(buyer=buyer, kind="course", ref=str(course.pk), now=NOW)
    assert order.total == Decimal("49.00")

    order = payments.apply_coupon(order, code="menddemo", now=NOW)  # capitals do not matter
    assert order.total == 0
    payments.pay(order, method="coupon", success_url="/done/", cancel_url="/back/", now=NOW)

    order = Order.objects.get(pk=order.pk)
    assert order.status == Order.Status.PAID
    assert Enrolment.objects.active().filter(user=buyer, course=course).exists()
    assert Coupon.objects.get(code="MENDDEMO").uses == 1


def test_the_home_page_leads_to_the_catalogue_and_the_course(
    course: CoursePage, client: Any
) -> None:
    home = client.get("/")
    assert 'href="/courses/"' in home.content.decode()

    catalogue = client.get("/courses/")
    assert catalogue.status_code == 200
    assert f'href="{course.url}"' in catalogue.content.decode()


def test_the_command_refuses_without_debug(settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("load_course_demo", stdout=StringIO())
