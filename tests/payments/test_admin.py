"""Orders and coupons in the Wagtail admin: the list filtered by status, "Mark paid at the
clinic" (confirmed, then audited, once), and coupons made and checked there."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mend.accounts.models import User
from mend.core.models import AuditEvent
from mend.payments.models import Coupon, Order

from .conftest import Shop, pay

pytestmark = pytest.mark.django_db
Start = Callable[..., Order]


@pytest.fixture
def at_desk(client: Client, desk: User) -> Client:
    client.force_login(desk)
    return client


def test_the_orders_list_filters_by_status(at_desk: Client, start: Start, make_user: Any) -> None:
    waiting = start("1")
    pay(waiting, "clinic")
    still_open = start("1", by=make_user("other@mail.example"))

    everything = at_desk.get(reverse("payments_orders:index")).content.decode()
    awaiting = at_desk.get(
        reverse("payments_orders:index"), {"status": "awaiting"}
    ).content.decode()

    assert waiting.reference in everything and still_open.reference in everything
    assert waiting.reference in awaiting and still_open.reference not in awaiting


def test_mark_paid_at_the_clinic(
    at_desk: Client, start: Start, shop: Shop, desk: User, buyer: User
) -> None:
    order = start("1")
    pay(order, "clinic")
    inspect = at_desk.get(reverse("payments_orders:inspect", args=[order.pk])).content.decode()
    url = reverse("payments_orders:mark_paid", args=[order.pk])
    assert "Mark paid at the clinic" in inspect and url in inspect
    confirm = at_desk.get(url)
    assert confirm.status_code == 200 and "$49.00" in confirm.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT  # a GET changes nothing

    response = at_desk.post(url)

    assert response.status_code == 303
    assert response["Location"] == reverse("payments_orders:inspect", args=[order.pk])
    order.refresh_from_db()
    assert (order.status, order.marked_paid_by) == (Order.Status.PAID, desk)
    assert shop.granted == [(buyer.pk, "1")]
    assert (
        AuditEvent.objects.filter(actor_id=desk.pk, detail="marked paid at the clinic").count() == 1
    )

    again = at_desk.post(url, follow=True)
    assert "This order is already paid." in again.content.decode() and len(shop.granted) == 1
    inspect = at_desk.get(reverse("payments_orders:inspect", args=[order.pk])).content.decode()
    assert "Mark paid at the clinic" not in inspect


def test_staff_without_the_permission_cannot_mark_paid(
    client: Client, start: Start, make_user: Any, shop: Shop
) -> None:
    from django.contrib.auth.models import Permission

    viewer = make_user("viewer@clinic.example", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_order"),
    )
    order = start("1")
    pay(order, "clinic")
    client.force_login(viewer)

    refused = client.post(reverse("payments_orders:mark_paid", args=[order.pk]))

    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's refusal
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and not shop.granted


def test_orders_are_not_added_edited_or_deleted_in_the_admin(at_desk: Client, start: Start) -> None:
    order = start("1")
    for response in (
        at_desk.get(reverse("payments_orders:add")),
        at_desk.get(reverse("payments_orders:edit", args=[order.pk])),
        at_desk.post(reverse("payments_orders:delete", args=[order.pk])),
    ):
        assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused
    assert Order.objects.filter(pk=order.pk).exists()


def test_coupons_are_made_in_the_admin_and_checked(admin_client: Client) -> None:
    add = reverse("payments_coupons:add")
    fields = {"code": "SPRING", "percent_off": "20", "amount_off": "", "currency": "",
              "max_uses": "50", "valid_from": "", "valid_until": "", "active": "on",
              "description": ""}  # fmt: skip

    made = admin_client.post(add, fields)
    both = admin_client.post(add, {**fields, "code": "BOTH", "amount_off": "5", "currency": "USD"})
    same = admin_client.post(add, {**fields, "code": "spring"})

    assert made.status_code == 302
    assert "Give either a percentage, or a fixed amount with its currency." in both.content.decode()
    assert "already exists" in same.content.decode()
    assert list(Coupon.objects.values_list("code", "percent_off", "max_uses")) == [
        ("SPRING", Decimal("20.00"), 50)
    ]
