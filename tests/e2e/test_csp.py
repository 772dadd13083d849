"""Every kind of page runs under the enforced Content-Security-Policy with nothing blocked.

The browser reports each blocked script, style, handler, frame or eval as a
``securitypolicyviolation`` event (and a console error); the page collects the
events and hands them to the test, which expects none after walking the site:
reading, the guide, a screen, signing in, the player, booking and the clinic.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import Browser, Page, expect

from mend.accounts.models import User
from mend.booking import demo as booking_demo
from mend.content import demo
from mend.exercises.models import Exercise
from tests.e2e.test_player_journey import ARTICLE, answer_all_no

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation({
    page: location.pathname,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile,
    line: event.lineNumber,
  });
});
"""


class Watched:
    """A browser page that keeps every CSP violation and CSP console error it sees."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.violations: list[Any] = []
        self.console: list[str] = []
        page.expose_function("reportViolation", self._violation)
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _violation(self, report: Any) -> None:
        self.violations.append(report)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, url

    def assert_clean(self) -> None:
        self.page.wait_for_timeout(200)  # events of the last page are delivered
        assert self.violations == []
        assert self.console == []


def sign_in(page: Page, email: str, password: str) -> None:
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('button[type="submit"]:not([form])').click()  # not the passkey button


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    settings.MEND_PLAYER_CLOCK_PERCENT = 2  # the 75 s routine takes 1.5 s
    demo.load()
    booking_demo.load()
    return str(live_server.url)


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield Watched(context.new_page())
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reading_the_guide_and_a_screen_break_no_rule(watched: Watched, site: str) -> None:
    page = watched.page
    watched.visit(site + "/")
    # The watcher hears the browser: an inline script added now is blocked and reported.
    page.evaluate(
        "document.head.append(Object.assign(document.createElement('script'), {text: '1'}))"
    )
    page.wait_for_timeout(200)
    assert [v["directive"] for v in watched.violations] == ["script-src-elem"]
    watched.violations.clear()
    watched.console.clear()
    watched.visit(site + ARTICLE)
    expect(page.locator(".video a[data-embed]").first).to_be_visible()
    # An empty comment: htmx swaps the 400 in (site.js, not an inline handler).
    page.locator("#comments").get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments .errorlist").first).to_be_visible()

    watched.visit(site + "/exercises/")
    exercise = Exercise.objects.order_by("pk").first()
    assert exercise is not None
    watched.visit(site + exercise.get_absolute_url())

    watched.visit(site + "/guide/")
    region = page.locator("svg.guide-map a").first.get_attribute("href")
    assert region
    watched.visit(site + region)  # the region's red-flag screen comes first
    expect(page.locator('input[type="radio"]').first).to_be_visible()
    watched.assert_clean()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signing_in_starting_and_playing_a_routine_break_no_rule(
    watched: Watched, site: str
) -> None:
    page = watched.page
    watched.visit(site + "/accounts/login/?next=" + ARTICLE)
    sign_in(page, "pat@riverside-pt.example", "demo-patient-2026")
    page.get_by_role("link", name=re.compile("^Start this routine")).click()
    # site.js filled in the browser's zone (it was an inline script).
    expect(page.locator("[data-browser-time-zone]")).not_to_have_value("")
    page.get_by_role("button", name="Start this routine").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Safety questions before you exercise"
    )
    answer_all_no(page)
    page.get_by_role("button", name="Continue").click()

    player = page.locator("[data-player][data-ready]")
    expect(player).to_be_visible()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(player.locator("[data-step]")).to_contain_text(re.compile("Get ready|Hold"))
    expect(page.get_by_role("heading", name="How did it go?")).to_be_visible(timeout=15_000)

    watched.visit(site + "/me/")
    program = page.locator('a[href^="/me/programs/"]').first.get_attribute("href")
    assert program
    watched.visit(site + program)
    watched.assert_clean()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_booking_to_the_details_step_breaks_no_rule(watched: Watched, site: str) -> None:
    page = watched.page
    watched.visit(site + "/book/")
    page.get_by_role("button", name="Follow-up", exact=True).click()
    page.get_by_role("button", name="Video visit").click()
    page.get_by_role("button", name="Dr. Sam Okafor, DPT").click()
    expect(page.get_by_role("heading", name="Pick a day")).to_be_visible()
    page.locator("table.bk-month button").nth(1).click()
    expect(page.get_by_role("heading", name=re.compile("^Pick a time on"))).to_be_visible()
    page.locator("ul.bk-times button").first.click()
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    watched.assert_clean()


@pytest.fixture
def clinician_totp(site: str) -> str:
    """Staff sign in with a second factor: the demo clinician has an authenticator app."""
    secret = generate_totp_secret()
    TOTP.activate(User.objects.get(email="sam@riverside-pt.example"), secret)
    return secret


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_clinic_pages_break_no_rule(watched: Watched, site: str, clinician_totp: str) -> None:
    page = watched.page
    watched.visit(site + "/accounts/login/?next=/clinic/")
    sign_in(page, "sam@riverside-pt.example", "demo-clinician-2026")
    code = format_hotp_value(hotp_value(clinician_totp, int(time.time()) // 30))
    page.locator('input[name="code"]').fill(code)
    page.locator('button[type="submit"]:not([form])').click()
    expect(page).to_have_url(re.compile(r"/clinic/$"))
    for path in ("/clinic/", "/clinic/availability/", "/clinic/care/", "/clinic/programs/"):
        watched.visit(site + path)
    watched.visit(site + "/clinic/patients/")
    patient = page.locator('a[href^="/clinic/patients/"]').first.get_attribute("href")
    if patient:
        watched.visit(site + patient)
    watched.assert_clean()
