"""A per-address limit on public form posts, kept in the shared cache.

The address is keyed through an HMAC with the secret key, so neither the
cache nor the database holds a reader's IP address.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

_SALT = "mend.community.address"


def address_hash(request: HttpRequest) -> str:
    """A stable, keyed hash of the client's address (REMOTE_ADDR, as the proxy sets it)."""
    return salted_hmac(_SALT, request.META.get("REMOTE_ADDR", ""), algorithm="sha256").hexdigest()


def allow(address: str, *, limit: int, window: int) -> bool:
    """Count one post from the address; False once it has made more than ``limit`` in the window.

    ``add`` then ``incr`` so two processes never both start the count at one.
    """
    key = f"community:posts:{address}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit
