"""A reader starts the hamstring routine from the Achilles article, is screened, answers
"not sure" to the sudden-pop question and is told to get care today; the player will not
start. Once checked, they confirm it, answer no to everything, and the player starts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mend.content import demo
from mend.exercises.models import Assignment
from mend.safety.models import ScreenResult
from tests.e2e.test_player_journey import ARTICLE, PHONE, answer_all_no, fits_the_screen, sign_in


@pytest.fixture
def demo_site(live_server) -> str:
    demo.load()
    return live_server.url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_not_sure_stops_the_routine_until_the_reader_confirms_a_check(
    page: Page, demo_site: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(demo_site + "/accounts/login/?next=" + ARTICLE)
    sign_in(page, "pat@riverside-pt.example", "demo-patient-2026")
    page.get_by_role("link", name=re.compile("^Start this routine")).click()
    page.get_by_role("button", name="Start this routine").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Safety questions before you exercise")
    assert fits_the_screen(page)
    answer_all_no(page)
    pop = page.get_by_role("group", name=re.compile("sudden pop or snap"))
    pop.get_by_label("Not sure").check()
    page.get_by_role("button", name="Continue").click()

    advice = page.get_by_role("alert")
    expect(advice.get_by_role("heading", name="Get medical care today")).to_be_visible()
    expect(advice).to_contain_text("sudden pop or snap")
    assert fits_the_screen(page)
    routine = Assignment.objects.get(program__name="Standing hamstring stretch")
    page.goto(f"{demo_site}/me/programs/{routine.program_id}/play/")
    expect(page.locator("[data-player]")).to_have_count(0)
    expect(page.get_by_text("This program is stopped")).to_be_visible()

    # Checked by a clinician since: confirm it, answer no to everything, and play.
    page.get_by_role("link", name="answer the safety questions again to go on").click()
    page.get_by_label(re.compile("has checked me")).check()
    answer_all_no(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("[data-player][data-ready]")).to_be_visible()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("[data-step]")).to_contain_text(re.compile("Get ready|Hold"))
    mine = ScreenResult.objects.exclude(purpose="assigned").order_by("taken_at")  # the demo's own
    levels = list(mine.values_list("purpose", "level"))
    assert levels == [("routine", "urgent"), ("resume", "")]
