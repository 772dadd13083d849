from __future__ import annotations

from django.urls import path, register_converter

from mend.payments import views

app_name = "payments"


class OrderReference:
    regex = "[0-9A-F]{20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrderReference, "order_ref")

urlpatterns = [
    path("checkout/start/", views.start, name="start"),
    path("checkout/<order_ref:reference>/", views.checkout, name="checkout"),
    path("checkout/<order_ref:reference>/coupon/", views.coupon, name="coupon"),
    path("checkout/<order_ref:reference>/pay/", views.pay, name="pay"),
    path("checkout/<order_ref:reference>/done/", views.done, name="done"),
    path("me/orders/", views.orders, name="orders"),
    path("me/orders/<order_ref:reference>/", views.receipt, name="receipt"),
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
