"""The secrets in booking links: manage links, calendar feeds, waitlist offers, account links.

Every token is an HMAC signature (Django's signing, keyed by the secret key)
over an identifier that is not secret itself. Nothing secret is stored, so a
copy of the database gives no working links; verifying compares in constant
time; and any email can carry the link again (a reminder sent days later
includes the same manage link). Rotating the secret key retires every link
unless the old key is kept in ``SECRET_KEY_FALLBACKS``. Tokens appear in URLs,
so ``mend.booking.logs`` keeps them out of the logs.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core import signing

_SEP = "."
LINK_MAX_AGE = 14 * 24 * 3600  # seconds an "add this visit to your account" link works


def _signer(purpose: str) -> signing.Signer:
    return signing.Signer(salt=f"mend.booking.{purpose}", sep=_SEP, algorithm="sha256")


def _unsign(purpose: str, token: str) -> str | None:
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        return _signer(purpose).unsign(token)
    except signing.BadSignature:
        return None


def manage_token(uid: uuid.UUID) -> str:
    return _signer("manage").sign(uid.hex)


def manage_uid(token: str) -> uuid.UUID | None:
    value = _unsign("manage", token)
    try:
        return uuid.UUID(hex=value) if value else None
    except ValueError:
        return None


def feed_token(clinician_id: int, key: str) -> str:
    return _signer("feed").sign(f"{clinician_id}-{key}")


def feed_parts(token: str) -> tuple[int, str] | None:
    value = _unsign("feed", token)
    if not value or "-" not in value:
        return None
    pk, key = value.split("-", 1)
    return (int(pk), key) if pk.isdigit() else None


def offer_token(offer_id: int) -> str:
    return _signer("offer").sign(str(offer_id))


def offer_id(token: str) -> int | None:
    value = _unsign("offer", token)
    return int(value) if value and value.isdigit() else None


def link_token(uid: uuid.UUID, email: str) -> str:
    signer = signing.TimestampSigner(salt="mend.booking.link", sep=_SEP, algorithm="sha256")
    return signer.sign_object({"a": uid.hex, "e": email})


def link_parts(token: str) -> tuple[uuid.UUID, str] | None:
    signer = signing.TimestampSigner(salt="mend.booking.link", sep=_SEP, algorithm="sha256")
    try:
        data: Any = signer.unsign_object(token, max_age=LINK_MAX_AGE)
        return uuid.UUID(hex=data["a"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
