"""Payments in the back office: orders (listed, inspected, marked paid at the clinic) and
coupons. Orders change only through the checkout's services, so the admin neither adds,
edits nor deletes them; marking one paid is its own audited action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mend.core.audited_admin import AuditedInspectView, AuditedModelViewSet
from mend.core.http import see_other
from mend.payments import services
from mend.payments.models import Coupon, Order


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Django's model permissions for viewing; nobody adds, edits or deletes orders here."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action not in ("add", "change", "delete") and super().user_has_permission(
            user, action
        )

    def users_with_any_permission(self, actions: Any) -> Any:
        allowed = [action for action in actions if action not in ("add", "change", "delete")]
        return super().users_with_any_permission(allowed)


register_permission_policy(Order, ReadOnlyPolicy(Order))


def can_mark_paid(user: Any, order: Order) -> bool:
    awaiting = order.status == Order.Status.AWAITING_PAYMENT and order.method == Order.Method.CLINIC
    return awaiting and (user.is_superuser or user.has_perm("payments.change_order"))


class OrderInspectView(AuditedInspectView):
    @property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        if can_mark_paid(self.request.user, self.object):
            url = reverse("payments_orders:mark_paid", args=[self.object.pk])
            buttons.append(Button("Mark paid at the clinic", url=url, icon_name="tick", priority=5))
        return buttons


def mark_paid_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then mark paid (POST): staff took the payment at the clinic."""
    order = get_object_or_404(Order.objects.select_related("buyer"), pk=pk)
    if not (request.user.is_superuser or request.user.has_perm("payments.change_order")):
        raise PermissionDenied
    inspect_url = reverse("payments_orders:inspect", args=[order.pk])
    if request.method == "POST":
        try:
            services.mark_paid(order, by=request.user, now=timezone.now())
        except services.PaymentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Order {order.reference} is marked paid.")
        return see_other(inspect_url)
    context = {
        "order": order,
        "can_mark": can_mark_paid(request.user, order),
        "inspect_url": inspect_url,
        "page_title": f"Mark order {order.reference} paid",
        "header_title": f"Mark order {order.reference} paid",
        "header_icon": "tick",
    }
    return render(request, "payments/admin/mark_paid.html", context)


class OrderViewSet(AuditedModelViewSet):
    model = Order
    icon = "form"
    menu_label = "Orders"
    patient_field = "buyer"
    list_display = ["reference", "buyer", "total_display", "status", "method", "created_at"]
    list_filter = ["status", "method", "currency"]
    search_fields = ["reference", "email"]
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    inspect_view_fields = [
        "reference", "buyer", "email", "currency", "subtotal", "discount", "total", "status",
        "method", "coupon", "provider_reference", "provider_payment", "created_at", "paid_at",
        "marked_paid_by", "refunded_at", "cancelled_at", "receipt_sent_at",
    ]  # fmt: skip
    form_fields = ["email"]
    copy_view_enabled = False

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("mark-paid/<int:pk>/", mark_paid_view, name="mark_paid"),
        ]


class CouponViewSet(ModelViewSet):
    model = Coupon
    icon = "tag"
    menu_label = "Coupons"
    list_display = ["code", "percent_off", "amount_off", "currency", "uses", "max_uses", "active"]
    list_filter = ["active"]
    search_fields = ["code", "description"]
    form_fields = [
        "code", "description", "percent_off", "amount_off", "currency", "max_uses",
        "valid_from", "valid_until", "active",
    ]  # fmt: skip
    copy_view_enabled = False


class PaymentsGroup(ModelViewSetGroup):
    menu_label = "Payments"
    menu_icon = "form"
    menu_order = 250
    items = (OrderViewSet("payments_orders"), CouponViewSet("payments_coupons"))


@hooks.register("register_admin_viewset")
def register_payments() -> PaymentsGroup:
    return PaymentsGroup()
