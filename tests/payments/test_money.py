"""Money: the one rounding helper, minor units, formatting; exact order totals in a currency
with cents (USD) and one without (JPY), with percentage, fixed and 100 % coupons."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from mend.payments import money, services
from mend.payments.models import Coupon, Order

from .conftest import NOW

CURRENCIES = ["USD", "EUR", "JPY", "KRW", "KWD", "BHD", "CHF", "GBP"]


def test_minor_units_follow_iso_4217() -> None:
    assert [money.minor_units(code) for code in ("USD", "eur", "JPY", "KRW", "KWD", "BHD")] == [
        2, 2, 0, 0, 3, 3,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="XYZ"):
        money.minor_units("XYZ")


def test_quantize_rounds_half_up_to_the_currencys_places() -> None:
    assert money.quantize(Decimal("1.005"), "USD") == Decimal("1.01")
    assert money.quantize(Decimal("1.004"), "USD") == Decimal("1.00")
    assert money.quantize(Decimal("-1.005"), "USD") == Decimal("-1.01")
    assert money.quantize(Decimal("4900.5"), "JPY") == Decimal("4901")
    assert money.quantize(Decimal("1.0005"), "KWD") == Decimal("1.001")
    assert str(money.quantize(Decimal("49"), "USD")) == "49.00"


def test_floats_and_infinities_are_refused() -> None:
    with pytest.raises(TypeError):
        money.quantize(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        money.quantize(Decimal("Infinity"), "USD")
    with pytest.raises(TypeError):
        money.from_minor(True, "USD")


def test_minor_units_conversions() -> None:
    assert money.to_minor(Decimal("49.00"), "USD") == 4900
    assert money.to_minor(Decimal("4900"), "JPY") == 4900
    assert money.to_minor(Decimal("1.234"), "KWD") == 1234
    assert money.from_minor(4999, "USD") == Decimal("49.99")
    assert money.from_minor(4999, "JPY") == Decimal("4999")


def test_format_money() -> None:
    assert money.format_money(Decimal("49"), "USD") == "$49.00"
    assert money.format_money(Decimal("4900"), "JPY") == "¥4,900"
    assert money.format_money(Decimal("12.5"), "EUR") == "€12.50"
    assert money.format_money(Decimal("1234567.891"), "GBP") == "£1,234,567.89"
    assert money.format_money(Decimal("49"), "CHF") == "49.00 CHF"
    assert money.format_money(Decimal("-5"), "USD") == "-$5.00"
    assert money.format_money(Decimal("1.5"), "KWD") == "1.500 KWD"


def test_the_money_filter() -> None:
    template = Template("{% load payments %}{{ a|money:'JPY' }} {{ b|money }} [{{ c|money }}]")
    rendered = template.render(Context({"a": Decimal("4900"), "b": "12.5", "c": None}))
    assert rendered == "¥4,900 $12.50 []"


amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False,
                      allow_infinity=False, places=6)  # fmt: skip


@given(amount=amounts, currency=st.sampled_from(CURRENCIES))
def test_minor_units_round_trip(amount: Decimal, currency: str) -> None:
    rounded = money.quantize(amount, currency)
    assert money.from_minor(money.to_minor(amount, currency), currency) == rounded
    assert money.quantize(rounded, currency) == rounded  # idempotent
    assert abs(rounded - amount) <= Decimal(5).scaleb(-money.minor_units(currency) - 1)


@given(
    units=st.integers(min_value=-(10**12), max_value=10**12), currency=st.sampled_from(CURRENCIES)
)
def test_integer_units_round_trip(units: int, currency: str) -> None:
    assert money.to_minor(money.from_minor(units, currency), currency) == units


@given(amount=amounts, currency=st.sampled_from(CURRENCIES))
def test_formatting_shows_exactly_the_rounded_amount(amount: Decimal, currency: str) -> None:
    text = money.format_money(amount, currency)
    number = re.sub(r"[^0-9.]", "", text)
    places = money.minor_units(currency)
    assert Decimal(number) == abs(money.quantize(amount, currency))
    assert len(number.partition(".")[2]) == places
    assert text.startswith("-") == (money.quantize(amount, currency) < 0)


@given(
    subtotal=st.decimals(min_value=0, max_value=Decimal("1e6"), places=2),
    percent=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
)
def test_a_percentage_never_takes_more_than_the_subtotal(
    subtotal: Decimal, percent: Decimal
) -> None:
    coupon = Coupon(code="X", percent_off=percent)
    off = coupon.discount_on(subtotal, "USD")
    assert Decimal(0) <= off <= subtotal
    assert off == money.quantize(off, "USD")


# Exact totals, through start_order and apply_coupon (the database keeps three places).


def totals(order: Order) -> tuple[Decimal, Decimal, Decimal]:
    order.refresh_from_db()
    return order.subtotal, order.discount, order.total


def test_usd_totals_with_a_quantity(start: Callable[..., Order]) -> None:
    order = start("1", quantity=3)

    assert totals(order) == (Decimal("147.00"), Decimal("0"), Decimal("147.00"))
    assert order.lines.get().amount == Decimal("147.00")


def test_usd_percentage_coupon_rounds_half_up_once(
    start: Callable[..., Order], coupon: Callable[..., Coupon]
) -> None:

    coupon("THIRD", percent_off=Decimal("15"))
    order = start("4")  # $33.33; 15 % is 4.9995 → 5.00
    services.apply_coupon(order, code="third", now=NOW)

    assert totals(order) == (Decimal("33.33"), Decimal("5.00"), Decimal("28.33"))


def test_usd_fixed_coupon_and_one_larger_than_the_order(
    start: Callable[..., Order], coupon: Callable[..., Coupon]
) -> None:

    coupon("TEN", amount_off=Decimal("10.00"), currency="USD")
    coupon("HUNDRED", amount_off=Decimal("100.00"), currency="USD")
    order = services.apply_coupon(start("1"), code="TEN", now=NOW)
    assert totals(order) == (Decimal("49.00"), Decimal("10.00"), Decimal("39.00"))

    services.apply_coupon(order, code="HUNDRED", now=NOW)
    assert totals(order) == (Decimal("49.00"), Decimal("49.00"), Decimal("0.00"))


def test_jpy_totals_have_no_minor_units(
    start: Callable[..., Order], coupon: Callable[..., Coupon]
) -> None:

    coupon("SAVE15", percent_off=Decimal("15"))
    coupon("YEN500", amount_off=Decimal("500"), currency="JPY")
    order = start("2")  # ¥4,900; 15 % is 735
    assert totals(order) == (Decimal("4900"), Decimal("0"), Decimal("4900"))

    services.apply_coupon(order, code="SAVE15", now=NOW)
    assert totals(order) == (Decimal("4900"), Decimal("735"), Decimal("4165"))
    assert order.total_display() == "¥4,165"

    services.apply_coupon(order, code="YEN500", now=NOW)
    assert totals(order) == (Decimal("4900"), Decimal("500"), Decimal("4400"))


def test_jpy_percentage_rounds_to_whole_yen(
    start: Callable[..., Order], coupon: Callable[..., Coupon], shop: object
) -> None:

    coupon("ODD", percent_off=Decimal("12.5"))
    shop.reprice("2", "4999")  # type: ignore[attr-defined]
    order = services.apply_coupon(start("2"), code="ODD", now=NOW)  # 624.875 → 625

    assert totals(order) == (Decimal("4999"), Decimal("625"), Decimal("4374"))


def test_a_100_percent_coupon_makes_it_free_in_both_currencies(
    start: Callable[..., Order], coupon: Callable[..., Coupon]
) -> None:

    coupon("ALL", percent_off=Decimal("100"))
    usd = services.apply_coupon(start("1"), code="ALL", now=NOW)
    jpy = services.apply_coupon(start("2"), code="ALL", now=NOW)

    assert totals(usd) == (Decimal("49.00"), Decimal("49.00"), Decimal("0"))
    assert totals(jpy) == (Decimal("4900"), Decimal("4900"), Decimal("0"))
