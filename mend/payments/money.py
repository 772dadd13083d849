"""Money: ``Decimal`` amounts with an ISO 4217 currency code, and the one rounding rule.

Pure: plain values in and out, no Django. Every amount an order stores has gone through
``quantize``, so totals compare exactly and match what the card provider charges.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor units (the exponent) for the currencies a practice is likely to charge in.
# Not the whole table: an unknown code is refused rather than guessed.
_MINOR_UNITS: dict[str, int] = {
    code: units
    for units, codes in (
        (
            2,
            "AED AUD BRL CAD CHF CNY CZK DKK EUR GBP HKD ILS INR MXN NOK NZD PLN SEK SGD THB "
            "TRY USD ZAR",
        ),
        (0, "CLP ISK JPY KRW VND"),
        (3, "BHD JOD KWD OMR TND"),
    )
    for code in codes.split()
}

# Symbols written before the amount; other currencies are written "49.00 CHF".
_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "KRW": "₩",
    "INR": "₹",
    "ILS": "₪",
}


def _code(currency: str) -> str:
    code = currency.upper() if isinstance(currency, str) else ""
    if code not in _MINOR_UNITS:
        raise ValueError(f"Unknown or unsupported currency: {currency!r}")
    return code


def minor_units(currency: str) -> int:
    """Digits after the decimal point in ``currency`` (USD 2, JPY 0, KWD 3)."""
    return _MINOR_UNITS[_code(currency)]


def is_currency(currency: str) -> bool:
    return isinstance(currency, str) and currency.upper() in _MINOR_UNITS


def quantize(amount: Decimal, currency: str) -> Decimal:
    """THE rounding helper: half up to the currency's minor units."""
    if not isinstance(amount, Decimal):
        raise TypeError("Money is a Decimal, never a float")
    if not amount.is_finite():
        raise ValueError("Money is a finite amount")
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """The amount in the currency's smallest unit (cents, yen), as the card provider wants it."""
    return int(quantize(amount, currency).scaleb(minor_units(currency)))


def from_minor(units: int, currency: str) -> Decimal:
    if isinstance(units, bool) or not isinstance(units, int):
        raise TypeError("Minor units are an int")
    return quantize(Decimal(units).scaleb(-minor_units(currency)), currency)


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """``percent`` % of ``amount``, rounded once."""
    return quantize(amount * percent / Decimal(100), currency)


def format_money(amount: Decimal, currency: str) -> str:
    """ "$49.00", "¥4,900", "€12.50", "-$5.00"; currencies without a symbol: "49.00 CHF"."""
    code = _code(currency)
    value = quantize(amount, code)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.{minor_units(code)}f}"
    symbol = _SYMBOLS.get(code)
    if symbol is None:
        return f"{sign}{digits} {code}"
    return f"{sign}{symbol}{digits}"
