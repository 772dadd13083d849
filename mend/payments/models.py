"""Orders, their lines, coupons and the payment provider's events.

Amounts are ``Decimal`` in the order's ISO 4217 currency, stored with three places (enough
for every currency Mend knows) and always rounded by ``money.quantize`` before they are
saved. An order's status moves only by compare-and-set (``services``), so an order is
fulfilled once however many requests or webhook deliveries race for it.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from mend.payments import money


def _new_reference() -> str:
    # 80 random bits in capital hex: not guessable, and readable at the front desk.
    return secrets.token_hex(10).upper()


def _money_field(verbose_name: str, **extra: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=3, default=Decimal(0), **extra
    )


def validate_currency(value: str) -> None:
    if not money.is_currency(value) or value != value.upper():
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code Mend knows (e.g. USD).")


class Coupon(models.Model):
    code = models.CharField(max_length=40, help_text="What buyers type; capitals do not matter.")
    description = models.CharField(max_length=200, blank=True, help_text="For staff only.")
    percent_off = models.DecimalField(
        "percent off",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
        help_text="From 0.01 to 100. 100 makes the order free. Leave empty for a fixed amount.",
    )
    amount_off = models.DecimalField(
        "amount off",
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text="A fixed amount, in the currency below. Leave empty for a percentage.",
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text="The currency of the fixed amount (e.g. USD); only orders in it accept it.",
    )
    max_uses = models.PositiveIntegerField(
        "maximum uses", null=True, blank=True, help_text="Empty: no limit."
    )
    uses = models.PositiveIntegerField(default=0, editable=False)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="payments_coupon_code_unique",
                violation_error_message="A coupon with this code already exists.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(percent_off__isnull=False, amount_off__isnull=True, currency="")
                    | Q(percent_off__isnull=True, amount_off__isnull=False) & ~Q(currency="")
                ),
                name="payments_coupon_percent_or_amount",
                violation_error_message=(
                    "Give either a percentage, or a fixed amount with its currency."
                ),
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=models.F("max_uses")),
                name="payments_coupon_uses_within_limit",
                violation_error_message="This coupon has been used as often as it may be.",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        self.code = self.code.strip()
        if self.amount_off is None or not money.is_currency(self.currency):
            return
        if self.amount_off != money.quantize(self.amount_off, self.currency):
            places = money.minor_units(self.currency)
            raise ValidationError({"amount_off": f"{self.currency} has {places} decimal places."})

    def discount_on(self, subtotal: Decimal, currency: str) -> Decimal:
        """What this coupon takes off ``subtotal``: never more than the subtotal."""
        if self.percent_off is not None:
            off = money.percent_of(subtotal, self.percent_off, currency)
        else:
            off = money.quantize(self.amount_off or Decimal(0), currency)
        return min(off, subtotal)


class OrderQuerySet(models.QuerySet["Order"]):
    def visible_to(self, user: Any) -> OrderQuerySet:
        """The buyer's own orders; staff allowed to view orders see all."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.has_perm("payments.view_order"):
            return self.all()
        return self.filter(buyer=user)


class Order(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        AWAITING_PAYMENT = "awaiting", "Awaiting payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    class Method(models.TextChoices):
        FREE = "free", "Free"
        COUPON = "coupon", "Coupon"
        CARD = "card", "Card (Stripe)"
        CLINIC = "clinic", "Pay at the clinic"

    reference = models.CharField(max_length=32, unique=True, default=_new_reference, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField()
    currency = models.CharField(max_length=3, validators=[validate_currency])
    subtotal = _money_field("subtotal")
    discount = _money_field("discount")
    total = _money_field("total")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    coupon = models.ForeignKey(
        Coupon, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    provider_reference = models.CharField(
        "Stripe Checkout Session", max_length=255, blank=True, db_index=True
    )
    provider_payment = models.CharField("Stripe PaymentIntent", max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member who took payment at the clinic.",
    )
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    refund_pending = models.BooleanField(
        default=False,
        editable=False,
        help_text="A refund arrived from Stripe before the payment: the order is never granted.",
    )
    created_at = models.DateTimeField()

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0)
                & Q(discount__gte=0)
                & Q(discount__lte=models.F("subtotal")),
                name="payments_order_amounts",
                violation_error_message="A discount lies between nothing and the subtotal.",
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") - models.F("discount")),
                name="payments_order_total",
                violation_error_message="An order's total is its subtotal less its discount.",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.reference}"

    @property
    def is_settled(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.REFUNDED)

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.OPEN

    def total_display(self) -> str:
        return money.format_money(self.total, self.currency)

    def placed_on(self) -> datetime:
        return self.paid_at or self.created_at


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=40)
    ref = models.CharField(max_length=64)
    description = models.CharField(max_length=255)
    unit_price = _money_field("unit price")
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    amount = _money_field("amount")
    pay_at_clinic = models.BooleanField(default=False)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(unit_price__gte=0) & Q(amount__gte=0),
                name="payments_orderline_positive",
                violation_error_message="A line has at least one item and no negative price.",
            ),
        ]

    def __str__(self) -> str:
        return self.description if self.quantity == 1 else f"{self.description} × {self.quantity}"


class ProviderEvent(models.Model):
    """A payment provider's event, kept once: its id is unique, and the row is inserted in the
    same transaction as what the event changed, so a second delivery changes nothing."""

    provider = models.CharField(max_length=20, default="stripe")
    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"
