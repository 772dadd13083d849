"""A reader opens the demo article, comments, and follows related reading."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mend.community.models import Comment
from mend.content import demo

ARTICLE = "/articles/achilles-pain-running-hamstring-stretch/"


@pytest.fixture
def demo_site(live_server, settings) -> str:
    settings.MEND_FORM_MIN_SECONDS = 0  # a robot types faster than the spam check allows
    settings.MEND_FORM_RATE_LIMIT = 50
    demo.load()
    return live_server.url


def expect_field_message(page: Page, label: str, message: str) -> None:
    """The message is tied to the labelled field: flagged invalid and described by it."""
    field = page.locator("#comments form").last.get_by_label(label, exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(message))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_comments_and_follows_related_reading(page: Page, demo_site: str) -> None:
    page.goto(demo_site + ARTICLE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Achilles")
    expect(page.get_by_role("heading", name="0 comments")).to_be_visible()
    form = page.locator("#comments form").last

    form.get_by_role("button", name="Post comment").click()
    expect_field_message(page, "Name", "Required field missing")
    expect_field_message(page, "Email", "Required field missing")
    expect_field_message(page, "Comment", "Required field missing")

    form = page.locator("#comments form").last
    form.get_by_label("Name", exact=True).fill("Jo Runner")
    form.get_by_label("Email", exact=True).fill("jo@runner")
    form.get_by_label("Website (optional)", exact=True).fill("ftp://jo.example")
    form.get_by_label("Comment", exact=True).fill("Does this help on long runs?")
    form.get_by_role("button", name="Post comment").click()
    expect_field_message(page, "Email", "Email address invalid")
    expect_field_message(page, "Website (optional)", "Website address invalid")
    # What the reader typed is still there.
    expect(page.locator("#comments form").last.get_by_label("Name", exact=True)).to_have_value(
        "Jo Runner"
    )

    form = page.locator("#comments form").last
    form.get_by_label("Email", exact=True).fill("jo@runner.example")
    form.get_by_label("Website (optional)", exact=True).fill("https://jo.example")
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    assert Comment.objects.get().status == Comment.Status.PENDING

    related = page.locator("section.related a").first
    related_title = related.inner_text()
    related.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(related_title)

    page.goto(demo_site + ARTICLE)
    page.get_by_role("link", name="running", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tags/running/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("running")
    expect(page.get_by_role("link", name=re.compile("Achilles"))).to_be_visible()
