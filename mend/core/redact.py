"""The secrets some addresses carry, and how logs write them: ``[redacted]``.

A visit's manage link, a waitlist offer, an account link and a clinician's
calendar feed carry their secret in the path, and so do allauth's email
confirmation and password reset links. Whoever reads a log must not be able to
open them. This is the one list of those paths: Mend's log filter and request
log use it, and deploy/nginx.conf's access-log maps redact the same prefixes
(tests/core/test_requestlog.py holds the two together).
"""

from __future__ import annotations

import re

# Each prefix is followed by one path segment that is the secret.
SECRET_PREFIXES = (
    "/book/manage/",
    "/book/offer/",
    "/book/link/",
    "/clinic/feed/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/key/",
)
# allauth's page after a reset holds no key.
_NOT_SECRET = ("done/",)

SECRET_PATH = re.compile(
    "("
    + "|".join(re.escape(prefix) for prefix in SECRET_PREFIXES)
    + ")"
    + "".join(f"(?!{re.escape(segment)})" for segment in _NOT_SECRET)
    + r"[^/\s\"'?#]+"
)
REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    """``text`` with the secret segment of every secret-carrying path replaced."""
    return SECRET_PATH.sub(REDACTED, text)
