"""Visit packages: sold through the real checkout, spent by booking, given back on cancelling.

The clock is NOW (Monday 15 June 2026, 08:00 in New York). The package: six follow-ups
for $400, valid 180 days, payable at the clinic. The patient's follow-ups are Ana's
video visits on the next days at 10:00 New York (26 hours and more away).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import Client, override_settings

from mend.accounts.models import User
from mend.booking import packages, services
from mend.booking.availability import Want
from mend.booking.models import (
    Appointment,
    Clinician,
    Mode,
    PackagePurchase,
    VisitPackage,
    VisitType,
)
from mend.core import roles
from mend.payments import products
from mend.payments import services as payments
from mend.payments.models import Coupon, Order

from .conftest import NOW, ny

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(follow_up: VisitType) -> VisitPackage:
    package = VisitPackage.objects.create(
        name="6 follow-ups", visits=6, price=Decimal("400.00"), currency="USD", validity_days=180
    )
    package.visit_types.add(follow_up)
    return package


@pytest.fixture
def buy(package: VisitPackage) -> Callable[..., PackagePurchase]:
    """Buy the package through the checkout, free with a 100 % coupon."""

    def buy(patient: User, *, now: datetime = NOW) -> PackagePurchase:
        Coupon.objects.get_or_create(code="ALLPAID", defaults={"percent_off": Decimal(100)})
        order = payments.start_order(buyer=patient, kind="package", ref=str(package.pk), now=now)
        order = payments.apply_coupon(order, code="allpaid", now=now)
        payments.pay(order, method="coupon", success_url="/", cancel_url="/", now=now)
        return PackagePurchase.objects.get(order_line__order=order)

    return buy


@pytest.fixture
def credit(buy: Callable[..., PackagePurchase], patient: User) -> PackagePurchase:
    return buy(patient)


def _book(
    visit_type: VisitType, start: datetime, clinician: Clinician, patient: User | None, **extra: Any
) -> Appointment:
    contact = services.Contact(
        name="Jo Patient", email=patient.email if patient else "guest@mail.example", patient=patient
    )
    return services.book(
        want=Want(visit_type, Mode.VIRTUAL, None, clinician),
        start=start,
        contact=contact,
        answers=[],
        now=extra.pop("now", NOW),
        **extra,
    )


def _left(purchase: PackagePurchase) -> int:
    purchase.refresh_from_db()
    return purchase.remaining


# The kind of product in the checkout


def test_the_package_is_a_product_priced_from_the_database(package: VisitPackage) -> None:
    product = products.kind("package").find(str(package.pk))

    assert product == products.Product(
        "package", str(package.pk), "Visit package: 6 follow-ups", Decimal("400.000"), "USD",
        pay_at_clinic=True,
    )  # fmt: skip
    package.active = False
    package.save()
    assert products.kind("package").find(str(package.pk)) is None
    assert products.kind("package").find("nonsense") is None


def test_paying_grants_the_credits_once_with_their_expiry(
    credit: PackagePurchase, package: VisitPackage
) -> None:
    assert (credit.visits, credit.remaining) == (6, 6)
    assert credit.paid_at == NOW
    assert credit.expires_at == NOW + timedelta(days=180)
    order = credit.order_line.order
    assert order.status == Order.Status.PAID
    assert payments.next_url(order) == "/book/?visit=follow-up"
    with pytest.raises(payments.PaymentError):
        payments.pay(order, method="coupon", success_url="/", cancel_url="/", now=NOW)
    assert PackagePurchase.objects.count() == 1


def test_a_package_paid_at_the_clinic_is_granted_when_staff_mark_it_paid(
    package: VisitPackage, patient: User, make_user: Callable[..., User]
) -> None:
    order = payments.start_order(buyer=patient, kind="package", ref=str(package.pk), now=NOW)
    payments.pay(order, method="clinic", success_url="/", cancel_url="/", now=NOW)
    assert not PackagePurchase.objects.exists()
    desk = make_user("desk@clinic.example", role=roles.CLINICIAN)
    desk.user_permissions.add(Permission.objects.get(codename="change_order"))

    payments.mark_paid(order, by=User.objects.get(pk=desk.pk), now=NOW + timedelta(hours=1))

    purchase = PackagePurchase.objects.get(patient=patient)
    assert purchase.expires_at == NOW + timedelta(hours=1, days=180)


def test_a_refund_voids_the_unused_credits(
    credit: PackagePurchase, follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    visit = _book(follow_up, ny(6, 16, 10), ana, patient)
    packages.revoke(credit.order_line, NOW)

    credit.refresh_from_db()
    assert credit.remaining == 0 and credit.voided_at == NOW
    assert packages.spend(patient, follow_up, now=NOW) is None
    services.cancel(visit, by="patient", reason="Away", now=NOW)
    assert _left(credit) == 0  # a void package gets nothing back


# Booking with a credit


def test_booking_uses_a_credit_and_says_so(
    client: Client,
    frozen: datetime,
    credit: PackagePurchase,
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    mailbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        visit = _book(follow_up, ny(6, 16, 10), ana, patient)

    assert visit.paid_with == credit
    assert _left(credit) == 5
    note = "Paid with your package '6 follow-ups' (5 visits left)"
    assert note in mailbox[0].body
    page = client.get(f"/book/manage/{visit.manage_token()}/")
    assert note in html.unescape(page.content.decode())


def test_no_credit_for_another_visit_type_a_guest_or_after_expiry(
    credit: PackagePurchase,
    follow_up: VisitType,
    evaluation: VisitType,
    ana: Clinician,
    patient: User,
) -> None:
    assert _book(evaluation, ny(6, 16, 10), ana, patient).paid_with is None
    assert _book(follow_up, ny(6, 17, 10), ana, None).paid_with is None
    assert _left(credit) == 6

    expiry = credit.expires_at
    # It expires 180 days on (Saturday 12 December): a second before, it pays; at expiry, not.
    before = _book(follow_up, ny(12, 14, 10), ana, patient, now=expiry - timedelta(seconds=1))
    assert before.paid_with == credit
    after = _book(follow_up, ny(12, 15, 10), ana, patient, now=expiry)
    assert after.paid_with is None
    assert _left(credit) == 5


def test_the_package_that_expires_first_pays(
    buy: Callable[..., PackagePurchase], follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    older = buy(patient, now=NOW - timedelta(days=10))
    PackagePurchase.objects.filter(pk=older.pk).update(order_line=None)  # a second order
    newer = buy(patient)

    assert _book(follow_up, ny(6, 16, 10), ana, patient).paid_with == older
    assert (_left(older), _left(newer)) == (5, 6)


def test_a_failed_booking_uses_no_credit(
    credit: PackagePurchase, follow_up: VisitType, ana: Clinician, patient: User, stranger: User
) -> None:
    _book(follow_up, ny(6, 16, 10), ana, stranger)

    with pytest.raises(services.BookingError, match="just taken"):
        _book(follow_up, ny(6, 16, 10), ana, patient)
    assert _left(credit) == 6


def test_the_last_credit_is_spent_once(
    credit: PackagePurchase, follow_up: VisitType, patient: User
) -> None:
    PackagePurchase.objects.filter(pk=credit.pk).update(remaining=1)

    assert packages.spend(patient, follow_up, now=NOW) == credit
    assert packages.spend(patient, follow_up, now=NOW) is None
    assert _left(credit) == 0


def test_the_database_refuses_credits_below_zero_or_above_those_bought(
    credit: PackagePurchase,
) -> None:
    for remaining in (F("remaining") - 7, F("remaining") + 1):
        with pytest.raises(IntegrityError), transaction.atomic():
            PackagePurchase.objects.filter(pk=credit.pk).update(remaining=remaining)
    assert _left(credit) == 6


# Cancelling gives the credit back, or the policy keeps it


def test_cancelling_outside_the_window_gives_the_credit_back_once(
    credit: PackagePurchase, follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    visit = _book(follow_up, ny(6, 16, 10), ana, patient)

    services.cancel(visit, by="patient", reason="Away", now=NOW)
    assert _left(credit) == 6
    with pytest.raises(services.BookingError, match="already cancelled"):
        services.cancel(visit, by="clinic", reason="Again", now=NOW)
    assert _left(credit) == 6


def test_a_late_cancellation_forfeits_the_credit_by_default(
    credit: PackagePurchase, follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    visit = _book(follow_up, ny(6, 16, 10), ana, patient)

    services.cancel(visit, by="clinic", reason="Called in", now=visit.start - timedelta(hours=3))

    assert _left(credit) == 5


@override_settings(MEND_PACKAGE_LATE_CANCEL="return")
def test_a_late_cancellation_returns_the_credit_when_the_policy_says_so(
    credit: PackagePurchase, follow_up: VisitType, ana: Clinician, patient: User
) -> None:
    visit = _book(follow_up, ny(6, 16, 10), ana, patient)

    services.cancel(visit, by="clinic", reason="Called in", now=visit.start - timedelta(hours=3))

    assert _left(credit) == 6


# A plan of care


def test_a_plan_is_paid_from_the_package_while_credits_last(
    credit: PackagePurchase,
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    verified: Callable[[User], User],
    mailbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    PackagePurchase.objects.filter(pk=credit.pk).update(remaining=2)
    starts = [ny(6, 16, 10), ny(6, 18, 10), ny(6, 23, 10)]
    contact = services.Contact(name="Jo Patient", email=patient.email, patient=patient)

    with django_capture_on_commit_callbacks(execute=True):
        series = services.book_series(
            want=Want(follow_up, Mode.VIRTUAL, None, ana), starts=starts, contact=contact, now=NOW
        )

    paid = [visit.paid_with_id for visit in series.appointments.order_by("start")]
    assert paid == [credit.pk, credit.pk, None]
    assert _left(credit) == 0
    body = mailbox[0].body
    assert body.count("(paid with your package '6 follow-ups')") == 2


# The pages


def test_packages_page_lists_active_packages_with_a_buy_form(
    client: Client, package: VisitPackage, patient: User
) -> None:
    VisitPackage.objects.create(name="Retired", visits=3, price=Decimal(1), active=False)

    anonymous = client.get("/book/packages/").content.decode()
    assert "6 follow-ups" in anonymous and "Retired" not in anonymous
    assert "Sign in to buy" in anonymous
    client.force_login(patient)
    page = client.get("/book/packages/").content.decode()
    assert "$400.00" in page
    assert 'action="/checkout/start/"' in page
    assert f'name="ref" value="{package.pk}"' in page

    response = client.post("/checkout/start/", {"kind": "package", "ref": str(package.pk)})
    assert response.status_code == 303
    order = Order.objects.get(buyer=patient)
    assert order.total == Decimal("400.000")


def test_me_shows_the_credits_left_and_their_expiry(
    client: Client,
    frozen: datetime,
    credit: PackagePurchase,
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    stranger: User,
) -> None:
    _book(follow_up, ny(6, 16, 10), ana, patient)
    client.force_login(patient)

    page = client.get("/me/").content.decode()
    assert "Your visit packages" in page
    assert "5 of 6 visits left, until 12 December 2026" in page
    client.force_login(stranger)
    assert "Your visit packages" not in client.get("/me/").content.decode()


def test_purchases_are_visible_to_their_patient_only(
    credit: PackagePurchase, patient: User, stranger: User
) -> None:
    assert list(PackagePurchase.objects.visible_to(patient)) == [credit]
    assert not PackagePurchase.objects.visible_to(stranger).exists()
