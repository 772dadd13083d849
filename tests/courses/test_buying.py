"""Buying a course through the checkout (the kind "course"), joining a free one directly,
fulfilment once, and access taken back on a refund."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from mend.accounts.models import User
from mend.courses import product
from mend.courses.models import CoursePage, Enrolment
from mend.payments import products
from mend.payments import services as payments
from mend.payments.models import Coupon, Order
from tests.courses.conftest import NOW

BACK = {"success_url": "/done/", "cancel_url": "/back/"}


def test_the_course_kind_is_registered_and_prices_from_the_page(course: CoursePage) -> None:
    found = products.kind("course").find(str(course.pk))

    assert found is not None
    assert (found.unit_price, found.currency, found.ref) == (
        Decimal("49.000"),
        "USD",
        str(course.pk),
    )
    assert "Low back pain at home" in found.description


def test_an_unpublished_or_unknown_course_is_not_for_sale(course: CoursePage) -> None:
    assert product.find("nope") is None and product.find("999999") is None
    course.unpublish()
    with pytest.raises(payments.PaymentError):
        payments.start_order(
            buyer=course.owner or _buyer(), kind="course", ref=str(course.pk), now=NOW
        )


def _buyer() -> User:
    return User.objects.create_user(email="buyer@mail.example", password="x")  # type: ignore[attr-defined]


def test_free_course_bought_through_the_checkout_enrols_at_once(
    patient: User, make_course: Callable[..., CoursePage]
) -> None:
    free = make_course("free-one", price=Decimal("0"), questionnaire="nprs")

    order = payments.start_order(buyer=patient, kind="course", ref=str(free.pk), now=NOW)
    where = payments.pay(order, method="free", now=NOW, **BACK)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.total == 0
    enrolment = Enrolment.objects.get(user=patient, course=free)
    assert enrolment.order_line == order.lines.get()
    assert enrolment.enrolled_at == NOW and enrolment.is_active
    assert where == reverse("courses:course", args=["free-one"])
    assert enrolment.questionnaires.filter(instrument="nprs").exists()


def test_a_100_percent_coupon_pays_for_the_course(patient: User, course: CoursePage) -> None:
    Coupon.objects.create(code="BACKFREE", percent_off=Decimal("100"))

    order = payments.start_order(buyer=patient, kind="course", ref=str(course.pk), now=NOW)
    order = payments.apply_coupon(order, code="backfree", now=NOW)
    payments.pay(order, method="coupon", now=NOW, **BACK)

    order.refresh_from_db()
    assert (order.status, order.subtotal, order.total) == (
        Order.Status.PAID, Decimal("49.000"), Decimal("0.000"),
    )  # fmt: skip
    assert Enrolment.objects.filter(user=patient, course=course, revoked_at=None).count() == 1
    # What one has cannot be bought again.
    with pytest.raises(payments.PaymentError):
        payments.start_order(buyer=patient, kind="course", ref=str(course.pk), now=NOW)


def test_fulfil_is_idempotent(patient: User, course: CoursePage) -> None:
    Coupon.objects.create(code="BACKFREE", percent_off=Decimal("100"))
    order = payments.start_order(buyer=patient, kind="course", ref=str(course.pk), now=NOW)
    payments.pay(
        payments.apply_coupon(order, code="BACKFREE", now=NOW), method="coupon", now=NOW, **BACK
    )
    line = order.lines.get()

    product.fulfil(line, NOW)
    product.fulfil(line, NOW)

    assert Enrolment.objects.filter(user=patient, course=course).count() == 1
    assert Enrolment.objects.get(user=patient, course=course).questionnaires.count() == 1


def test_refund_revokes_access_and_buying_again_restores_it(
    client: Client, patient: User, course: CoursePage
) -> None:
    Coupon.objects.create(code="BACKFREE", percent_off=Decimal("100"))
    order = payments.start_order(buyer=patient, kind="course", ref=str(course.pk), now=NOW)
    payments.pay(
        payments.apply_coupon(order, code="BACKFREE", now=NOW), method="coupon", now=NOW, **BACK
    )
    line = order.lines.get()

    products.kind("course").revoke(line, NOW)

    enrolment = Enrolment.objects.get(user=patient, course=course)
    assert enrolment.revoked_at == NOW
    assert not product.already_has(patient, str(course.pk))
    client.force_login(patient)
    ended = client.get(reverse("courses:course", args=["low-back"]))
    assert ended.status_code == 404 and "has ended" in ended.content.decode()

    product.fulfil(line, NOW)
    enrolment.refresh_from_db()
    assert enrolment.revoked_at is None


def test_payments_refund_calls_the_kinds_revoke(
    patient: User, course: CoursePage, settings
) -> None:
    settings.MEND_REFUND_REVOKES = True
    Coupon.objects.create(code="BACKFREE", percent_off=Decimal("100"))
    order = payments.start_order(buyer=patient, kind="course", ref=str(course.pk), now=NOW)
    payments.pay(
        payments.apply_coupon(order, code="BACKFREE", now=NOW), method="coupon", now=NOW, **BACK
    )

    payments.refund(order, now=NOW)

    assert Enrolment.objects.get(user=patient, course=course).revoked_at == NOW


def test_sales_page_buy_form_starts_an_order_at_the_pages_price(
    client: Client, patient: User, course: CoursePage
) -> None:
    client.force_login(patient)
    response = client.post(
        reverse("payments:start"), {"kind": "course", "ref": course.pk, "price": "1"}
    )

    assert response.status_code == 303
    order = Order.objects.get(buyer=patient)
    assert order.total == Decimal("49.000") and order.status == Order.Status.OPEN
    assert not Enrolment.objects.exists()


def test_free_course_is_joined_with_one_post(
    client: Client, patient: User, make_course: Callable[..., CoursePage]
) -> None:
    make_course("free-one", price=Decimal("0"))
    client.force_login(patient)

    response = client.post(reverse("courses:join", args=["free-one"]))
    again = client.post(reverse("courses:join", args=["free-one"]))

    assert response.status_code == again.status_code == 303
    assert response["Location"] == reverse("courses:course", args=["free-one"])
    enrolment = Enrolment.objects.get(user=patient)
    assert enrolment.is_free and enrolment.order_line is None
    assert not Order.objects.exists()


def test_a_paid_course_cannot_be_joined_free(
    client: Client, patient: User, course: CoursePage
) -> None:
    client.force_login(patient)
    response = client.post(reverse("courses:join", args=["low-back"]))
    assert response.status_code == 303 and response["Location"] == course.url
    assert not Enrolment.objects.exists()


def test_anonymous_join_asks_to_sign_in(client: Client, make_course) -> None:
    make_course("free-one", price=Decimal("0"))
    response = client.post(reverse("courses:join", args=["free-one"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Enrolment.objects.exists()


def test_unknown_course_join_is_404(client: Client, patient: User, db: None) -> None:
    client.force_login(patient)
    assert client.post(reverse("courses:join", args=["nope"])).status_code == 404
