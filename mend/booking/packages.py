"""Visit packages: sold through checkout (mend.payments) as the kind "package", spent by booking.

Payments sits below booking and never imports it: booking registers the kind from its
AppConfig.ready(). Paying for a package's order line creates one ``PackagePurchase``
with its credits (once per line: the line is unique on the purchase). Booking spends a
credit inside its own transaction (``spend``), so a lost race, a retry or a failed
booking spends none; a cancellation gives it back (``give_back``) unless it was late and
MEND_PACKAGE_LATE_CANCEL says the credit is forfeit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils.http import urlencode

from mend.booking.models import Appointment, PackagePurchase, VisitPackage, VisitType
from mend.core import portal
from mend.payments import products
from mend.payments.models import OrderLine

KIND = "package"
FORFEIT, RETURN = "forfeit", "return"


# The kind of product


def _package(ref: str) -> VisitPackage | None:
    if not ref.isdigit():
        return None
    return VisitPackage.objects.filter(pk=int(ref), active=True).first()


def find(ref: str) -> products.Product | None:
    package = _package(ref)
    if package is None:
        return None
    return products.Product(
        kind=KIND,
        ref=str(package.pk),
        description=f"Visit package: {package.name}",
        unit_price=package.price,
        currency=package.currency,
        pay_at_clinic=package.pay_at_clinic,
    )


def fulfil(line: OrderLine, now: datetime) -> None:
    """Grant the credits bought on this line (called once, as the order is marked paid)."""
    package = VisitPackage.objects.get(pk=int(line.ref))
    visits = package.visits * line.quantity
    PackagePurchase.objects.get_or_create(
        order_line=line,
        defaults={
            "package": package,
            "patient_id": line.order.buyer_id,
            "visits": visits,
            "remaining": visits,
            "paid_at": now,
            "expires_at": now + timedelta(days=package.validity_days),
        },
    )


def revoke(line: OrderLine, now: datetime) -> None:
    """A refund voids the credits not yet used; visits already paid with it stay booked."""
    PackagePurchase.objects.filter(order_line=line, voided_at__isnull=True).update(
        remaining=0, voided_at=now
    )


def next_url(line: OrderLine) -> str:
    """Booking the package's (first) visit type, once it is paid."""
    package = VisitPackage.objects.filter(pk=int(line.ref)).first()
    visit_type = package.visit_types.filter(is_active=True).first() if package else None
    if visit_type is None:
        return reverse("booking:book")
    return reverse("booking:book") + "?" + urlencode({"visit": visit_type.slug})


def register() -> None:
    products.register(
        products.Kind(name=KIND, find=find, fulfil=fulfil, revoke=revoke, next_url=next_url)
    )


# Spending and giving back credits (inside booking's transaction)


def spend(patient: Any, visit_type: VisitType, *, now: datetime) -> PackagePurchase | None:
    """Take one credit for this visit type from the patient's package that expires first.
    A compare-and-set with F(): two bookings cannot both take the last credit."""
    if patient is None:
        return None
    candidates = (
        PackagePurchase.objects.usable(now)
        .filter(patient=patient, package__visit_types=visit_type)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in candidates:
        taken = (
            PackagePurchase.objects.usable(now).filter(pk=pk).update(remaining=F("remaining") - 1)
        )
        if taken:
            return PackagePurchase.objects.select_related("package").get(pk=pk)
    return None


def give_back(appointment: Appointment, *, late: bool) -> bool:
    """Return the credit a cancelled visit was paid with; call once, with the cancellation.
    A late cancellation forfeits it unless MEND_PACKAGE_LATE_CANCEL is "return"."""
    if appointment.paid_with_id is None:
        return False
    if late and settings.MEND_PACKAGE_LATE_CANCEL != RETURN:
        return False
    return bool(
        PackagePurchase.objects.filter(
            pk=appointment.paid_with_id, voided_at__isnull=True, remaining__lt=F("visits")
        ).update(remaining=F("remaining") + 1)
    )


# What the pages and emails say


def visits_left(count: int) -> str:
    return f"{count} visit left" if count == 1 else f"{count} visits left"


def paid_note(appointment: Appointment) -> str:
    """e.g. "Paid with your package '6 follow-ups' (4 visits left)"; empty if not."""
    purchase = appointment.paid_with
    if purchase is None:
        return ""
    return f"Paid with your package '{purchase.package.name}' ({visits_left(purchase.remaining)})"


def credits_for(patient: Any, *, now: datetime) -> list[PackagePurchase]:
    return list(
        PackagePurchase.objects.visible_to(patient)
        .filter(patient=patient)
        .usable(now)
        .select_related("package")
        .prefetch_related("package__visit_types")
    )


def _panel(user: Any, now: datetime) -> dict[str, Any] | None:
    if not user.is_authenticated:
        return None
    found = credits_for(user, now=now)
    if not found:
        return None
    return {"credits": found, "packages_url": reverse("booking:packages")}


def register_panel() -> None:
    portal.register(
        portal.Panel(
            name="packages", template="booking/includes/packages_panel.html", context=_panel
        )
    )
