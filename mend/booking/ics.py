"""Calendar files (RFC 5545 / iTIP RFC 5546) for visits: invitations, cancellations, feeds.

One visit is one event whose UID never changes; moving it raises SEQUENCE so
calendar apps update the event they already have, and cancelling sends
METHOD:CANCEL with the next SEQUENCE. Times are written in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from mend.booking.models import Appointment, Clinician

PRODID = "-//Mend//Booking//EN"


def uid(appointment: Appointment) -> str:
    return f"{appointment.uid}@{urlsplit(settings.BASE_URL).hostname}"


def manage_url(appointment: Appointment) -> str:
    return settings.BASE_URL + reverse("booking:manage", args=[appointment.manage_token()])


def where(appointment: Appointment) -> str:
    if appointment.video_link:
        return appointment.video_link
    if appointment.location is None:
        return ""
    address = appointment.location.one_line_address()
    return f"{appointment.location.name}, {address}" if address else appointment.location.name


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _event(
    appointment: Appointment, *, now: datetime, for_patient: bool, cancelled: bool = False
) -> Event:
    event = Event()
    event.add("uid", uid(appointment))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    clinician = appointment.clinician.full_name()
    details = for_patient or settings.MEND_CALENDAR_FEED_DETAILS
    if for_patient:
        event.add("summary", f"{appointment.visit_type.name} with {clinician}")
    else:
        patient = appointment.name if details else initials(appointment.name)
        event.add("summary", f"{appointment.visit_type.name}: {patient}")
    place = where(appointment)
    if place:
        event.add("location", place)
    if appointment.video_link:
        event.add("url", appointment.video_link)
    event.add("description", _description(appointment, for_patient=for_patient))
    organizer = vCalAddress(f"mailto:{settings.MEND_PRACTICE_EMAIL}")
    organizer.params["cn"] = vText(settings.MEND_SITE_NAME)
    event.add("organizer", organizer)
    if details:
        attendee = vCalAddress(f"mailto:{appointment.email}")
        attendee.params["cn"] = vText(appointment.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    return event


def _description(appointment: Appointment, *, for_patient: bool) -> str:
    """No manage link: a calendar file ends up in third-party calendar services, and the
    link opens the visit's intake answers (the confirmation email carries it)."""
    lines = [f"{appointment.visit_type.name} with {appointment.clinician.full_name()}."]
    if appointment.video_link:
        lines.append(f"Join the video visit: {appointment.video_link}")
    elif appointment.location:
        lines.append(f"Where: {where(appointment)}")
    if for_patient:
        site = settings.MEND_SITE_NAME
        lines.append(f"To change or cancel, use the link in your confirmation email from {site}.")
    elif settings.MEND_CALENDAR_FEED_DETAILS:
        lines.append(f"Patient: {appointment.name} <{appointment.email}>")
    else:
        lines.append(f"Patient: {initials(appointment.name)}")
    return "\n".join(lines)


def initials(name: str) -> str:
    """ "Maria José Santos" → "M. J. S.": enough for a clinician to tell visits apart in
    a calendar service that has no business knowing who the patient is."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word[0].isalnum()) or "?"


def invitation(appointment: Appointment, *, now: datetime) -> bytes:
    """METHOD:REQUEST: add the visit, or update it if the calendar already holds it."""
    calendar = _calendar("REQUEST")
    calendar.add_component(_event(appointment, now=now, for_patient=True))
    return bytes(calendar.to_ical())


def cancellation(appointment: Appointment, *, now: datetime) -> bytes:
    """METHOD:CANCEL with the SEQUENCE the cancellation raised: remove the visit."""
    calendar = _calendar("CANCEL")
    calendar.add_component(_event(appointment, now=now, for_patient=True, cancelled=True))
    return bytes(calendar.to_ical())


def series_invitation(appointments: Iterable[Appointment], *, now: datetime) -> bytes:
    calendar = _calendar("REQUEST")
    for appointment in appointments:
        calendar.add_component(_event(appointment, now=now, for_patient=True))
    return bytes(calendar.to_ical())


def feed(clinician: Clinician, appointments: Iterable[Appointment], *, now: datetime) -> bytes:
    """The clinician's subscription: every visit, cancelled ones marked so apps drop them."""
    calendar = _calendar("PUBLISH", name=f"{settings.MEND_SITE_NAME}: {clinician.full_name()}")
    for appointment in appointments:
        cancelled = appointment.status == Appointment.Status.CANCELLED
        calendar.add_component(_event(appointment, now=now, for_patient=False, cancelled=cancelled))
    return bytes(calendar.to_ical())
