"""A patient answers a baseline NPRS and PSFS on a phone, logs a session, comes back at week 6,
answers again and sees the change and its meaning; the clinician sees the episode flagged.

The clock. The follow-up opens six weeks after the episode, so the test controls
the clock with time-machine. time-machine replaces the clock functions of the
whole process (``time.time``, ``datetime.now`` and the rest, at the C level),
not a module's names, so the live server's thread, which serves Chromium's
requests, reads the same clock as the test. The test starts the clock at a
fixed moment, ticking, builds the episode and answers the baseline there; then
moves it to the morning week 6 falls due, still ticking, and carries on.
Everything the server does with time (stages, due dates, the session's expiry,
the flag's date) follows. Chromium keeps the real time; nothing here depends
on it: Django's cookies carry a Max-Age, which Chromium prefers to their
Expires date. The patient's sign-in session (12 hours) has expired on the
server after six weeks, so the patient signs in again, as they would.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode, Flag
from mend.core import roles
from mend.exercises import services as exercises
from mend.exercises import starter
from mend.exercises.models import Exercise, SessionLog
from mend.outcomes.models import Response
from tests.e2e.conftest import enrol_totp, enter_totp

PHONE = {"width": 360, "height": 740}
ZONE = "Europe/Berlin"
PASSWORD = "correct horse battery staple"
CLINICIAN = "Dr. Kim Lee, DPT"
PATIENT = "Alex Moreau"
# 10:00 on Monday 2 November 2026 in Berlin: the first visit.
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
# 10:00 on Monday 14 December 2026 in Berlin: week 6 fell due at midnight.
WEEK_6 = dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC)
ACTIVITIES = ("Running 5 km", "Going down stairs", "Standing on tiptoe")


def _account(email: str, name: str, role: str) -> User:
    user = User.objects.create_user(email, PASSWORD, display_name=name)
    user.groups.add(Group.objects.get(name=role))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def clinic(live_server: Any, time_machine: TimeMachineFixture) -> dict[str, Any]:
    """A clinician, a patient in their care, and a program that asks NPRS and PSFS."""
    time_machine.move_to(START, tick=True)
    now = START
    clinician = _account("kim@clinic.example", CLINICIAN, roles.CLINICIAN)
    patient = _account("alex@mail.example", PATIENT, roles.PATIENT)
    starter.load_exercises()
    program = exercises.create_program(
        owner=clinician,
        name="Achilles loading",
        goal="Build calf strength so running stops hurting the tendon.",
        weekdays="024",
        sessions_per_day=1,
        is_template=False,
        measures=["nprs", "psfs"],
        now=now,
    )
    for slug in ("heel-raise-floor", "seated-calf-raise"):
        exercises.add_item(
            program, by=clinician, exercise=Exercise.objects.get(slug=slug), dosage=None, now=now
        )
    episode = care.open_or_join(
        patient=patient,
        clinician=clinician,
        now=now,
        source=Episode.Source.ADMIN,
        reason="Achilles pain when running",
        region="calf-achilles",
    )
    exercises.assign(
        program,
        by=clinician,
        episode=episode,
        start_date=START.date(),
        weeks=12,
        time_zone=ZONE,
        note="",
        screen_first=False,
        now=now,
    )
    return {"url": live_server.url, "episode": episode, "patient": patient, "program": program}


def sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()  # not the passkey one


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def unlabelled_inputs(page: Page) -> list[str]:
    """Form controls a screen reader could not name."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(el => el.type !== 'hidden')
                .filter(el => !(el.labels && el.labels.length)
                    && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
                .map(el => el.name || el.id)"""
        )
    )


def check_form_page(page: Page) -> None:
    assert fits_the_screen(page)
    assert unlabelled_inputs(page) == []


def choose_with_keyboard(page: Page, group: str, value: int) -> None:
    """Focus a question's first answer, then arrow along to ``value`` (arrows also check)."""
    question = page.get_by_role("group", name=group)
    question.get_by_role("radio").first.focus()
    for _ in range(value):
        page.keyboard.press("ArrowRight")
    expect(question.get_by_role("radio", name=re.compile(rf"^{value}\b"))).to_be_checked()


def send_with_keyboard(page: Page) -> None:
    button = page.get_by_role("button", name="Send my answers")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()


def answer_nprs(page: Page, pain: int) -> None:
    page.get_by_role("link", name="Numeric Pain Rating Scale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Numeric Pain Rating Scale")
    check_form_page(page)
    choose_with_keyboard(page, "How much pain do you have right now?", pain)
    # From the last question, Tab leads to the button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my answers")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_patient_answers_baseline_and_week_6_and_the_clinician_sees_no_change(
    page: Page, clinic: dict[str, Any], time_machine: TimeMachineFixture
) -> None:
    site, episode = clinic["url"], clinic["episode"]
    page.set_viewport_size(PHONE)

    # Day one: the patient signs in and answers the baseline questionnaires.
    page.goto(site + "/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    sign_in(page, "alex@mail.example")
    page.get_by_role("link", name="2 questionnaires from your clinician").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My questionnaires")
    assert fits_the_screen(page)
    answer_nprs(page, 6)

    page.get_by_role("link", name="Patient-Specific Functional Scale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient-Specific Functional Scale")
    check_form_page(page)
    for n, (activity, rating) in enumerate(zip(ACTIVITIES, (3, 4, 5), strict=True), start=1):
        page.get_by_label(f"Activity {n}", exact=True).focus()
        page.keyboard.type(activity)
        # Tab from the name goes into its rating; none is chosen yet, so the first answer.
        page.keyboard.press("Tab")
        question = page.get_by_role("group", name=f"How well can you do activity {n} today?")
        expect(question.get_by_role("radio").first).to_be_focused()
        for _ in range(rating):
            page.keyboard.press("ArrowRight")
        expect(question.get_by_role("radio", name=re.compile(rf"^{rating}\b"))).to_be_checked()
    send_with_keyboard(page)
    expect(page.get_by_text("Nothing to answer right now.")).to_be_visible()
    assert fits_the_screen(page)

    # The patient logs a session in the program, from its page.
    page.goto(site + "/me/")
    page.get_by_role("link", name="Achilles loading").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Achilles loading")
    page.get_by_label("Pain during the exercises (0–10)").fill("4")
    page.get_by_label("Pain now (0–10)").fill("3")
    page.get_by_label("Effort (0–10)").fill("6")
    check_form_page(page)
    page.get_by_role("button", name="Save this session").click()
    expect(page.get_by_text("Session saved. Well done.")).to_be_visible()
    log = SessionLog.objects.get(assignment__episode=episode)
    assert (log.local_date, log.pain_during, log.pain_now) == (START.date(), 4, 3)

    # Six weeks later: the week-6 questionnaires are open (week 2 went unanswered).
    time_machine.move_to(WEEK_6, tick=True)
    page.goto(site + "/me/outcomes/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))  # signed out meanwhile
    sign_in(page, "alex@mail.example")
    due = page.get_by_role("region", name="To answer now")
    expect(due.get_by_role("listitem")).to_have_count(2)
    expect(due).to_contain_text("Week 6, asked by " + CLINICIAN)
    answer_nprs(page, 5)

    page.get_by_role("link", name="Patient-Specific Functional Scale").click()
    check_form_page(page)
    expect(page.get_by_text("Rate the activities you named the first time again")).to_be_visible()
    for activity, rating in zip(ACTIVITIES, (4, 5, 5), strict=True):
        choose_with_keyboard(page, f"{activity}: how well can you do it today?", rating)
    send_with_keyboard(page)

    # The patient's results: each chart with the change and what it means.
    results = page.get_by_role("region", name=re.compile("^Your results with " + CLINICIAN))
    nprs = results.get_by_role("region", name=re.compile("^Numeric Pain Rating Scale"))
    expect(
        nprs.get_by_role("img", name="Numeric Pain Rating Scale: Pain right now")
    ).to_be_visible()
    expect(nprs.locator(".outcome-timepoints")).to_contain_text("Week 2: missed")
    week_6 = nprs.get_by_role("row", name=re.compile("^Week 6"))
    expect(week_6).to_contain_text("5")
    expect(week_6).to_contain_text("-1")
    expect(week_6).to_contain_text("no meaningful change")
    expect(nprs).to_contain_text("At the week 6 review: no meaningful change.")
    psfs = results.get_by_role("region", name="Patient-Specific Functional Scale")
    expect(psfs.get_by_role("row", name=re.compile("^Week 6"))).to_contain_text(
        "no meaningful change"
    )
    assert fits_the_screen(page)

    answered = Response.objects.filter(episode=episode, answered_at__isnull=False)
    assert {(r.instrument, r.timepoint): round(r.scores["total"], 2) for r in answered} == {
        ("nprs", "baseline"): 6,
        ("psfs", "baseline"): 4,
        ("nprs", "week-6"): 5,
        ("psfs", "week-6"): 4.67,  # (4 + 5 + 5) / 3
    }
    baseline = answered.get(instrument="psfs", timepoint="baseline")
    assert baseline.psfs_activities == list(ACTIVITIES)
    assert baseline.answered_at.date() == START.date()
    flag = Flag.objects.get(episode=episode, cleared_at__isnull=True)
    assert flag.cause == Flag.Cause.NO_CHANGE and flag.raised_at.date() == WEEK_6.date()

    # The clinician signs in and finds the episode flagged, then its charts.
    page.context.clear_cookies()
    secret = enrol_totp("kim@clinic.example")
    page.goto(site + "/accounts/login/?next=/clinic/care/")
    sign_in(page, "kim@clinic.example")
    enter_totp(page, secret)
    card = page.locator(".card").filter(has=page.get_by_role("heading", name=PATIENT))
    expect(card.locator(".flag")).to_have_text("No meaningful change by the review week")
    expect(card).to_contain_text(
        "Numeric Pain Rating Scale: 6 at baseline, 5 at week 6 (no meaningful change; MCID 2"
    )
    card.get_by_role("link", name=f"Outcome measures for {PATIENT}").click()
    expect(page).to_have_url(re.compile(rf"/clinic/outcomes/{episode.pk}/$"))
    chart = page.get_by_role("img", name="Numeric Pain Rating Scale: Pain right now")
    expect(chart).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Week 6")).first).to_contain_text(
        "no meaningful change"
    )
    assert fits_the_screen(page)
    page.goto(site + f"/clinic/patients/{clinic['patient'].pk}/")
    expect(
        page.get_by_role("img", name="Numeric Pain Rating Scale: Pain right now")
    ).to_be_visible()
