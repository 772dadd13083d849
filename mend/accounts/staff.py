"""Who counts as staff for sign-in rules: the people who reach the admin or patient data."""

from __future__ import annotations

from typing import Any

from mend.core import roles

STAFF_GROUPS = (roles.CLINICIAN, roles.EDITOR)


def is_staff_member(user: Any) -> bool:
    """Admins, editors and clinicians; asked once per request object."""
    cached = getattr(user, "_mend_is_staff_member", None)
    if cached is None:
        cached = user.is_authenticated and (
            user.is_staff or user.is_superuser or user.groups.filter(name__in=STAFF_GROUPS).exists()
        )
        user._mend_is_staff_member = cached
    return bool(cached)


def has_second_factor(user: Any) -> bool:
    """An authenticator app or a passkey; recovery codes alone do not count."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
