"""A clinician signs in for the first time, is sent to set up an authenticator app, types in
the code it shows, keeps the recovery codes and reaches the clinic; the next sign-in asks
for a code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mend.content import demo
from tests.e2e.conftest import totp_code
from tests.e2e.test_player_journey import sign_in

EMAIL, PASSWORD = "sam@riverside-pt.example", "demo-clinician-2026"


@pytest.fixture
def demo_site(live_server) -> str:
    demo.load()
    return live_server.url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clinician_sets_up_totp_and_reaches_the_clinic(page: Page, demo_site: str) -> None:
    page.goto(demo_site + "/accounts/login/?next=/clinic/patients/")
    sign_in(page, EMAIL, PASSWORD)

    # Staff must set up two-factor sign-in first; it asks for the password again.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("Staff accounts need two-factor sign-in")).to_be_visible()
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('button[type="submit"]:not([form])').click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator('input[name="code"]').fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue to where you were going").click()
    expect(page).to_have_url(re.compile(r"/clinic/patients/$"))
    expect(page.get_by_role("row", name=re.compile("Pat Rivera"))).to_be_visible()

    # Next time: the password, then a code.
    page.goto(demo_site + "/accounts/logout/")
    page.locator('button[type="submit"]:not([form])').click()
    page.goto(demo_site + "/accounts/login/?next=/clinic/patients/")
    sign_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    # The app's code of this half-minute was just used; a recovery code works once.
    page.locator('input[name="code"]').fill(codes[0])
    page.locator('button[type="submit"]:not([form])').click()
    expect(page).to_have_url(re.compile(r"/clinic/patients/$"))
