"""Links that carry a dosage: "Start this routine" from an article's exercise block.

The dosage travels signed in the query string, so an article can offer its
own dosage for a library exercise without the start page trusting the URL.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse

from mend.exercises.dosage import Dosage, DosageError

PARAM = "dosage"
_SALT = "mend.exercises.start-dosage"


def start_url(slug: str, dosage: Dosage | None = None) -> str:
    """The start page of an exercise, with the given dosage if it is not the exercise's own."""
    url = reverse("exercises:start", args=[slug])
    if dosage is None:
        return url
    token = signing.dumps(dosage.to_dict(), salt=_SALT, compress=True)
    return f"{url}?{urlencode({PARAM: token})}"


def dosage_from_token(token: str) -> Dosage | None:
    """The dosage a start link carries, or None if the link was altered or is unreadable."""
    try:
        data = signing.loads(token, salt=_SALT)
        return Dosage.from_dict(data)
    except (signing.BadSignature, DosageError, ValueError, TypeError):
        return None
