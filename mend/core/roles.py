"""Roles are Django groups; these are their names, created by a data migration."""

from __future__ import annotations

from typing import Any

PATIENT = "patient"
CLINICIAN = "clinician"
EDITOR = "editor"

ALL = (PATIENT, CLINICIAN, EDITOR)


def is_clinician(user: Any) -> bool:
    """Whether the user is in the clinician group; asked once per request object."""
    cached = getattr(user, "_mend_is_clinician", None)
    if cached is None:
        cached = user.is_authenticated and user.groups.filter(name=CLINICIAN).exists()
        user._mend_is_clinician = cached
    return bool(cached)
