"""The checkout's pages: login required, no-store, the buyer's own orders only (anyone
else's is a 404), bad input answered at its field with nothing changed, POST → 303."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.test import Client
from django.urls import reverse

from mend.accounts.models import User
from mend.core.models import AuditEvent
from mend.payments.models import Coupon, Order

from .conftest import KIND, Shop

pytestmark = pytest.mark.django_db
Status = Order.Status
Start = Callable[..., Order]


@pytest.fixture
def signed_in(client: Client, buyer: User) -> Client:
    client.force_login(buyer)
    return client


def order_pages(order: Order) -> list[str]:
    names = ("payments:checkout", "payments:done", "payments:receipt")
    return [reverse(name, args=[order.reference]) for name in names]


def test_the_checkout_page_shows_lines_totals_and_what_is_offered(
    signed_in: Client, start: Start, settings: Any
) -> None:
    settings.MEND_STRIPE_SECRET_KEY = ""
    order = start("1", quantity=2)

    page = signed_in.get(reverse("payments:checkout", args=[order.reference]))

    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Five visits" in html and "$98.00" in html
    assert 'name="code"' in html and 'value="clinic"' in html
    assert 'value="card"' not in html  # no Stripe key: no card button


def test_stranger_gets_404_on_every_order_page(
    client: Client, start: Start, stranger: User, clinician: User
) -> None:
    order = start("1")
    for who in (stranger, clinician):
        client.force_login(who)
        for url in order_pages(order):
            assert client.get(url).status_code == 404, url
        for action in ("payments:coupon", "payments:pay"):
            assert (
                client.post(
                    reverse(action, args=[order.reference]), {"code": "X", "method": "clinic"}
                ).status_code
                == 404
            )
    order.refresh_from_db()
    assert order.status == Status.OPEN and order.coupon is None


def test_anonymous_readers_are_sent_to_sign_in(client: Client, start: Start) -> None:
    order = start("1")
    for url in [*order_pages(order), reverse("payments:orders")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Order.objects.exclude(pk=order.pk).exists()


def test_an_anonymous_buyer_signs_in_then_confirms(client: Client, shop: Shop, buyer: User) -> None:
    response = client.post(reverse("payments:start"), {"kind": KIND, "ref": "1"})

    assert response.status_code == 303
    login, _, query = response["Location"].partition("?")
    assert login == "/accounts/login/" and not Order.objects.exists()
    after = parse_qs(query)["next"][0]
    client.force_login(buyer)
    page = client.get(after)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Continue to checkout" in page.content.decode() and not Order.objects.exists()

    confirmed = client.post(reverse("payments:start"), {"kind": KIND, "ref": "1", "quantity": "1"})

    order = Order.objects.get(buyer=buyer)
    assert confirmed.status_code == 303
    assert confirmed["Location"] == reverse("payments:checkout", args=[order.reference])


def test_the_confirm_page_refuses_what_is_not_for_sale(signed_in: Client, shop: Shop) -> None:
    for query in ({}, {"kind": KIND, "ref": "999"}, {"kind": "nothing", "ref": "1"}):
        response = signed_in.get(reverse("payments:start"), query)
        assert response.status_code in (400, 409)
        assert "could not be started" in response.content.decode()
    assert not Order.objects.exists()


def test_a_forged_or_unknown_reference_is_404(signed_in: Client, start: Start) -> None:
    start("1")
    for reference in ("0" * 20, "A" * 20):
        assert signed_in.get(f"/checkout/{reference}/").status_code == 404
    assert signed_in.get("/checkout/1%20OR%201=1/").status_code == 404


def test_staff_with_the_permission_see_any_order_and_it_is_audited(
    client: Client, start: Start, desk: User, buyer: User
) -> None:
    order = start("1")
    client.force_login(desk)

    assert client.get(reverse("payments:receipt", args=[order.reference])).status_code == 200
    assert AuditEvent.objects.filter(action="read", actor_id=desk.pk, patient_id=buyer.pk).exists()


def test_start_posts_303_to_the_checkout(signed_in: Client, shop: Shop) -> None:
    response = signed_in.post(reverse("payments:start"), {"kind": KIND, "ref": "1"})

    order = Order.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("payments:checkout", args=[order.reference])


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"kind": KIND, "ref": "9"}, 409, "That is not for sale (any more)."),
        (
            {"kind": "no-such-kind", "ref": "1"},
            400,
            "That is not something that can be bought here.",
        ),
        ({"kind": KIND, "ref": "1", "quantity": "7"}, 400, "Choose from 1 to 3."),
        ({"kind": KIND, "ref": "1", "quantity": "-1"}, 400, "At least 1."),
        ({"kind": KIND, "ref": "1", "quantity": "two"}, 400, "Give a whole number."),
        ({"kind": KIND, "ref": "1", "unit_price": "0.01"}, 303, ""),  # a price posted is ignored
        ({}, 400, "Choose what to buy."),
    ],
)
def test_forged_start_posts_are_refused_with_a_message(
    signed_in: Client, shop: Shop, data: dict[str, str], status: int, message: str
) -> None:
    response = signed_in.post(reverse("payments:start"), data)

    assert response.status_code == status
    assert message in response.content.decode()
    if status == 303:
        assert Order.objects.get().total == Decimal("49.00")
    else:
        assert not Order.objects.exists() and "no-store" in response["Cache-Control"]


def test_a_bad_coupon_is_shown_at_its_field_and_changes_nothing(
    signed_in: Client, start: Start, coupon: Callable[..., Coupon]
) -> None:
    coupon("OLD", percent_off=Decimal("10"), active=False)
    order = start("1")

    response = signed_in.post(reverse("payments:coupon", args=[order.reference]), {"code": "OLD"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_code_error"' in html or "That code is not valid." in html
    assert html.index("That code is not valid.") > html.index('id="coupon-heading"')
    order.refresh_from_db()
    assert order.coupon is None and order.total == Decimal("49.00")


def test_a_good_coupon_redirects_with_the_new_total(
    signed_in: Client, start: Start, coupon: Callable[..., Coupon]
) -> None:
    coupon("TEN", amount_off=Decimal("10"), currency="USD")
    order = start("1")

    response = signed_in.post(reverse("payments:coupon", args=[order.reference]), {"code": "ten"})

    assert response.status_code == 303
    page = signed_in.get(response["Location"]).content.decode()
    assert "-$10.00" in page and "$39.00" in page


@pytest.mark.parametrize("method", ["", "free", "card", "stolen"])
def test_a_forged_payment_method_is_refused(
    signed_in: Client, start: Start, shop: Shop, method: str, settings: Any
) -> None:
    settings.MEND_STRIPE_SECRET_KEY = ""
    order = start("1")

    response = signed_in.post(reverse("payments:pay", args=[order.reference]), {"method": method})

    assert response.status_code == 400
    assert "Choose" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.OPEN and not shop.granted


def test_pay_at_the_clinic_from_the_page(signed_in: Client, start: Start, settings: Any) -> None:
    settings.MEND_STRIPE_SECRET_KEY = ""
    order = start("1")

    response = signed_in.post(reverse("payments:pay", args=[order.reference]), {"method": "clinic"})

    assert response.status_code == 303 and response["Location"] == reverse(
        "payments:receipt", args=[order.reference]
    )
    receipt = signed_in.get(response["Location"]).content.decode()
    assert "give the order number" in receipt and order.reference in receipt


def test_a_free_order_goes_straight_to_what_was_bought(
    signed_in: Client, start: Start, shop: Shop
) -> None:
    order = start("3")

    response = signed_in.post(reverse("payments:pay", args=[order.reference]), {"method": "free"})

    assert response.status_code == 303 and response["Location"] == "/packs/3/"
    assert len(shop.granted) == 1
    assert signed_in.get(reverse("payments:checkout", args=[order.reference])).status_code == 302


def test_my_orders_lists_only_mine(signed_in: Client, start: Start, make_user: Any) -> None:
    mine = start("1")
    theirs = start("2", by=make_user("other@mail.example"))

    page = signed_in.get(reverse("payments:orders"))

    assert "no-store" in page["Cache-Control"]
    assert mine.reference in page.content.decode() and theirs.reference not in page.content.decode()


def test_state_changes_refuse_get(signed_in: Client, start: Start) -> None:
    order = start("1")
    assert signed_in.get(reverse("payments:coupon", args=[order.reference])).status_code == 405
    assert signed_in.get(reverse("payments:pay", args=[order.reference])).status_code == 405
    assert signed_in.get(reverse("payments:stripe_webhook")).status_code == 405
