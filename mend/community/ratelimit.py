"""Per-address (and per-email) limits on public form posts, kept in the shared cache.

The address is keyed through an HMAC with the secret key, so neither the
cache nor the database holds a reader's IP address (or an email address).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from mend.core.clientip import client_address

_SALT = "mend.community.address"


def address_hash(request: HttpRequest) -> str:
    """A stable, keyed hash of the client's address (through trusted proxies only)."""
    return keyed(client_address(request))


def keyed(value: str) -> str:
    """A stable, keyed hash of any identifier a limit counts by (an address, an email)."""
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()


def allow(address: str, *, limit: int, window: int, scope: str = "community:posts") -> bool:
    """Count one post from the address; False once it has made more than ``limit`` in the window.

    ``add`` then ``incr`` so two processes never both start the count at one. Each
    ``scope`` (comments, bookings, …) keeps its own count.
    """
    key = f"{scope}:{address}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit
