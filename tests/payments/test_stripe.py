"""Card payment through Stripe Checkout, end to end against localstripe and the Checkout
endpoint it lacks (boundary.py): the order is fulfilled only from the signed webhook, each
event once, whatever order the events come in; refunds revoke or not, per the setting."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mend.accounts.models import User
from mend.payments import services
from mend.payments.models import Coupon, Order, ProviderEvent

from . import boundary
from .conftest import NOW, Shop, pay

pytestmark = pytest.mark.django_db
Status = Order.Status
Start = Callable[..., Order]


def deliver(client: Client, body: bytes, signature: str | None) -> Any:
    extra = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(reverse("payments:stripe_webhook"), data=body,
                       content_type="application/json", **extra)  # fmt: skip


@pytest.fixture
def at_stripe(stripe_checkout: boundary.Checkout, start: Start) -> Callable[..., Order]:
    """An order sent to Stripe Checkout (the buyer is on Stripe's payment page)."""

    def send(ref: str = "1", **kwargs: Any) -> Order:
        order = start(ref, **kwargs)
        pay(order, "card")
        order.refresh_from_db()
        return order

    return send


def test_card_payment_end_to_end(
    client: Client, buyer: User, shop: Shop, stripe_checkout: boundary.Checkout,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    client.force_login(buyer)
    started = client.post(
        reverse("payments:start"), {"kind": "test-pack", "ref": "1", "quantity": "2"}
    )
    order = Order.objects.get()
    assert started.status_code == 303 and started["Location"] == f"/checkout/{order.reference}/"
    page = client.get(started["Location"])
    assert b"Pay by card" in page.content and b"$98.00" in page.content

    sent = client.post(reverse("payments:pay", args=[order.reference]), {"method": "card"})

    session = stripe_checkout.only_session()
    assert sent.status_code == 303 and sent["Location"] == session["url"]
    params = stripe_checkout.created_with[session["id"]]
    assert (session["amount_total"], session["currency"]) == (9800, "usd")
    assert params["client_reference_id"] == order.reference
    assert params["success_url"] == f"http://testserver/checkout/{order.reference}/done/"
    assert params["payment_intent_data"]["metadata"]["mend_order"] == order.reference
    order.refresh_from_db()
    assert (order.status, order.method, order.provider_reference) == (
        Status.AWAITING_PAYMENT, "card", session["id"],
    )  # fmt: skip

    # Back from Stripe before the webhook: nothing is granted, the page waits.
    waiting = client.get(reverse("payments:done", args=[order.reference]))
    assert b"We are confirming your payment" in waiting.content and not shop.granted

    body, signature = stripe_checkout.complete(session["id"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = deliver(client, body, signature)

    assert (answer.status_code, answer.content) == (200, b"paid")
    order.refresh_from_db()
    assert (order.status, order.paid_at is not None) == (Status.PAID, True)
    assert order.provider_payment == session["payment_intent"]
    assert shop.granted == [(buyer.pk, "1")]
    assert len(mail.outbox) == 1 and "Total: $98.00" in mail.outbox[0].body
    done = client.get(reverse("payments:done", args=[order.reference]))
    assert b"your payment is confirmed" in done.content and b'href="/packs/1/"' in done.content
    intent = stripe_checkout.client().v1.payment_intents.retrieve(order.provider_payment)
    assert (intent.amount, intent.currency, intent.status) == (9800, "usd", "succeeded")


def test_yen_with_a_coupon_charges_the_exact_total(
    at_stripe: Callable[..., Order], coupon: Callable[..., Coupon], start: Start,
    stripe_checkout: boundary.Checkout, client: Client, shop: Shop,
) -> None:  # fmt: skip
    coupon("SAVE15", percent_off=Decimal("15"))
    order = services.apply_coupon(start("2"), code="SAVE15", now=NOW)
    pay(order, "card")

    session = stripe_checkout.only_session()
    assert (session["amount_total"], session["currency"]) == (4165, "jpy")  # ¥4,900 less 15 %
    assert deliver(client, *stripe_checkout.complete(session["id"])).content == b"paid"
    order.refresh_from_db()
    intent = stripe_checkout.client().v1.payment_intents.retrieve(order.provider_payment)
    assert (intent.amount, intent.currency) == (4165, "jpy")
    assert Coupon.objects.get().uses == 1 and len(shop.granted) == 1


def _forged(body: bytes, signature: str) -> list[tuple[bytes, str | None]]:
    timestamp = signature.split(",")[0].removeprefix("t=")
    tampered = body.replace(b'"paid"', b'"unpaid"', 1).replace(
        b'amount_total": ', b'amount_total": 1', 1
    )
    _, other_secret = boundary.signed(json.loads(body), secret="whsec_someone_else")
    _, stale = boundary.signed(json.loads(body), at=int(time.time()) - 3600)
    return [
        (body, None),  # unsigned
        (body, ""),
        (body, "t=1,v1=00"),
        (body, other_secret),  # signed with another secret
        (tampered, signature),  # the body changed after signing
        (body, f"t={int(timestamp) + 1},{signature.split(',')[1]}"),  # another time
        (body, stale),  # an hour old: a replay
        (b"not json", signature),
    ]


def test_a_bad_signature_gets_400_and_changes_nothing(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, shop: Shop
) -> None:
    order = at_stripe()
    body, signature = stripe_checkout.complete(order.provider_reference)

    for forged_body, forged_signature in _forged(body, signature):
        answer = deliver(client, forged_body, forged_signature)
        assert answer.status_code == 400, forged_signature

    order.refresh_from_db()
    assert order.status == Status.AWAITING_PAYMENT and not shop.granted
    assert not ProviderEvent.objects.exists()
    assert deliver(client, body, signature).content == b"paid"  # the real one still works


def test_without_a_webhook_secret_every_delivery_is_refused(client: Client, settings: Any) -> None:
    settings.MEND_STRIPE_WEBHOOK_SECRET = ""
    body, signature = boundary.signed(boundary.event("checkout.session.completed", {"id": "cs_x"}),
                                      secret="")  # fmt: skip
    assert deliver(client, body, signature).status_code == 400
    assert not ProviderEvent.objects.exists()


def test_a_duplicate_and_a_replay_are_applied_once(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, shop: Shop,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    order = at_stripe()
    body, signature = stripe_checkout.complete(order.provider_reference)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, body, signature).content for _ in range(3)]
    # The same payment again under a new event id (Stripe resends with the same id; a second
    # event for one session must not grant twice either).
    again = json.loads(body)
    again["id"] = "evt_another_delivery"
    answers.append(deliver(client, *boundary.signed(again)).content)

    assert answers == [b"paid", b"duplicate: already applied", b"duplicate: already applied",
                       b"already settled"]  # fmt: skip
    assert len(shop.granted) == 1 and len(mail.outbox) == 1
    assert ProviderEvent.objects.count() == 2
    assert ProviderEvent.objects.get(event_id=json.loads(body)["id"]).outcome == "paid"


@pytest.mark.parametrize(("revokes", "revoked"), [(True, 1), (False, 0)])
def test_a_refund_revokes_access_or_not_per_the_setting(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client,
    shop: Shop, buyer: User, settings: Any, revokes: bool, revoked: int,
) -> None:  # fmt: skip
    settings.MEND_REFUND_REVOKES = revokes
    order = at_stripe()
    deliver(client, *stripe_checkout.complete(order.provider_reference))
    order.refresh_from_db()

    body, signature = stripe_checkout.refund(order.provider_payment)
    answer = deliver(client, body, signature)

    order.refresh_from_db()
    expected = "refunded: access revoked" if revokes else "refunded: access kept"
    assert answer.content.decode() == expected
    assert order.status == Status.REFUNDED and order.refunded_at is not None
    assert shop.revoked == [(buyer.pk, "1")] * revoked
    assert shop.has(buyer, "1") is not revokes
    assert deliver(client, body, signature).content == b"duplicate: already applied"
    assert len(shop.revoked) == revoked


def test_a_partial_refund_leaves_the_order_paid(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, shop: Shop
) -> None:
    order = at_stripe()
    deliver(client, *stripe_checkout.complete(order.provider_reference))
    order.refresh_from_db()

    answer = deliver(client, *stripe_checkout.refund(order.provider_payment, amount=1000))

    order.refresh_from_db()
    assert answer.content == b"partial refund: order left as paid"
    assert order.status == Status.PAID and not shop.revoked


def test_a_refund_before_the_completion_is_kept_and_nothing_is_granted(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, shop: Shop
) -> None:
    order = at_stripe()
    completion = stripe_checkout.complete(order.provider_reference)
    session = stripe_checkout.sessions[order.provider_reference]

    # The refund's event arrives first: Mend finds the order from the PaymentIntent, which it
    # has not been told of yet, by asking localstripe for the intent's metadata.
    first = deliver(client, *stripe_checkout.refund(session["payment_intent"]))
    order.refresh_from_db()
    assert first.content == b"refund before payment: kept, nothing will be granted"
    assert order.status == Status.AWAITING_PAYMENT and order.refund_pending

    second = deliver(client, *completion)

    order.refresh_from_db()
    assert second.content == b"refunded before completion: not granted"
    assert order.status == Status.REFUNDED and not shop.granted and not mail.outbox


def test_an_expired_session_cancels_the_order_and_gives_the_coupon_use_back(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client,
    coupon: Callable[..., Coupon], start: Start, shop: Shop,
) -> None:  # fmt: skip
    limited = coupon("ONCE", percent_off=Decimal("10"), max_uses=1)
    order = services.apply_coupon(start("1"), code="ONCE", now=NOW)
    pay(order, "card")
    order.refresh_from_db()
    limited.refresh_from_db()
    assert limited.uses == 1

    answer = deliver(client, *stripe_checkout.expire(order.provider_reference))

    order.refresh_from_db()
    limited.refresh_from_db()
    assert answer.content == b"cancelled"
    assert (order.status, limited.uses) == (Status.CANCELLED, 0)
    # A completion for it now (which Stripe would not send) grants nothing.
    late = stripe_checkout.complete(order.provider_reference)
    assert deliver(client, *late).content == b"refused: the order was cancelled; refund by hand"
    assert not shop.granted


def test_the_amount_and_currency_must_be_the_orders(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client,
    shop: Shop, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    order = at_stripe()
    body, _ = stripe_checkout.complete(order.provider_reference)
    cheaper = json.loads(body)
    cheaper["data"]["object"]["amount_total"] = 100
    other_currency = json.loads(body)
    other_currency["id"] += "_eur"
    other_currency["data"]["object"]["currency"] = "eur"

    answers = [
        deliver(client, *boundary.signed(e)).content.decode() for e in (cheaper, other_currency)
    ]

    assert answers == [
        "refused: amount 100 usd is not the order's 4900 usd",
        "refused: amount 4900 eur is not the order's 4900 usd",
    ]
    order.refresh_from_db()
    assert order.status == Status.AWAITING_PAYMENT and not shop.granted
    assert "refused: amount 100 usd" in caplog.text


def test_events_for_unknown_sessions_and_other_types_are_recorded_and_ignored(
    stripe_checkout: boundary.Checkout, client: Client, shop: Shop
) -> None:
    unknown = boundary.event(
        "checkout.session.completed", {"id": "cs_test_nobody", "payment_status": "paid"}
    )
    other = boundary.event("customer.created", {"id": "cus_1"})

    answers = [deliver(client, *boundary.signed(e)).content for e in (unknown, other)]

    assert answers == [b"refused: no order for this Checkout Session", b"ignored"]
    assert ProviderEvent.objects.count() == 2 and not shop.granted


def test_an_unpaid_completion_waits_for_the_async_payment(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, shop: Shop
) -> None:
    order = at_stripe()
    body, _ = stripe_checkout.complete(order.provider_reference)
    pending = json.loads(body)
    pending["data"]["object"]["payment_status"] = "unpaid"
    succeeded = json.loads(body)
    succeeded["id"] += "_async"
    succeeded["type"] = "checkout.session.async_payment_succeeded"

    assert deliver(client, *boundary.signed(pending)).content == b"waiting: payment not yet taken"
    assert not shop.granted
    assert deliver(client, *boundary.signed(succeeded)).content == b"paid"
    assert len(shop.granted) == 1


def test_coming_back_unpaid_resumes_the_same_session(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, buyer: User
) -> None:
    order = at_stripe()
    client.force_login(buyer)

    page = client.get(reverse("payments:checkout", args=[order.reference]))
    again = client.post(reverse("payments:pay", args=[order.reference]), {"method": "card"})

    assert b"Continue to card payment" in page.content
    assert again.status_code == 303 and again["Location"] == stripe_checkout.only_session()["url"]
    assert len(stripe_checkout.sessions) == 1


def test_an_expired_session_is_replaced_when_the_buyer_tries_again(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout
) -> None:
    order = at_stripe()
    stripe_checkout.sessions[order.provider_reference]["status"] = "expired"  # not yet told

    where = pay(order, "card")

    order.refresh_from_db()
    assert len(stripe_checkout.sessions) == 2
    assert where == stripe_checkout.sessions[order.provider_reference]["url"]


def test_stripe_unreachable_leaves_the_order_open(
    start: Start, coupon: Callable[..., Coupon], settings: Any, shop: Shop
) -> None:
    settings.MEND_STRIPE_SECRET_KEY = boundary.SECRET_KEY
    settings.MEND_STRIPE_API_BASE = f"http://127.0.0.1:{boundary.free_port()}"  # nothing there
    coupon("ONCE", percent_off=Decimal("10"), max_uses=1)
    order = services.apply_coupon(start("1"), code="ONCE", now=NOW)

    with pytest.raises(services.PaymentError, match="could not be started"):
        pay(order, "card")

    order.refresh_from_db()
    assert (order.status, order.method) == (Status.OPEN, "")
    assert Coupon.objects.get().uses == 0


def test_a_refund_created_event_works_like_charge_refunded(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, shop: Shop
) -> None:
    order = at_stripe()
    deliver(client, *stripe_checkout.complete(order.provider_reference))
    order.refresh_from_db()
    refund = stripe_checkout.client().v1.refunds.create({"payment_intent": order.provider_payment})

    answer = deliver(client, *boundary.signed(boundary.event("refund.created", refund.to_dict())))

    order.refresh_from_db()
    assert answer.content == b"refunded: access revoked"
    assert order.status == Status.REFUNDED and len(shop.revoked) == 1


def test_a_refund_for_a_cancelled_order_changes_nothing(
    at_stripe: Callable[..., Order], stripe_checkout: boundary.Checkout, client: Client, shop: Shop
) -> None:
    order = at_stripe()
    completion = stripe_checkout.complete(order.provider_reference)  # paid at Stripe, not told
    deliver(client, *stripe_checkout.expire(order.provider_reference))
    intent = stripe_checkout.sessions[order.provider_reference]["payment_intent"]

    answer = deliver(client, *stripe_checkout.refund(intent))

    order.refresh_from_db()
    assert answer.content == b"ignored: the order is cancelled"
    assert order.status == Status.CANCELLED and not shop.granted and not shop.revoked
    assert deliver(client, *completion).content.startswith(b"refused: the order was cancelled")
