"""A patient starts the stretch from the Achilles article, follows it in the player,
logs it and sees it on the chart; their clinician then sees their adherence."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mend.content import demo
from mend.exercises.models import SessionLog
from tests.e2e.conftest import enrol_totp, enter_totp

ARTICLE = "/articles/achilles-pain-running-hamstring-stretch/"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo_site(live_server, settings) -> str:
    # The player's clock runs at 2 % of real time: the 75 s routine takes 1.5 s.
    settings.MEND_PLAYER_CLOCK_PERCENT = 2
    demo.load()
    return live_server.url


def sign_in(page: Page, email: str, password: str) -> None:
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('button[type="submit"]:not([form])').click()  # not the passkey button


def answer_all_no(page: Page) -> None:
    for choice in page.locator('input[type="radio"][value="no"]').all():
        choice.check()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_patient_follows_the_routine_and_the_clinician_sees_it(page: Page, demo_site: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(demo_site + ARTICLE)
    page.get_by_role("link", name=re.compile("^Start this routine")).click()

    # Not signed in yet: sign in, and land back on the routine with the article's dosage.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    sign_in(page, "pat@riverside-pt.example", "demo-patient-2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start “Standing hamstring stretch”")
    expect(page.locator(".dosage")).to_contain_text("Hold 30–60 s · each leg")
    page.get_by_role("button", name="Start this routine").click()

    # The safety questions come first; no to every one opens the player.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Safety questions before you exercise")
    answer_all_no(page)
    page.get_by_role("button", name="Continue").click()

    player = page.locator("[data-player][data-ready]")
    expect(player.get_by_role("heading", level=2)).to_have_text("Standing hamstring stretch")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(player.locator("[data-step]")).to_contain_text(re.compile("Get ready|Hold"))
    page.keyboard.press("Space")  # pause
    expect(page.get_by_role("button", name="Resume")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")  # resume
    expect(page.get_by_role("heading", name="How did it go?")).to_be_visible(timeout=15_000)
    expect(player.locator("[data-where]")).to_have_text("Session complete")
    expect(page.get_by_label("Standing hamstring stretch: Hold 30–60 s")).to_be_checked()

    page.get_by_label("Pain during the exercises (0–10)").fill("3")
    page.get_by_label("Pain now (0–10)").fill("2")
    page.get_by_label("Effort (0–10)").fill("4")
    page.get_by_role("button", name="Save this session").click()

    expect(page.get_by_text("Session saved. Well done.")).to_be_visible()
    chart = page.get_by_role("img", name="Pain over time")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)
    expect(chart.locator("desc")).to_contain_text("the latest was 3")
    assert fits_the_screen(page)
    log = SessionLog.objects.get(assignment__program__name="Standing hamstring stretch")
    assert (log.pain_during, log.pain_now, log.effort) == (3, 2, 4)
    assert log.items[0]["dosage"]["hold_max_s"] == 60

    # The clinician, on a desktop, sees the patient's adherence and the latest pain.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.goto(demo_site + "/clinic/patients/").status == 404  # signed out: nothing to see
    secret = enrol_totp("sam@riverside-pt.example")
    page.goto(demo_site + "/accounts/login/?next=/clinic/patients/")
    sign_in(page, "sam@riverside-pt.example", "demo-clinician-2026")
    enter_totp(page, secret)
    row = page.get_by_role("row", name=re.compile("Pat Rivera"))
    expect(row).to_contain_text(re.compile(r"\d+ %"))
    expect(row).to_contain_text("3/10")
