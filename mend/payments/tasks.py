"""Payments' queued work: the receipt, sent once however often it is queued."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from mend.payments.models import Order


@task()
def send_receipt(order_id: int) -> bool:
    """Email the buyer the receipt of a paid order, once. True if this call sent it."""
    claimed = Order.objects.filter(
        pk=order_id, status=Order.Status.PAID, receipt_sent_at__isnull=True
    ).update(receipt_sent_at=timezone.now())
    if not claimed:
        return False
    order = Order.objects.select_related("coupon").get(pk=order_id)
    body = render_to_string(
        "payments/email/receipt.txt",
        {
            "site_name": settings.MEND_SITE_NAME,
            "order": order,
            "lines": list(order.lines.all()),
            "url": settings.BASE_URL + reverse("payments:receipt", args=[order.reference]),
        },
    )
    message = EmailMessage(
        subject=f"{settings.MEND_SITE_NAME}: your receipt for order {order.reference}",
        body=body,
        to=[order.email],
    )
    try:
        message.send()
    except Exception:
        # Unsent: clear the stamp so that a retry may send it.
        Order.objects.filter(pk=order_id).update(receipt_sent_at=None)
        raise
    return True
