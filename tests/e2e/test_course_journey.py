"""A reader finds the low-back course from the home page, plays its free first lesson, buys
it with the demo's 100 % coupon, answers the safety questions, does a lesson's exercises in
the player and sees the lesson done in their progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mend.courses import demo
from mend.courses.models import Enrolment, LessonProgress
from mend.payments.models import Order
from tests.e2e.test_player_journey import PHONE, answer_all_no, fits_the_screen, sign_in

COURSE = "Low back pain: start at home"
PREVIEW = "What is happening in my back?"
EXERCISE_LESSON = "Gentle movement: knee rocking and cat–camel"


@pytest.fixture
def demo_site(live_server, settings) -> str:
    # The player's clock runs at 2 % of real time, so its short timed steps pass quickly.
    settings.MEND_PLAYER_CLOCK_PERCENT = 2
    demo.load()
    return live_server.url


def play_through(page: Page) -> None:
    """Start the player and press Done on each untimed step until it asks how it went."""
    page.get_by_role("button", name="Start", exact=True).click()
    finished = page.get_by_role("heading", name="How did it go?")
    for _ in range(40):
        if finished.is_visible():
            return
        done = page.locator('[data-player] [data-action="done"]:visible')
        if done.count():
            done.click()
        else:
            page.wait_for_timeout(100)
    expect(finished).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_buys_the_course_with_the_coupon_and_completes_a_lesson(
    page: Page, demo_site: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(demo_site + "/")
    page.get_by_role("link", name="See our courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    page.get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(page.get_by_role("heading", name="Price: $49.00")).to_be_visible()
    assert fits_the_screen(page)

    # The free first lesson, without an account: its video plays in place.
    page.get_by_role("link", name=PREVIEW).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PREVIEW)
    expect(page.get_by_text("free preview")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Play video")).click()
    expect(page.locator(".video iframe")).to_have_attribute("title", re.compile("Dr. Lena Park"))
    assert fits_the_screen(page)
    page.get_by_role("link", name="See the whole course").click()

    # Buying asks the reader to sign in, then to confirm the order, then opens the checkout.
    page.get_by_role("button", name="Buy the course").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, "pat@riverside-pt.example", "demo-patient-2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your order")
    assert not Order.objects.filter(buyer__email="pat@riverside-pt.example").exists()
    page.get_by_role("button", name="Continue to checkout").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    page.get_by_label("Coupon code").fill("menddemo")
    page.get_by_role("button", name="Apply the code").click()
    page.get_by_role("button", name="Use the coupon and confirm").click()

    # Enrolled: the course's own page, nothing done yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(page.get_by_text("0 of 8 lessons done")).to_be_visible()
    order = Order.objects.get(buyer__email="pat@riverside-pt.example")
    assert (order.status, order.total, order.method) == ("paid", 0, "coupon")

    # The first exercise lesson: the safety questions come first, then the player.
    page.get_by_role("link", name=EXERCISE_LESSON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EXERCISE_LESSON)
    page.get_by_role("button", name="Start the exercises").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Safety questions before you exercise"
    )
    assert fits_the_screen(page)
    answer_all_no(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("[data-player][data-ready]")).to_be_visible()
    assert fits_the_screen(page)
    play_through(page)
    page.get_by_label("Pain during the exercises (0–10)").fill("2")
    page.get_by_label("Pain now (0–10)").fill("1")
    page.get_by_label("Effort (0–10)").fill("3")
    page.get_by_role("button", name="Save this session").click()
    expect(page.get_by_text("Session saved. Well done.")).to_be_visible()

    # The lesson is done, and the course's progress shows it.
    enrolment = Enrolment.objects.get(user__email="pat@riverside-pt.example")
    page.goto(demo_site + enrolment.course.learn_url())
    expect(page.get_by_text("1 of 8 lessons done")).to_be_visible()
    done = page.get_by_role("listitem").filter(has_text=EXERCISE_LESSON)
    expect(done.get_by_text("Done")).to_be_visible()
    assert fits_the_screen(page)
    progress = LessonProgress.objects.get(enrolment=enrolment, completed_at__isnull=False)
    assert progress.lesson.title == EXERCISE_LESSON
