"""How often one client, and one email address, may book or join the waitlist.

Each booking and each waitlist entry sends an email, so without a limit a script
could fill the calendar and have the clinic's mail server write to any address.
Counts live in the shared cache (``mend.community.ratelimit``), keyed by HMAC.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from mend.community import ratelimit

ADDRESS_LIMITED = (
    "There have been too many bookings from your connection in a short time. "
    "Please try again in an hour, or call the clinic."
)
EMAIL_LIMITED = (
    "There have been too many bookings for this email address in a short time. "
    "Please try again in an hour, or call the clinic."
)


def address_exceeded(request: HttpRequest) -> bool:
    """Count one post from the client's address; True once it is over the limit."""
    return not ratelimit.allow(
        ratelimit.address_hash(request),
        limit=settings.MEND_BOOKING_RATE_LIMIT,
        window=settings.MEND_BOOKING_RATE_WINDOW,
        scope="booking:address",
    )


def email_exceeded(email: str) -> bool:
    """Count one post for the email address (any case); True once it is over the limit."""
    return not ratelimit.allow(
        ratelimit.keyed(email.strip().lower()),
        limit=settings.MEND_BOOKING_EMAIL_RATE_LIMIT,
        window=settings.MEND_BOOKING_RATE_WINDOW,
        scope="booking:email",
    )
