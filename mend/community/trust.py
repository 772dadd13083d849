"""Who may skip moderation: a commenter who has shown they wrote an approved comment.

Typing an address proves nothing (anyone can type anyone's). Two things do:
a signed-in account whose address is verified, or this browser's signed cookie
listing the comments it posted, one of them since approved with the same
address. The cookie is issued with every comment posted (the approval happens
later, in an editor's browser), and only the server can write or extend it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE = "mend_commenter"
_SALT = "mend.community.trust"
MAX_AGE = 365 * 24 * 3600
KEEP = 20  # the newest comments a browser remembers having posted


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def signed(comment_ids: list[int]) -> str:
    return _signer().sign(",".join(str(pk) for pk in comment_ids[-KEEP:]))


def posted_ids(request: HttpRequest) -> list[int]:
    """The comments this browser posted, from its cookie; none if absent, altered or old."""
    value = request.COOKIES.get(COOKIE, "")
    if not value:
        return []
    try:
        raw = _signer().unsign(value, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    return [int(part) for part in raw.split(",") if part.isascii() and part.isdigit()]


def remember(request: HttpRequest, response: HttpResponse, comment_id: int) -> None:
    """Add a comment just posted to the browser's list."""
    ids = [pk for pk in posted_ids(request) if pk != comment_id] + [comment_id]
    response.set_cookie(
        COOKIE,
        signed(ids),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
