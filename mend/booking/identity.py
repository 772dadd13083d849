"""Who owns an email address, as far as Mend knows: an account that proved it."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from mend.accounts.models import User


def verified_account(email: str) -> User | None:
    """The account whose owner has confirmed this address, if any."""
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
    return address.user if address else None  # type: ignore[return-value]
