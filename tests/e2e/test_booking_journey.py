"""A guest books a video follow-up in real Chromium, sees it in their own zone, and cancels it.

The browser runs in America/Chicago while the clinic keeps New York time:
the times offered, and the time on the confirmation, must be Chicago's, taken
from the browser by booking.js and named on the page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from mend.booking import demo, formatting
from mend.booking.models import Appointment

ZONE = "America/Chicago"
CLINICIAN = "Dr. Sam Okafor, DPT"


@pytest.fixture
def booking_site(live_server: Any) -> str:
    demo.load()
    return str(live_server.url)


@pytest.fixture
def chicago_page(browser: Browser) -> Any:
    context = browser.new_context(timezone_id=ZONE, viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_guest_books_a_video_follow_up_and_cancels_it(
    chicago_page: Page, booking_site: str
) -> None:
    page = chicago_page
    page.goto(booking_site + "/book/")
    page.get_by_role("button", name="Follow-up", exact=True).click()
    page.get_by_role("button", name="Video visit").click()
    page.get_by_role("button", name=CLINICIAN).click()

    expect(page.get_by_role("heading", name="Pick a day")).to_be_visible()
    expect(page.locator(".bk-zone-label")).to_contain_text(ZONE)
    days = page.locator("table.bk-month button")
    # The third day with room is at least two days ahead, so its first time lies outside
    # the visit type's 24-hour cancellation window whatever the time of day: the guest can
    # still cancel it online below. (While today still had room after the clinic opened,
    # the second day was tomorrow and its first time less than 24 hours away, so the
    # manage page rightly showed no cancel form.)
    days.nth(2).click()

    expect(page.get_by_role("heading", name=re.compile("^Pick a time on"))).to_be_visible()
    expect(page.locator(".bk-zone-label")).to_contain_text(ZONE)
    times_url = page.url
    first_time = page.locator("ul.bk-times button").first
    label = first_time.inner_text()
    first_time.click()

    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    page.get_by_label("Full name").fill("Riley Guest")
    page.get_by_label("Email", exact=True).fill("riley@mail.example")
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.get_by_text("You are booked")).to_be_visible()
    appointment = Appointment.objects.get(email="riley@mail.example")
    shown = formatting.when(appointment.start, ZONE)
    assert shown.endswith(f"{label} ({ZONE})")  # the clock time picked, in the browser's zone
    expect(page.get_by_text(shown)).to_be_visible()
    expect(page.get_by_role("link", name="Join the video visit")).to_have_attribute(
        "href", appointment.video_link
    )
    manage_url = page.url

    page.goto(times_url)
    expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)  # taken

    page.goto(manage_url)
    page.get_by_label("Reason for cancelling").fill("Feeling much better")
    page.get_by_role("button", name="Cancel this visit").click()
    expect(page.get_by_text("Your visit is cancelled")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED

    page.goto(times_url)
    expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()  # free again
