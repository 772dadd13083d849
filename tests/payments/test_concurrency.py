"""Racing webhook deliveries on PostgreSQL: first that the race is real, then that the guards
hold. Stripe may deliver one event twice at the same moment (a retry crossing the first
delivery); the buyer must be granted what they bought once.

The guards: each event is kept in ProviderEvent under its unique id, inserted in the same
transaction as its effect (a second insert waits for the first transaction, then fails); and
the order moves to PAID by compare-and-set, so two different events for one payment grant
once too. Threads reach the dangerous moment together (a barrier), each on its own
connection. On SQLite these tests are skipped: a transaction there takes the write lock when
it begins, so deliveries queue one behind the other.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from mend.accounts.models import User
from mend.payments import products, services
from mend.payments.models import Order, ProviderEvent

from . import boundary
from .conftest import KIND, NOW, Shop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
THREADS = 8


@pytest.fixture(autouse=True)
def postgresql_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only: its row locks and unique index are what is raced here; SQLite "
            "lets one writer in at a time. Run with DATABASE_URL=postgres://…"
        )


@pytest.fixture(autouse=True)
def webhook_secret(settings: Any) -> None:
    settings.MEND_STRIPE_WEBHOOK_SECRET = boundary.WEBHOOK_SECRET


@pytest.fixture
def awaiting(shop: Shop, buyer: User) -> Order:
    """An order at Stripe Checkout, its session open."""
    order = Order.objects.create(
        buyer=buyer, email=buyer.email, currency="USD", subtotal=Decimal("49.00"),
        total=Decimal("49.00"), status=Order.Status.AWAITING_PAYMENT, method="card",
        provider_reference="cs_test_race", created_at=NOW,
    )  # fmt: skip
    order.lines.create(kind=KIND, ref="1", description="Five visits", unit_price=Decimal("49.00"),
                       amount=Decimal("49.00"))  # fmt: skip
    return order


def completed(order: Order, event_id: str = "evt_race") -> dict[str, Any]:
    session = {
        "id": order.provider_reference, "object": "checkout.session", "status": "complete",
        "payment_status": "paid", "amount_total": 4900, "currency": "usd",
        "client_reference_id": order.reference, "payment_intent": "pi_race",
    }  # fmt: skip
    return boundary.event("checkout.session.completed", session, event_id=event_id)


def race(count: int, attempt: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run attempt(index, barrier) in count threads; each result or the exception it raised."""
    barrier = threading.Barrier(count, timeout=60)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            results[index] = attempt(index, barrier)
        except Exception as error:  # the outcome under test, whatever it is
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def naive_delivery(payload: bytes) -> Callable[[int, threading.Barrier], str]:
    """Look, then write, with no unique event row and no compare-and-set: the mistake the
    guards exist for."""

    def attempt(index: int, barrier: threading.Barrier) -> str:
        event = json.loads(payload)
        with transaction.atomic():
            seen = ProviderEvent.objects.filter(event_id=event["id"]).exists()
            order = Order.objects.get(provider_reference=event["data"]["object"]["id"])
            barrier.wait()  # every delivery has looked; now each acts on what it saw
            if seen or order.status == Order.Status.PAID:
                return "duplicate"
            for line in order.lines.all():
                products.kind(line.kind).fulfil(line, NOW)
            order.status = Order.Status.PAID
            order.save(update_fields=["status"])
            return "paid"

    return attempt


def test_without_the_guards_one_event_grants_many_times(awaiting: Order, shop: Shop) -> None:
    payload, _ = boundary.signed(completed(awaiting))

    results = race(THREADS, naive_delivery(payload))

    assert results.count("paid") > 1, results
    assert len(shop.granted) == results.count("paid") > 1


def delivery(payload: bytes, signature: str) -> Callable[[int, threading.Barrier], str]:
    def attempt(index: int, barrier: threading.Barrier) -> str:
        barrier.wait()
        return services.handle_stripe_webhook(payload, signature, now=timezone.now())

    return attempt


def test_one_event_delivered_at_once_grants_once(awaiting: Order, shop: Shop) -> None:
    payload, signature = boundary.signed(completed(awaiting))

    results = race(THREADS, delivery(payload, signature))

    assert sorted(results) == ["duplicate: already applied"] * (THREADS - 1) + ["paid"], results
    assert shop.granted == [(awaiting.buyer_id, "1")]
    assert ProviderEvent.objects.get().outcome == "paid"
    awaiting.refresh_from_db()
    assert awaiting.status == Order.Status.PAID


def test_different_events_for_one_payment_at_once_grant_once(awaiting: Order, shop: Shop) -> None:
    """The unique id does not help here (each event is new): the compare-and-set does."""
    deliveries = [boundary.signed(completed(awaiting, f"evt_race_{i}")) for i in range(THREADS)]

    results = race(THREADS, lambda i, barrier: delivery(*deliveries[i])(i, barrier))

    assert sorted(results) == ["already settled"] * (THREADS - 1) + ["paid"], results
    assert len(shop.granted) == 1
    assert ProviderEvent.objects.count() == THREADS


def test_mark_paid_racing_itself_grants_once(awaiting: Order, shop: Shop, desk: User) -> None:
    Order.objects.filter(pk=awaiting.pk).update(method="clinic", provider_reference="")

    def attempt(index: int, barrier: threading.Barrier) -> Order:
        barrier.wait()
        return services.mark_paid(awaiting, by=desk, now=NOW)

    results = race(4, attempt)

    assert sum(isinstance(result, Order) for result in results) == 1, results
    assert {r.message for r in results if isinstance(r, services.PaymentError)} == {
        "This order is already paid."
    }
    assert len(shop.granted) == 1


def test_the_last_coupon_use_goes_to_one_buyer(shop: Shop, make_user: Callable[..., User]) -> None:
    from mend.payments.models import Coupon

    Coupon.objects.create(code="LAST", percent_off=Decimal("100"), max_uses=1)
    buyers = [make_user(f"racer{i}@mail.example") for i in range(THREADS)]
    started = [services.start_order(buyer=b, kind=KIND, ref="1", now=NOW) for b in buyers]
    orders = [services.apply_coupon(order, code="LAST", now=NOW) for order in started]

    def attempt(index: int, barrier: threading.Barrier) -> str:
        barrier.wait()
        return services.pay(orders[index], method="coupon", success_url="", cancel_url="", now=NOW)

    results = race(THREADS, attempt)

    paid = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, services.PaymentError)]
    assert len(paid) == 1 and len(refused) == THREADS - 1, results
    assert {error.message for error in refused} == {"That code has been used up."}
    assert Coupon.objects.get().uses == 1 and len(shop.granted) == 1
