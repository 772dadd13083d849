"""Checkout without a provider: starting orders (forged refs and quantities refused), coupon
rules, free, coupon and pay-at-the-clinic orders, marking paid, and the receipt sent once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import override_settings

from mend.accounts.models import User
from mend.core.models import AuditEvent
from mend.payments import products, services, tasks
from mend.payments.models import Coupon, Order

from .conftest import KIND, NOW, Shop, pay

pytestmark = pytest.mark.django_db
Status = Order.Status
Start = Callable[..., Order]
MakeCoupon = Callable[..., Coupon]


def refused(call: Callable[[], Any]) -> services.PaymentError:
    with pytest.raises(services.PaymentError) as caught:
        call()
    return caught.value


# Starting an order


def test_start_order_prices_from_the_product_and_keeps_the_line(start: Start, buyer: User) -> None:
    order = start("1", quantity=2)

    line = order.lines.get()
    assert (order.buyer, order.email, order.currency, order.status) == (buyer, buyer.email, "USD",
                                                                        Status.OPEN)  # fmt: skip
    assert (line.kind, line.ref, line.description, line.quantity) == (KIND, "1", "Five visits", 2)
    assert (line.unit_price, line.amount, order.total) == (Decimal("49"), Decimal("98"),
                                                           Decimal("98"))  # fmt: skip
    assert len(order.reference) == 20 and order.reference != start("2").reference


@pytest.mark.parametrize(
    ("kind", "ref", "field"),
    [
        ("nothing", "1", "kind"),  # an unknown kind
        (KIND, "9", "ref"),  # unknown or unpublished
        (KIND, "", "ref"),
        (KIND, "1" * 65, "ref"),
        (KIND, "1' OR 1=1", "ref"),
    ],
)
def test_forged_products_are_refused_and_nothing_is_stored(
    shop: Shop, buyer: User, kind: str, ref: str, field: str
) -> None:
    error = refused(lambda: services.start_order(buyer=buyer, kind=kind, ref=ref, now=NOW))

    assert error.field == field and error.message
    assert not Order.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, 4, 10**9, True, "2", 1.5])
def test_quantities_outside_the_products_range_are_refused(start: Start, quantity: Any) -> None:
    error = refused(lambda: start("1", quantity=quantity))

    assert (error.field, error.message) == ("quantity", "Choose from 1 to 3.")
    assert not Order.objects.exists()


def test_a_product_sold_one_at_a_time(start: Start) -> None:
    assert refused(lambda: start("2", quantity=2)).message == "Only one can be bought."


def test_what_the_buyer_already_has_is_refused(start: Start, shop: Shop, buyer: User) -> None:
    shop.granted.append((buyer.pk, "1"))

    error = refused(lambda: start("1"))

    assert error.message == "You already have this."
    assert not Order.objects.exists()


def test_the_open_order_for_the_same_product_is_reused(start: Start, make_user: Any) -> None:
    first = start("1")
    again = start("1", quantity=3)
    other_product = start("2")
    other_buyer = start("1", by=make_user("someone@mail.example"))

    assert again.pk == first.pk
    assert again.lines.get().quantity == 3 and again.total == Decimal("147.00")
    assert len({first.pk, other_product.pk, other_buyer.pk}) == 3
    assert Order.objects.count() == 3


def test_an_order_awaiting_payment_is_returned_not_duplicated(start: Start) -> None:
    order = start("1")
    pay(order, "clinic")

    assert start("1").pk == order.pk
    assert Order.objects.count() == 1


# Coupons


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"active": False}, "That code is not valid."),
        ({"valid_from": NOW + dt.timedelta(seconds=1)}, "That code is not valid yet."),
        ({"valid_until": NOW}, "That code has expired."),
        ({"max_uses": 2, "uses": 2}, "That code has been used up."),
    ],
)
def test_coupon_rules(
    start: Start, coupon: MakeCoupon, fields: dict[str, Any], message: str
) -> None:
    coupon("SPRING", percent_off=Decimal("20"), **fields)
    order = start("1")

    error = refused(lambda: services.apply_coupon(order, code="SPRING", now=NOW))

    assert (error.field, error.message) == ("code", message)
    order.refresh_from_db()
    assert (order.coupon, order.discount, order.total) == (None, 0, Decimal("49.00"))


def test_coupon_dates_bound_it_on_both_sides(start: Start, coupon: MakeCoupon) -> None:
    coupon(
        "WEEK", percent_off=Decimal("10"), valid_from=NOW, valid_until=NOW + dt.timedelta(days=7)
    )
    order = start("1")

    assert services.apply_coupon(order, code="week", now=NOW).discount == Decimal("4.90")
    later = NOW + dt.timedelta(days=7) - dt.timedelta(microseconds=1)
    assert services.apply_coupon(order, code=" WEEK ", now=later).discount == Decimal("4.90")


def test_unknown_empty_and_overlong_codes(start: Start) -> None:
    order = start("1")
    assert refused(lambda: services.apply_coupon(order, code="NOPE", now=NOW)).message == (
        "That code is not valid."
    )
    assert (
        refused(lambda: services.apply_coupon(order, code="  ", now=NOW)).message == "Enter a code."
    )
    assert refused(lambda: services.apply_coupon(order, code="X" * 41, now=NOW)).field == "code"


def test_a_fixed_amount_only_in_its_currency(start: Start, coupon: MakeCoupon) -> None:
    coupon("FIVE", amount_off=Decimal("5.00"), currency="USD")
    order = start("2")  # in yen

    error = refused(lambda: services.apply_coupon(order, code="FIVE", now=NOW))

    assert error.message == "That code cannot be used for payments in JPY."


def test_codes_are_unique_whatever_the_case(coupon: MakeCoupon) -> None:
    from django.core.exceptions import ValidationError

    coupon("SPRING", percent_off=Decimal("20"))
    with pytest.raises(ValidationError, match="already exists"):
        coupon("spring", percent_off=Decimal("10"))


@pytest.mark.parametrize(
    "fields",
    [
        {"percent_off": Decimal("10"), "amount_off": Decimal("5"), "currency": "USD"},
        {},
        {"amount_off": Decimal("5")},  # no currency
        {"percent_off": Decimal("101")},
        {"amount_off": Decimal("5.5"), "currency": "JPY"},  # yen have no cents
        {"amount_off": Decimal("5"), "currency": "XYZ"},
    ],
)
def test_a_coupon_is_a_percentage_or_an_amount_in_a_currency(
    coupon: MakeCoupon, fields: dict[str, Any]
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        coupon("BAD", **fields)
    assert not Coupon.objects.exists()


def test_a_coupon_use_is_counted_when_paid_and_the_last_one_goes_once(
    start: Start, coupon: MakeCoupon, make_user: Any
) -> None:
    last = coupon("LAST", percent_off=Decimal("100"), max_uses=1)
    mine = services.apply_coupon(start("1"), code="LAST", now=NOW)
    theirs = services.apply_coupon(start("1", by=make_user("b@mail.example")), code="LAST", now=NOW)

    pay(mine, "coupon")
    error = refused(lambda: pay(theirs, "coupon"))

    last.refresh_from_db()
    assert last.uses == 1
    assert (error.field, error.message) == ("code", "That code has been used up.")
    theirs.refresh_from_db()
    assert theirs.status == Status.OPEN


# Paying without a provider


def test_a_free_product_is_paid_and_granted_at_once(start: Start, shop: Shop, buyer: User) -> None:
    order = start("3")

    assert services.available_methods(order) == ["free"]
    assert pay(order, "free") == "/packs/3/"
    order.refresh_from_db()
    assert (order.status, order.method, order.paid_at) == (Status.PAID, "free", NOW)
    assert shop.granted == [(buyer.pk, "3")]
    assert order.lines.get().fulfilled_at == NOW


def test_a_100_percent_coupon_pays_with_method_coupon(
    start: Start, coupon: MakeCoupon, shop: Shop
) -> None:
    coupon("ALL", percent_off=Decimal("100"))
    order = services.apply_coupon(start("2"), code="ALL", now=NOW)

    assert services.available_methods(order) == ["coupon"]
    pay(order, "coupon")

    order.refresh_from_db()
    assert (order.status, order.method, order.total) == (Status.PAID, "coupon", 0)
    assert len(shop.granted) == 1


def test_a_priced_order_cannot_be_had_free(start: Start, shop: Shop, settings: Any) -> None:
    settings.MEND_STRIPE_SECRET_KEY = ""
    order = start("1")

    for method in ("free", "coupon", "card", "cash"):
        assert refused(lambda method=method: pay(order, method)).field == "method"
    order.refresh_from_db()
    assert order.status == Status.OPEN and not shop.granted


def test_without_a_stripe_key_card_is_not_offered(start: Start, settings: Any) -> None:
    settings.MEND_STRIPE_SECRET_KEY = ""
    assert services.available_methods(start("1")) == ["clinic"]
    settings.MEND_STRIPE_SECRET_KEY = "sk_test_x"
    assert services.available_methods(start("1")) == ["card", "clinic"]
    assert services.available_methods(start("2")) == ["card"]  # not payable at the clinic


def test_a_repriced_product_stops_the_payment_and_shows_the_new_total(
    start: Start, shop: Shop
) -> None:
    order = start("1")
    shop.reprice("1", "59.00")

    error = refused(lambda: pay(order, "clinic"))

    order.refresh_from_db()
    assert error.message == "The price has changed since you started: check the new total."
    assert (order.status, order.total) == (Status.OPEN, Decimal("59.00"))


def test_a_product_withdrawn_before_paying(start: Start, shop: Shop) -> None:
    order = start("3")
    del shop.catalogue["3"]

    assert "not for sale" in refused(lambda: pay(order, "free")).message
    assert not shop.granted


def test_paying_twice_grants_once(start: Start, shop: Shop) -> None:
    order = start("3")
    pay(order, "free")

    assert (
        refused(lambda: pay(order, "free")).message == "This order has already been paid or closed."
    )
    assert len(shop.granted) == 1


# At the clinic


def test_pay_at_the_clinic_waits_for_staff(
    start: Start, shop: Shop, desk: User, buyer: User
) -> None:
    order = start("1")

    where = pay(order, "clinic")

    order.refresh_from_db()
    assert where == f"/me/orders/{order.reference}/"
    assert (order.status, order.method) == (Status.AWAITING_PAYMENT, "clinic")
    assert not shop.granted

    later = NOW + dt.timedelta(days=2)
    services.mark_paid(order, by=desk, now=later)

    order.refresh_from_db()
    assert (order.status, order.paid_at, order.marked_paid_by) == (Status.PAID, later, desk)
    assert shop.granted == [(buyer.pk, "1")]
    event = AuditEvent.objects.get(detail="marked paid at the clinic")
    assert (event.actor_id, event.patient_id, event.object_id) == (desk.pk, buyer.pk, str(order.pk))

    assert refused(lambda: services.mark_paid(order, by=desk, now=later)).message == (
        "This order is already paid."
    )
    assert len(shop.granted) == 1


def test_only_clinic_orders_and_only_payment_staff(
    start: Start, desk: User, buyer: User, clinician: User
) -> None:
    order = start("1")
    assert (
        "Only orders to be paid at the clinic"
        in refused(lambda: services.mark_paid(order, by=desk, now=NOW)).message
    )
    pay(order, "clinic")
    for who in (buyer, clinician):
        assert (
            "Only staff"
            in refused(lambda who=who: services.mark_paid(order, by=who, now=NOW)).message
        )
    order.refresh_from_db()
    assert order.status == Status.AWAITING_PAYMENT


def test_a_product_not_payable_at_the_clinic(start: Start) -> None:
    assert refused(lambda: pay(start("2"), "clinic")).field == "method"


def test_fulfilment_failing_rolls_the_payment_back(start: Start, shop: Shop) -> None:
    def broken(line: Any, now: dt.datetime) -> None:
        raise RuntimeError("the course is gone")

    kind = products.kind(KIND)
    products.register(products.Kind(KIND, kind.find, broken, kind.revoke, kind.next_url))
    order = start("3")

    with pytest.raises(RuntimeError):
        pay(order, "free")

    order.refresh_from_db()
    assert order.status == Status.OPEN and order.paid_at is None


# The receipt


def test_the_receipt_is_emailed_once_on_paid(
    start: Start, desk: User, django_capture_on_commit_callbacks: Any
) -> None:
    order = start("1", quantity=2)
    pay(order, "clinic")
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order, by=desk, now=NOW)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buyer@mail.example"]
    assert order.reference in message.subject
    assert "Five visits × 2: $98.00" in message.body and "Total: $98.00" in message.body
    assert tasks.send_receipt.call(order.pk) is False  # queued again: not sent again
    assert len(mail.outbox) == 1
    order.refresh_from_db()
    assert order.receipt_sent_at is not None


def test_no_receipt_before_the_commit_or_for_an_unpaid_order(
    start: Start, django_capture_on_commit_callbacks: Any
) -> None:
    order = start("1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pay(order, "clinic")
    assert callbacks == [] and tasks.send_receipt.call(order.pk) is False
    assert not mail.outbox


def test_a_failed_send_can_be_retried(start: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    order = start("3")
    pay(order, "free")
    mail.outbox.clear()
    Order.objects.filter(pk=order.pk).update(receipt_sent_at=None)

    def down(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    with pytest.raises(ConnectionRefusedError):
        tasks.send_receipt.call(order.pk)
    monkeypatch.undo()

    assert tasks.send_receipt.call(order.pk) is True
    assert len(mail.outbox) == 1


# The receipt through a real SMTP server on loopback


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):  # fmt: skip
            yield inbox
    finally:
        controller.stop()


def test_a_yen_receipt_arrives_over_smtp_once(
    smtp: Inbox, start: Start, coupon: MakeCoupon, django_capture_on_commit_callbacks: Any
) -> None:
    coupon("ALL", percent_off=Decimal("100"))
    order = services.apply_coupon(start("2"), code="ALL", now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        pay(order, "coupon")
    tasks.send_receipt.call(order.pk)

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    body = message.get_content()
    assert message["To"] == "buyer@mail.example" and order.reference in message["Subject"]
    assert "Five visits (Tokyo): ¥4,900" in body
    assert "Discount (ALL): -¥4,900" in body and "Total: ¥0" in body
