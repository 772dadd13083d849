"""Checkout: orders started from a registered product, coupons, payment without a provider
(free, coupon, at the clinic) and by card through Stripe Checkout, and Stripe's webhook.

An order is fulfilled only by a compare-and-set of its status to PAID, in the transaction
that calls each line's ``fulfil``: once, however many requests or deliveries race. A card
payment is fulfilled only from Stripe's signed webhook, never from the buyer's return.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse

from mend.core import audit
from mend.payments import money, products
from mend.payments.models import Coupon, Order, OrderLine, ProviderEvent

logger = logging.getLogger(__name__)

Status = Order.Status
Method = Order.Method

# Orders a buyer may still pay, or change their mind about before paying.
UNSETTLED = (Status.OPEN, Status.AWAITING_PAYMENT)
# A Checkout Session's own limit; more is refused before Stripe is asked.
MAX_LINE_QUANTITY = 99


class PaymentError(Exception):
    """A refusal the buyer (or staff) can read; ``field`` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class WebhookRejected(PaymentError):
    """A webhook delivery that is not Stripe's (bad signature) or not an event: answered 400."""


# Starting an order ---------------------------------------------------------------------


def _product(kind_name: str, ref: str) -> tuple[products.Kind, products.Product]:
    try:
        kind = products.kind(kind_name)
    except KeyError:
        raise PaymentError("That is not something that can be bought here.", field="kind") from None
    product = kind.find(ref) if ref and len(ref) <= 64 else None
    if product is None or not money.is_currency(product.currency):
        raise PaymentError("That is not for sale (any more).", field="ref")
    return kind, product


def offer(*, kind: str, ref: str, quantity: int = 1) -> products.Product:
    """What ``start_order`` would order, checked the same way, for a page that asks to confirm."""
    _, product = _product(kind, str(ref))
    _check_quantity(quantity, product)
    return product


def _check_quantity(quantity: Any, product: products.Product) -> int:
    most = min(product.max_quantity, MAX_LINE_QUANTITY)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= most:
        message = "Only one can be bought." if most == 1 else f"Choose from 1 to {most}."
        raise PaymentError(message, field="quantity")
    return quantity


def _price(order: Order, lines: list[OrderLine]) -> None:
    """Set each line's amount and the order's subtotal, discount and total, all rounded."""
    currency = order.currency
    for line in lines:
        line.unit_price = money.quantize(line.unit_price, currency)
        line.amount = money.quantize(line.unit_price * line.quantity, currency)
    order.subtotal = money.quantize(sum((line.amount for line in lines), Decimal(0)), currency)
    order.discount = (
        order.coupon.discount_on(order.subtotal, currency) if order.coupon else Decimal(0)
    )
    order.total = order.subtotal - order.discount


def start_order(*, buyer: Any, kind: str, ref: str, quantity: int = 1, now: datetime) -> Order:
    """An order for one product, priced by its kind's ``find``. The buyer's unsettled order
    for the same product is reused (with the new quantity while it is still open)."""
    kind_, product = _product(kind, str(ref))
    quantity = _check_quantity(quantity, product)
    if kind_.already_has(buyer, product.ref):
        raise PaymentError("You already have this.", field="ref")
    with transaction.atomic():
        existing = _unsettled_order_for(buyer, product)
        if existing is not None and existing.status == Status.AWAITING_PAYMENT:
            return existing
        order = existing or Order(buyer=buyer, currency=product.currency.upper(), created_at=now)
        order.email = buyer.email
        line = order.lines.get() if existing else OrderLine(kind=product.kind, ref=product.ref)
        line.description = product.description
        line.unit_price = product.unit_price
        line.quantity = quantity
        line.pay_at_clinic = product.pay_at_clinic
        _price(order, [line])
        order.save()
        line.order = order
        line.save()
    return order


def _unsettled_order_for(buyer: Any, product: products.Product) -> Order | None:
    candidates = (
        Order.objects.select_for_update()
        .filter(buyer=buyer, status__in=UNSETTLED, lines__kind=product.kind, lines__ref=product.ref)
        .order_by("status", "-created_at")  # "awaiting" sorts before "open": awaiting first
    )
    for order in candidates:
        if order.lines.count() == 1:
            return order
    return None


# Coupons -------------------------------------------------------------------------------


def _coupon_refusal(coupon: Coupon | None, order: Order, now: datetime) -> str | None:
    if coupon is None or not coupon.active:
        return "That code is not valid."
    if coupon.valid_from and now < coupon.valid_from:
        return "That code is not valid yet."
    if coupon.valid_until and now >= coupon.valid_until:
        return "That code has expired."
    if coupon.max_uses is not None and coupon.uses >= coupon.max_uses:
        return "That code has been used up."
    if coupon.amount_off is not None and coupon.currency.upper() != order.currency:
        return f"That code cannot be used for payments in {order.currency}."
    return None


def find_coupon(code: str) -> Coupon | None:
    return Coupon.objects.filter(code__iexact=(code or "").strip()).first()


def apply_coupon(order: Order, *, code: str, now: datetime) -> Order:
    code = (code or "").strip()
    if not code:
        raise PaymentError("Enter a code.", field="code")
    if len(code) > 40:
        raise PaymentError("That code is not valid.", field="code")
    with transaction.atomic():
        order = _locked(order)
        if order.status != Status.OPEN:
            raise PaymentError("This order can no longer be changed.", field="code")
        coupon = find_coupon(code)
        refusal = _coupon_refusal(coupon, order, now)
        if refusal:
            raise PaymentError(refusal, field="code")
        order.coupon = coupon
        _price(order, list(order.lines.all()))
        order.save(update_fields=["coupon", "subtotal", "discount", "total"])
    return order


def _claim_coupon(order: Order, now: datetime) -> None:
    """Count one use of the order's coupon, if it still has one to give (F(), so two buyers
    taking the last use at once cannot both have it)."""
    coupon = order.coupon
    if coupon is None:
        return
    refusal = _coupon_refusal(coupon, order, now)
    left = Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses"))
    if refusal or not Coupon.objects.filter(left, pk=coupon.pk).update(uses=F("uses") + 1):
        raise PaymentError(refusal or "That code has been used up.", field="code")


def _release_coupon(order: Order) -> None:
    if order.coupon_id is not None:
        Coupon.objects.filter(pk=order.coupon_id, uses__gt=0).update(uses=F("uses") - 1)


# Paying --------------------------------------------------------------------------------


def card_enabled() -> bool:
    return bool(settings.MEND_STRIPE_SECRET_KEY)


def available_methods(order: Order) -> list[str]:
    """The ways this order may be paid, in the order they are offered."""
    if order.total == 0:
        return [Method.COUPON if order.coupon_id else Method.FREE]
    methods = []
    if card_enabled():
        methods.append(Method.CARD)
    lines = list(order.lines.all())
    if lines and all(line.pay_at_clinic for line in lines):
        methods.append(Method.CLINIC)
    return methods


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("coupon").get(pk=order.pk)


def _reprice(order: Order) -> bool:
    """Check each line against its product now. A product gone stops the payment; a new price
    is saved on the order (and True returned) so that the buyer sees it before paying."""
    with transaction.atomic():
        order = _locked(order)
        lines = list(order.lines.all())
        changed = False
        for line in lines:
            try:
                product = products.kind(line.kind).find(line.ref)
            except KeyError:
                product = None
            if product is None or product.currency.upper() != order.currency:
                raise PaymentError(f"{line.description} is not for sale any more.")
            if money.quantize(product.unit_price, order.currency) != line.unit_price:
                line.unit_price, changed = product.unit_price, True
            if line.pay_at_clinic != product.pay_at_clinic:
                line.pay_at_clinic = product.pay_at_clinic
                line.save(update_fields=["pay_at_clinic"])
        if changed and order.status == Status.OPEN:
            _price(order, lines)
            for line in lines:
                line.save(update_fields=["unit_price", "amount"])
            order.save(update_fields=["subtotal", "discount", "total"])
    return changed


def pay(order: Order, *, method: str, success_url: str, cancel_url: str, now: datetime) -> str:
    """Pay the order by ``method``; returns where to send the buyer next."""
    if method == Method.CARD and order.status == Status.AWAITING_PAYMENT:
        return _resume_card(order, success_url=success_url, cancel_url=cancel_url, now=now)
    if _reprice(order):
        raise PaymentError("The price has changed since you started: check the new total.")
    with transaction.atomic():
        order = _locked(order)
        if order.status != Status.OPEN:
            raise PaymentError("This order has already been paid or closed.", field="method")
        if method not in available_methods(order):
            raise PaymentError("Choose one of the ways to pay shown.", field="method")
        _claim_coupon(order, now)
        if method in (Method.FREE, Method.COUPON):
            _settle(order, from_statuses=[Status.OPEN], method=method, now=now)
            return next_url(order)
        Order.objects.filter(pk=order.pk).update(
            status=Status.AWAITING_PAYMENT, method=method, provider_reference=""
        )
        order.refresh_from_db()
    if method == Method.CLINIC:
        return reverse("payments:receipt", args=[order.reference])
    return _start_card(order, success_url=success_url, cancel_url=cancel_url, now=now)


def next_url(order: Order) -> str:
    """Where a paid order's buyer goes: the first line's product, else the receipt."""
    for line in order.lines.all():
        try:
            return products.kind(line.kind).next_url(line)
        except KeyError:
            break
    return reverse("payments:receipt", args=[order.reference])


def _settle(
    order: Order, *, from_statuses: list[str], method: str, now: datetime, **extra: Any
) -> bool:
    """Compare-and-set the order to PAID and fulfil its lines, in the caller's transaction.
    True if this call paid it; False if another already moved it on."""
    changed = Order.objects.filter(pk=order.pk, status__in=from_statuses).update(
        status=Status.PAID, method=method, paid_at=now, **extra
    )
    if not changed:
        return False
    order.refresh_from_db()
    for line in order.lines.all():
        products.kind(line.kind).fulfil(line, now)
        OrderLine.objects.filter(pk=line.pk).update(fulfilled_at=now)
    order_pk = order.pk
    transaction.on_commit(lambda: _send_receipt(order_pk))
    return True


def _send_receipt(order_pk: int) -> None:
    from mend.payments import tasks

    tasks.send_receipt.enqueue(order_pk)


def mark_paid(order: Order, *, by: Any, now: datetime) -> Order:
    """Staff took payment at the clinic. Once: a second click changes nothing."""
    if not (by.is_superuser or by.has_perm("payments.change_order")):
        raise PaymentError("Only staff who handle payments may mark an order paid.")
    with transaction.atomic():
        order = _locked(order)
        if order.status == Status.PAID:
            raise PaymentError("This order is already paid.")
        if order.status != Status.AWAITING_PAYMENT or order.method != Method.CLINIC:
            raise PaymentError("Only orders to be paid at the clinic can be marked paid here.")
        _settle(order, from_statuses=[Status.AWAITING_PAYMENT], method=Method.CLINIC, now=now,
                marked_paid_by=by)  # fmt: skip
        audit.record(by, action=audit.Action.CHANGE, patient=order.buyer, obj=order,
                     detail="marked paid at the clinic")  # fmt: skip
        order.refresh_from_db()
    return order


def cancel(order: Order, *, now: datetime) -> bool:
    """An unpaid order given up (its Checkout Session expired): its coupon use comes back."""
    changed = Order.objects.filter(pk=order.pk, status__in=UNSETTLED).update(
        status=Status.CANCELLED, cancelled_at=now
    )
    if changed and order.status == Status.AWAITING_PAYMENT:
        _release_coupon(order)
    return bool(changed)


# Stripe --------------------------------------------------------------------------------


def stripe_client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.MEND_STRIPE_SECRET_KEY,
        base_addresses={"api": settings.MEND_STRIPE_API_BASE},
        max_network_retries=2,
    )


def _start_card(order: Order, *, success_url: str, cancel_url: str, now: datetime) -> str:
    names = ", ".join(str(line) for line in order.lines.all())
    params: dict[str, Any] = {
        "mode": "payment",
        "client_reference_id": order.reference,
        "customer_email": order.email,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": {"mend_order": order.reference},
        "payment_intent_data": {"metadata": {"mend_order": order.reference}},
        # One line for the whole order, so that Stripe charges exactly the order's total,
        # discount included.
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": order.currency.lower(),
                    "unit_amount": money.to_minor(order.total, order.currency),
                    "product_data": {"name": f"{names} (order {order.reference})"[:250]},
                },
            }
        ],
    }
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params,  # type: ignore[arg-type]
            {"idempotency_key": f"mend-checkout-{order.reference}-{int(now.timestamp())}"},
        )
    except stripe.StripeError:
        logger.exception("Stripe refused a Checkout Session for order %s", order.reference)
        _back_to_open(order)
        raise PaymentError("Card payment could not be started. Try again in a minute.") from None
    Order.objects.filter(pk=order.pk, status=Status.AWAITING_PAYMENT).update(
        provider_reference=session.id
    )
    return str(session.url)


def _back_to_open(order: Order) -> None:
    with transaction.atomic():
        if Order.objects.filter(
            pk=order.pk, status=Status.AWAITING_PAYMENT, provider_reference=""
        ).update(status=Status.OPEN, method=""):
            _release_coupon(order)


def _resume_card(order: Order, *, success_url: str, cancel_url: str, now: datetime) -> str:
    """Back from Stripe without paying: the same session while it is open, else a new one."""
    order.refresh_from_db()
    if not card_enabled():
        raise PaymentError("Card payment is not offered.", field="method")
    if order.method == Method.CARD and order.provider_reference:
        try:
            session = stripe_client().v1.checkout.sessions.retrieve(order.provider_reference)
        except stripe.StripeError:
            raise PaymentError(
                "Card payment could not be resumed. Try again in a minute."
            ) from None
        if session.status == "open":
            return str(session.url)
        if session.status == "complete":
            raise PaymentError("We are confirming your payment: nothing more to pay.")
    updated = Order.objects.filter(pk=order.pk, status=Status.AWAITING_PAYMENT).update(
        method=Method.CARD, provider_reference=""
    )
    if not updated:
        raise PaymentError("This order has already been paid or closed.", field="method")
    return _start_card(order, success_url=success_url, cancel_url=cancel_url, now=now)


def handle_stripe_webhook(payload: bytes, signature: str, *, now: datetime) -> str:
    """Verify a delivery of Stripe's webhook and apply its event once. Returns what was done.
    Raises WebhookRejected (answered 400) for anything not signed with the webhook secret."""
    secret = settings.MEND_STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected("The Stripe webhook is not configured.")
    try:
        event = stripe.Webhook.construct_event(payload, signature or "", secret)
    except (stripe.SignatureVerificationError, ValueError):
        raise WebhookRejected("The signature does not match.") from None
    data = event.to_dict()
    event_id, kind = str(data.get("id", "")), str(data.get("type", ""))
    obj = (data.get("data") or {}).get("object") or {}
    if not event_id or not isinstance(obj, dict):
        raise WebhookRejected("That is not a Stripe event.")
    prepare, apply = _HANDLERS.get(kind, (None, _ignore))
    # Anything asked of Stripe is asked before the transaction, which holds row locks.
    context = prepare(obj) if prepare else None
    try:
        with transaction.atomic():
            record = ProviderEvent.objects.create(
                provider="stripe", event_id=event_id, type=kind, received_at=now
            )
            outcome, order = apply(obj, context, now)
            record.outcome, record.order = outcome[:255], order
            record.save(update_fields=["outcome", "order"])
    except IntegrityError:
        if ProviderEvent.objects.filter(event_id=event_id).exists():
            return "duplicate: already applied"
        raise
    if outcome.startswith("refused"):
        logger.warning("Stripe event %s (%s) %s", event_id, kind, outcome)
    return outcome


Outcome = tuple[str, Order | None]
Apply = Callable[[dict[str, Any], Any, datetime], Outcome]


def _ignore(obj: dict[str, Any], context: Any, now: datetime) -> Outcome:
    return "ignored", None


def _session_order(session: dict[str, Any]) -> Order | None:
    session_id = str(session.get("id") or "")
    if not session_id:
        return None
    return Order.objects.select_for_update().filter(provider_reference=session_id).first()


def _completed(session: dict[str, Any], context: Any, now: datetime) -> Outcome:
    order = _session_order(session)
    if order is None:
        return "refused: no order for this Checkout Session", None
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return "waiting: payment not yet taken", order
    amount, currency = session.get("amount_total"), str(session.get("currency") or "")
    if amount != money.to_minor(order.total, order.currency) or currency.upper() != order.currency:
        return (
            f"refused: amount {amount} {currency} is not the order's "
            f"{money.to_minor(order.total, order.currency)} {order.currency.lower()}"
        ), order
    payment = str(session.get("payment_intent") or "")
    if order.refund_pending:
        # The refund came first: the money went back, so nothing is granted.
        changed = Order.objects.filter(pk=order.pk, status__in=UNSETTLED).update(
            status=Status.REFUNDED, paid_at=now, refunded_at=now, provider_payment=payment
        )
        return ("refunded before completion: not granted" if changed else "already settled"), order
    paid = _settle(
        order, from_statuses=list(UNSETTLED), method=Method.CARD, now=now, provider_payment=payment
    )
    if paid:
        return "paid", order
    if order.status == Status.CANCELLED:
        return "refused: the order was cancelled; refund by hand", order
    return "already settled", order


def _expired(session: dict[str, Any], context: Any, now: datetime) -> Outcome:
    order = _session_order(session)
    if order is None:
        return "ignored: no order for this Checkout Session", None
    if order.status != Status.AWAITING_PAYMENT or order.method != Method.CARD:
        return "ignored: order not awaiting card payment", order
    return ("cancelled" if cancel(order, now=now) else "already settled"), order


def _payment_of(obj: dict[str, Any]) -> str:
    payment = obj.get("payment_intent")
    if isinstance(payment, dict):
        payment = payment.get("id")
    return str(payment or "")


def _refund_order_reference(obj: dict[str, Any]) -> str:
    """The Mend order a charge or refund belongs to. Known orders by their PaymentIntent;
    a refund that comes before the completion names it in the PaymentIntent's metadata."""
    payment = _payment_of(obj)
    metadata = obj.get("metadata") or {}
    if metadata.get("mend_order"):
        return str(metadata["mend_order"])
    known = Order.objects.filter(provider_payment=payment).values_list("reference", flat=True)
    if not payment or known:
        return known[0] if known else ""
    try:
        intent = stripe_client().v1.payment_intents.retrieve(payment)
    except stripe.StripeError:
        logger.exception("Could not read PaymentIntent %s for a refund", payment)
        return ""
    metadata = intent.to_dict().get("metadata") or {}
    return str(metadata.get("mend_order") or "")


def _refunded(obj: dict[str, Any], reference: str, now: datetime) -> Outcome:
    order = (
        Order.objects.select_for_update().filter(reference=reference).first() if reference else None
    )
    if order is None:
        return "ignored: no order for this payment", None
    if obj.get("object") == "charge":
        full = bool(obj.get("refunded")) or (obj.get("amount_refunded") or 0) >= (
            obj.get("amount") or 0
        )
    else:  # a Refund
        if obj.get("status") in ("failed", "canceled"):
            return "ignored: the refund did not go through", order
        full = (obj.get("amount") or 0) >= money.to_minor(order.total, order.currency)
    if not full:
        return "partial refund: order left as paid", order
    return refund(order, now=now), order


def refund(order: Order, *, now: datetime) -> str:
    """A full refund: the order is marked refunded and, if MEND_REFUND_REVOKES, what it granted
    is taken back. A refund before the payment is kept and the payment will grant nothing."""
    if Order.objects.filter(pk=order.pk, status=Status.PAID).update(
        status=Status.REFUNDED, refunded_at=now
    ):
        if not settings.MEND_REFUND_REVOKES:
            return "refunded: access kept"
        for line in order.lines.all():
            products.kind(line.kind).revoke(line, now)
            OrderLine.objects.filter(pk=line.pk).update(revoked_at=now)
        return "refunded: access revoked"
    if Order.objects.filter(pk=order.pk, status__in=UNSETTLED).update(refund_pending=True):
        return "refund before payment: kept, nothing will be granted"
    order.refresh_from_db(fields=["status"])
    if order.status == Status.REFUNDED:
        return "already refunded"
    return f"ignored: the order is {order.get_status_display().lower()}"


# Each event type: an optional step run before the transaction, and what it does.
_HANDLERS: dict[str, tuple[Callable[[dict[str, Any]], Any] | None, Apply]] = {
    "checkout.session.completed": (None, _completed),
    "checkout.session.async_payment_succeeded": (None, _completed),
    "checkout.session.expired": (None, _expired),
    "checkout.session.async_payment_failed": (None, _expired),
    "charge.refunded": (_refund_order_reference, _refunded),
    "refund.created": (_refund_order_reference, _refunded),
}
