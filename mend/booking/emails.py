"""The emails booking sends, built from the visit as it stands when the task runs."""

from __future__ import annotations

from datetime import datetime
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from mend.booking import formatting, ics, packages, tokens
from mend.booking.identity import verified_account
from mend.booking.models import Appointment, CareSeries, WaitlistOffer

SUBJECTS = {
    "confirmed": "Booked: {visit} on {when}",
    "rescheduled": "Moved: {visit} is now on {when}",
    "cancelled": "Cancelled: {visit} on {when}",
    "reminder": "Reminder: {visit} on {when}",
}


def _calendar_part(content: bytes, method: str) -> MIMEBase:
    part = MIMEText(content.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="visit.ics")
    return part


def _context(appointment: Appointment) -> dict[str, Any]:
    return {
        "appointment": appointment,
        "when": formatting.when(appointment.start, appointment.time_zone),
        "manage_url": ics.manage_url(appointment),
        "where": ics.where(appointment),
        "paid_note": packages.paid_note(appointment),
        "site_name": settings.MEND_SITE_NAME,
        "base_url": settings.BASE_URL,
    }


def appointment_message(appointment: Appointment, *, kind: str, now: datetime) -> EmailMessage:
    """confirmed, rescheduled, cancelled or reminder, with the calendar update it needs."""
    context = _context(appointment)
    if kind == "confirmed" and appointment.patient_id is None:
        context["link_url"] = account_link_url(appointment)
    subject = SUBJECTS[kind].format(
        visit=appointment.visit_type.name,
        when=formatting.when(appointment.start, appointment.time_zone),
    )
    message = EmailMessage(
        subject=subject,
        body=render_to_string(f"booking/email/{kind}.txt", context),
        to=[appointment.email],
        reply_to=[settings.MEND_PRACTICE_EMAIL],
    )
    if kind in {"confirmed", "rescheduled"}:
        message.attach(_calendar_part(ics.invitation(appointment, now=now), "REQUEST"))
    elif kind == "cancelled":
        message.attach(_calendar_part(ics.cancellation(appointment, now=now), "CANCEL"))
    return message


def account_link_url(appointment: Appointment) -> str:
    """For a guest whose address belongs to an account: a link that proves it and attaches."""
    if verified_account(appointment.email) is None:
        return ""
    token = tokens.link_token(appointment.uid, appointment.email)
    return settings.BASE_URL + reverse("booking:link_account", args=[token])


def series_message(series: CareSeries, *, now: datetime) -> EmailMessage:
    appointments = list(
        series.appointments.select_related(
            "visit_type", "clinician", "location", "paid_with__package"
        ).order_by("start")
    )
    visits = [
        {
            "when": formatting.when(item.start, item.time_zone),
            "manage_url": ics.manage_url(item),
            "package": item.paid_with.package.name if item.paid_with else "",
        }
        for item in appointments
    ]
    context = {"series": series, "visits": visits, "site_name": settings.MEND_SITE_NAME}
    context["where"] = ics.where(appointments[0]) if appointments else ""
    message = EmailMessage(
        subject=f"Your plan of care: {len(visits)} visits with {series.clinician.full_name()}",
        body=render_to_string("booking/email/series.txt", context),
        to=[series.email],
        reply_to=[settings.MEND_PRACTICE_EMAIL],
    )
    message.attach(_calendar_part(ics.series_invitation(appointments, now=now), "REQUEST"))
    return message


def offer_message(offer: WaitlistOffer) -> EmailMessage:
    hold, entry = offer.hold, offer.entry
    context = {
        "entry": entry,
        "hold": hold,
        "when": formatting.when(hold.start, entry.time_zone),
        "until": formatting.when(hold.expires_at, entry.time_zone),
        "claim_url": settings.BASE_URL + reverse("booking:claim", args=[offer.token()]),
        "site_name": settings.MEND_SITE_NAME,
    }
    return EmailMessage(
        subject=f"A time opened up: {hold.visit_type.name} on {context['when']}",
        body=render_to_string("booking/email/offer.txt", context),
        to=[entry.email],
        reply_to=[settings.MEND_PRACTICE_EMAIL],
    )
