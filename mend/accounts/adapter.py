"""allauth.mfa as Mend uses it: the site's name and address, and staff keep their second factor."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

from mend.accounts.staff import is_staff_member

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Staff accounts must keep two-factor sign-in: add another authenticator app "
            "or passkey before you remove this one."
        ),
    }

    def get_totp_issuer(self) -> str:
        return settings.MEND_SITE_NAME

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        # The configured address, never the Host header: a passkey is bound to this name.
        return {"id": urlsplit(settings.BASE_URL).hostname or "", "name": settings.MEND_SITE_NAME}

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in SECOND_FACTORS or not is_staff_member(authenticator.user):
            return True
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=SECOND_FACTORS
        )
        return others.exclude(pk=authenticator.pk).exists()
