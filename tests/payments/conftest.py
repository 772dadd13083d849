"""The checkout's test world: a kind of product registered for these tests only, buyers, and
Stripe at its HTTP boundary (localstripe, plus a small Checkout endpoint it lacks)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from mend.accounts.models import User
from mend.core import roles
from mend.payments import products, services
from mend.payments.models import Coupon, Order, OrderLine

from . import boundary

KIND = "test-pack"
# 15:00 UTC on Tuesday 3 November 2026 (10:00 in New York).
NOW = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)

PACK_USD = products.Product(KIND, "1", "Five visits", Decimal("49.00"), "USD", pay_at_clinic=True,
                            max_quantity=3)  # fmt: skip
PACK_JPY = products.Product(KIND, "2", "Five visits (Tokyo)", Decimal("4900"), "JPY")
FREE = products.Product(KIND, "3", "Posture basics", Decimal("0"), "USD")
ODD = products.Product(KIND, "4", "Odd cents", Decimal("33.33"), "USD")


@dataclass
class Shop:
    """The products on sale, and what each buyer was granted (in the order it happened)."""

    catalogue: dict[str, products.Product] = field(default_factory=dict)
    granted: list[tuple[int, str]] = field(default_factory=list)
    revoked: list[tuple[int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def find(self, ref: str) -> products.Product | None:
        return self.catalogue.get(ref)

    def fulfil(self, line: OrderLine, now: dt.datetime) -> None:
        with self.lock:
            self.granted.append((line.order.buyer_id, line.ref))

    def revoke(self, line: OrderLine, now: dt.datetime) -> None:
        with self.lock:
            self.revoked.append((line.order.buyer_id, line.ref))

    def has(self, user: Any, ref: str) -> bool:
        held = self.granted.count((user.pk, ref)) - self.revoked.count((user.pk, ref))
        return held > 0

    def reprice(self, ref: str, price: str) -> None:
        self.catalogue[ref] = replace(self.catalogue[ref], unit_price=Decimal(price))


@pytest.fixture
def shop() -> Iterator[Shop]:
    shop = Shop(catalogue={p.ref: p for p in (PACK_USD, PACK_JPY, FREE, ODD)})
    products.register(
        products.Kind(
            name=KIND,
            find=shop.find,
            fulfil=shop.fulfil,
            revoke=shop.revoke,
            next_url=lambda line: f"/packs/{line.ref}/",
            already_has=shop.has,
        )
    )
    yield shop
    products.unregister(KIND)


@pytest.fixture
def buyer(make_user: Callable[..., User]) -> User:
    return make_user("buyer@mail.example", role=roles.PATIENT)


@pytest.fixture
def desk(make_user: Callable[..., User]) -> User:
    """Front-desk staff who take payment at the clinic."""
    user = make_user("desk@clinic.example", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="payments", codename__in=["view_order", "change_order"]
        )
    )
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def start(shop: Shop, buyer: User) -> Callable[..., Order]:
    def start(ref: str = "1", *, by: User | None = None, quantity: int = 1) -> Order:
        return services.start_order(buyer=by or buyer, kind=KIND, ref=ref, quantity=quantity,
                                    now=NOW)  # fmt: skip

    return start


@pytest.fixture
def coupon(db: None) -> Callable[..., Coupon]:
    def make(code: str, **fields: Any) -> Coupon:
        coupon = Coupon(code=code, **fields)
        coupon.full_clean()
        coupon.save()
        return coupon

    return make


def pay(order: Order, method: str, *, now: dt.datetime = NOW) -> str:
    return services.pay(order, method=method, success_url="http://testserver/done",
                        cancel_url="http://testserver/back", now=now)  # fmt: skip


# Stripe: localstripe once per test session, and the Checkout endpoint it lacks


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = Path(sys.executable).with_name("localstripe")
    if not binary.exists():
        pytest.skip(f"localstripe is not installed next to {sys.executable} (it is a test "
                    "dependency: pip install localstripe)")  # fmt: skip
    port = boundary.free_port()
    process = subprocess.Popen(
        [str(binary), "--port", str(port), "--from-scratch"],
        cwd=tmp_path_factory.mktemp("localstripe"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        boundary.wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def _checkout_endpoint(localstripe: str) -> Iterator[boundary.Checkout]:
    yield from boundary.serve(localstripe)


@pytest.fixture
def stripe_checkout(_checkout_endpoint: boundary.Checkout, settings: Any) -> boundary.Checkout:
    """Card payments on, against the Checkout endpoint (and localstripe behind it)."""
    settings.MEND_STRIPE_SECRET_KEY = boundary.SECRET_KEY
    settings.MEND_STRIPE_WEBHOOK_SECRET = boundary.WEBHOOK_SECRET
    settings.MEND_STRIPE_API_BASE = _checkout_endpoint.url
    _checkout_endpoint.sessions.clear()
    _checkout_endpoint.created_with.clear()
    _checkout_endpoint.requests.clear()
    return _checkout_endpoint
