"""Checkout pages (/checkout/…), the buyer's orders and receipts (/me/orders/), and Stripe's
webhook. Every order is fetched through ``visible_to``: anyone else's is a 404. A card
payment is fulfilled only by the webhook: the page the buyer returns to only waits for it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mend.core import audit
from mend.core.http import no_store, see_other
from mend.payments import services
from mend.payments.forms import CouponForm, PayForm, StartForm
from mend.payments.models import Order

Status = Order.Status

METHOD_LABELS = {
    Order.Method.FREE: "Get it free",
    Order.Method.COUPON: "Use the coupon and confirm",
    Order.Method.CARD: "Pay by card",
    Order.Method.CLINIC: "Pay at the clinic",
}


def _get_order_for_user(request: HttpRequest, reference: str) -> Order:
    order = (
        Order.objects.visible_to(request.user)
        .select_related("buyer", "coupon")
        .filter(reference=reference)
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    audit.read(request, order.buyer, order)
    return order


def _methods(order: Order) -> list[tuple[str, str]]:
    if order.status not in services.UNSETTLED:
        return []
    methods = services.available_methods(order)
    if order.status == Status.AWAITING_PAYMENT:
        # Chosen already: only card payment (started or resumed) is left to do here.
        methods = [method for method in methods if method == Order.Method.CARD]
    return [(method, METHOD_LABELS[method]) for method in methods]


def _checkout_page(
    request: HttpRequest, order: Order, *, coupon_form: Any = None, pay_form: Any = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    methods = _methods(order)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "coupon_form": coupon_form
        or CouponForm(initial={"code": getattr(order.coupon, "code", "")}),
        "pay_form": pay_form or PayForm(methods=methods),
        "methods": methods,
        "card_offered": any(method == Order.Method.CARD for method, _ in methods),
    }
    return no_store(render(request, "payments/checkout.html", context, status=status))


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """A product page posts here. Someone not signed in is sent to sign in, and comes back
    to a page (reached by GET, so it survives the sign-in) that asks to confirm the order."""
    if request.method == "GET":
        return _confirm_start(request)
    form = StartForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, status=400)
    data = form.cleaned_data
    if not request.user.is_authenticated:
        return see_other(f"{settings.LOGIN_URL}?{urlencode({'next': _start_address(data)})}")
    try:
        order = services.start_order(
            buyer=request.user, kind=data["kind"], ref=data["ref"],
            quantity=data["quantity"] or 1, now=timezone.now(),
        )  # fmt: skip
    except services.PaymentError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _refused(request, form, status=409 if error.field == "ref" else 400)
    return see_other("payments:checkout", order.reference)


def _start_address(data: dict[str, Any]) -> str:
    query = {"kind": data["kind"], "ref": data["ref"]}
    if data.get("quantity"):
        query["quantity"] = data["quantity"]
    return f"{reverse('payments:start')}?{urlencode(query)}"


@login_required
def _confirm_start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.GET)
    if not form.is_valid():
        return _refused(request, form, status=400)
    data = form.cleaned_data
    try:
        product = services.offer(kind=data["kind"], ref=data["ref"], quantity=data["quantity"] or 1)
    except services.PaymentError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _refused(request, form, status=409 if error.field == "ref" else 400)
    context = {"product": product, "quantity": data["quantity"] or 1}
    return no_store(render(request, "payments/start_confirm.html", context))


def _refused(request: HttpRequest, form: StartForm, *, status: int) -> HttpResponse:
    return no_store(render(request, "payments/start_refused.html", {"form": form}, status=status))


@require_GET
@login_required
def checkout(request: HttpRequest, reference: str) -> HttpResponse:
    order = _get_order_for_user(request, reference)
    if order.status not in services.UNSETTLED:
        return redirect("payments:receipt", order.reference)
    return _checkout_page(request, order)


@require_POST
@login_required
def coupon(request: HttpRequest, reference: str) -> HttpResponse:
    order = _get_order_for_user(request, reference)
    form = CouponForm(request.POST)
    if not form.is_valid():
        return _checkout_page(request, order, coupon_form=form, status=400)
    try:
        services.apply_coupon(order, code=form.cleaned_data["code"], now=timezone.now())
    except services.PaymentError as error:
        form.add_error("code", error.message)
        return _checkout_page(request, order, coupon_form=form, status=400)
    return see_other("payments:checkout", order.reference)


@require_POST
@login_required
def pay(request: HttpRequest, reference: str) -> HttpResponse:
    order = _get_order_for_user(request, reference)
    form = PayForm(request.POST, methods=_methods(order))
    if not form.is_valid():
        return _checkout_page(request, order, pay_form=form, status=400)
    done = request.build_absolute_uri(_url("payments:done", order))
    back = request.build_absolute_uri(_url("payments:checkout", order))
    try:
        where = services.pay(
            order, method=form.cleaned_data["method"], success_url=done, cancel_url=back,
            now=timezone.now(),
        )  # fmt: skip
    except services.PaymentError as error:
        form.add_error("method" if error.field in ("method", None) else None, error.message)
        order.refresh_from_db()
        return _checkout_page(request, order, pay_form=form, status=409)
    return see_other(where)


def _url(name: str, order: Order) -> str:
    return reverse(name, args=[order.reference])


@require_GET
@login_required
def done(request: HttpRequest, reference: str) -> HttpResponse:
    """Where Stripe sends the buyer back: it shows the order's state and never changes it."""
    order = _get_order_for_user(request, reference)
    next_url = services.next_url(order) if order.status == Status.PAID else ""
    context = {"order": order, "next_url": next_url}
    return no_store(render(request, "payments/done.html", context))


@require_GET
@login_required
def orders(request: HttpRequest) -> HttpResponse:
    mine = Order.objects.filter(buyer=request.user)
    context = {"orders": mine.prefetch_related("lines")}
    return no_store(render(request, "payments/orders.html", context))


@require_GET
@login_required
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    order = _get_order_for_user(request, reference)
    context = {"order": order, "lines": list(order.lines.all())}
    return no_store(render(request, "payments/receipt.html", context))


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    signature = request.headers.get("Stripe-Signature", "")
    try:
        outcome = services.handle_stripe_webhook(request.body, signature, now=timezone.now())
    except services.WebhookRejected as error:
        return HttpResponse(error.message, status=400, content_type="text/plain")
    return HttpResponse(outcome, content_type="text/plain")
