"""A patient buys the demo's "6 follow-ups" package through the checkout (with a 100 % coupon
made here), books a video follow-up with it, and sees one credit fewer on /me/."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from mend.accounts.models import User
from mend.booking import demo
from mend.booking.models import Appointment, PackagePurchase
from mend.core import roles
from mend.payments.models import Coupon
from tests.e2e.test_player_journey import PHONE, fits_the_screen, sign_in

EMAIL, PASSWORD = "robin@mail.example", "a long walk by the river"
CLINICIAN = "Dr. Sam Okafor, DPT"


@pytest.fixture
def package_site(live_server: Any) -> str:
    demo.load()
    Coupon.objects.create(code="ALLPAID", percent_off=Decimal(100))
    robin = User.objects.create_user(email=EMAIL, password=PASSWORD, display_name="Robin")
    robin.groups.add(Group.objects.get(name=roles.PATIENT))
    EmailAddress.objects.create(user=robin, email=EMAIL, verified=True, primary=True)
    return str(live_server.url)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_patient_buys_the_package_and_books_a_follow_up_with_a_credit(
    page: Page, package_site: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(package_site + "/book/packages/")
    expect(page.get_by_role("heading", name="6 follow-ups")).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_role("link", name=re.compile("^Sign in to buy")).click()
    sign_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/book/packages/$"))

    page.get_by_role("button", name=re.compile("^Buy 6 follow-ups")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    page.get_by_label("Coupon code").fill("allpaid")
    page.get_by_role("button", name="Apply the code").click()
    page.get_by_role("button", name="Use the coupon and confirm").click()

    # Paid: on to booking the package's visit type.
    expect(page).to_have_url(re.compile(r"/book/\?visit=follow-up"))
    page.get_by_role("button", name="Video visit").click()
    page.get_by_role("button", name=CLINICIAN).click()
    page.locator("table.bk-month button").nth(1).click()
    page.locator("ul.bk-times button").first.click()
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    page.get_by_role("button", name="Confirm booking").click()

    note = "Paid with your package '6 follow-ups' (5 visits left)"
    expect(page.get_by_text("You are booked")).to_be_visible()
    expect(page.locator(".bk-paid")).to_have_text(note + ".")
    visit = Appointment.objects.get(email=EMAIL)
    assert visit.paid_with == PackagePurchase.objects.get(patient__email=EMAIL)
    assert fits_the_screen(page)

    page.goto(package_site + "/me/")
    expect(page.get_by_role("heading", name="Your visit packages")).to_be_visible()
    expect(page.get_by_text(re.compile(r"6 follow-ups: 5 of 6 visits left, until"))).to_be_visible()
