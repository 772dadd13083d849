"""Booking's queued work, run by `mend worker`: emails, reminders, waitlist offers.

Every email is claimed before it is sent: a row in ``Notification`` (unique per
appointment and key) or a compare-and-set on a "sent at" column. However often
a task is queued or retried, a message goes out once; if sending fails the
claim is released, so a retry may send it. The ``after_*`` functions run when a
booking transaction commits and queue what follows from it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from mend.booking import emails
from mend.booking.models import (
    Appointment,
    CareSeries,
    Notification,
    SlotHold,
    WaitlistOffer,
)

logger = logging.getLogger(__name__)

_RELATED = ("visit_type", "clinician", "location")


# Queued when a transaction commits


def after_booking(appointment_id: int) -> None:
    appointment = Appointment.objects.get(pk=appointment_id)
    send_appointment_email.enqueue(appointment_id, "confirmed", appointment.sequence)
    schedule_reminders(appointment)


def after_reschedule(appointment_id: int, clinician_id: int, old_start: str) -> None:
    appointment = Appointment.objects.get(pk=appointment_id)
    send_appointment_email.enqueue(appointment_id, "rescheduled", appointment.sequence)
    schedule_reminders(appointment)
    offer_freed_time.enqueue(clinician_id, old_start)


def after_cancellation(appointment_id: int) -> None:
    appointment = Appointment.objects.get(pk=appointment_id)
    send_appointment_email.enqueue(appointment_id, "cancelled", appointment.sequence)
    offer_freed_time.enqueue(appointment.clinician_id, appointment.start.isoformat())


def after_series(series_id: int) -> None:
    send_series_email.enqueue(series_id)
    for appointment in Appointment.objects.filter(series_id=series_id):
        schedule_reminders(appointment)


def after_hold(hold_id: int) -> None:
    hold = SlotHold.objects.get(pk=hold_id)
    for offer_id in hold.offers.values_list("pk", flat=True):
        send_offer_email.enqueue(offer_id)
    if _can_defer():
        lapse_hold.using(run_after=hold.expires_at).enqueue(hold_id)


def _can_defer() -> bool:
    if send_reminder.get_backend().supports_defer:
        return True
    logger.info("The task backend cannot run tasks later: no reminders or hold expiry queued.")
    return False


def schedule_reminders(appointment: Appointment) -> None:
    """One task per reminder, to run that many hours before the visit (if still ahead)."""
    if not _can_defer():
        return
    now = timezone.now()
    for hours in settings.MEND_BOOKING_REMINDER_HOURS:
        run_at = appointment.start - timedelta(hours=hours)
        if run_at > now:
            send_reminder.using(run_after=run_at).enqueue(
                appointment.pk, hours, appointment.start.isoformat()
            )


# Tasks


def _claim(appointment_id: int, key: str) -> bool:
    try:
        with transaction.atomic():
            Notification.objects.create(
                appointment_id=appointment_id, key=key, sent_at=timezone.now()
            )
    except IntegrityError:
        return False
    return True


def _release(appointment_id: int, key: str) -> None:
    Notification.objects.filter(appointment_id=appointment_id, key=key).delete()


@task()
def send_appointment_email(appointment_id: int, kind: str, sequence: int) -> bool:
    """The email for one change of a visit (confirmed, rescheduled, cancelled). True if sent."""
    appointment = Appointment.objects.select_related(*_RELATED).filter(pk=appointment_id).first()
    key = f"{kind}:{sequence}"
    if appointment is None or not _claim(appointment_id, key):
        return False
    try:
        emails.appointment_message(appointment, kind=kind, now=timezone.now()).send()
    except Exception:
        _release(appointment_id, key)
        raise
    return True


@task()
def send_reminder(appointment_id: int, hours: int, starts_at: str) -> bool:
    """A reminder for a visit still booked at the time it was queued for. True if sent."""
    start = datetime.fromisoformat(starts_at)
    key = f"reminder:{hours}h:{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related(*_RELATED)
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or appointment.status != Appointment.Status.BOOKED:
            return False  # cancelled (or marked) since: nothing to remind of
        if appointment.start != start or appointment.start <= timezone.now():
            return False  # moved since (its new time has its own reminders), or already begun
        if not _claim(appointment_id, key):
            return False
    try:
        emails.appointment_message(appointment, kind="reminder", now=timezone.now()).send()
    except Exception:
        _release(appointment_id, key)
        raise
    return True


@task()
def send_series_email(series_id: int) -> bool:
    claimed = CareSeries.objects.filter(pk=series_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    series = CareSeries.objects.select_related("clinician").get(pk=series_id)
    try:
        emails.series_message(series, now=timezone.now()).send()
    except Exception:
        CareSeries.objects.filter(pk=series_id).update(emailed_at=None)
        raise
    return True


@task()
def send_offer_email(offer_id: int) -> bool:
    claimed = WaitlistOffer.objects.filter(pk=offer_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    offer = WaitlistOffer.objects.select_related("hold__visit_type", "entry").get(pk=offer_id)
    try:
        emails.offer_message(offer).send()
    except Exception:
        WaitlistOffer.objects.filter(pk=offer_id).update(sent_at=None)
        raise
    return True


@task()
def offer_freed_time(clinician_id: int, starts_at: str) -> int | None:
    """A visit's time came free: hold it for the waitlist. The hold's id, if any."""
    from mend.booking import services  # services queues these tasks: import at run time

    hold = services.offer_freed_time(
        clinician_id=clinician_id, start=datetime.fromisoformat(starts_at), now=timezone.now()
    )
    return hold.pk if hold else None


@task()
def lapse_hold(hold_id: int) -> int | None:
    """A hold ran out unclaimed: offer the time to the next patients. The next hold's id."""
    from mend.booking import services

    hold = services.lapse_hold(hold_id=hold_id, now=timezone.now())
    return hold.pk if hold else None
