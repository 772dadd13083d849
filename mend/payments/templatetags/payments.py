"""``{{ amount|money:currency }}``: a price as Mend writes it ("$49.00", "¥4,900")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.conf import settings

from mend.payments.money import format_money

register = template.Library()


@register.filter
def money(amount: Any, currency: str | None = None) -> str:
    """The amount in ``currency`` (the site's MEND_CURRENCY if none); "" for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
        return format_money(value, currency or settings.MEND_CURRENCY)
    except (InvalidOperation, ValueError, TypeError):
        return ""
