"""A signed "form shown at" stamp for public forms.

Public forms (comments, contact) carry the moment the page was served, signed,
so a submission that comes back faster than a person could type is held back
as spam and a forged or replayed stamp is refused.
"""

from __future__ import annotations

import time

from django.core import signing

FIELD_NAME = "shown_at"
_SALT = "mend.forms.shown-at"


def issue(now: float | None = None) -> str:
    moment = time.time() if now is None else now
    return signing.dumps(int(moment), salt=_SALT, compress=False)


def age_seconds(stamp: str, *, now: float, max_age: int) -> float | None:
    """Seconds since the stamp was issued, or None for a forged or expired stamp."""
    try:
        issued = signing.loads(stamp, salt=_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(issued, int):
        return None
    return now - issued
