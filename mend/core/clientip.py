"""The address a request came from, asked in one place (the audit log, rate limits).

Behind a reverse proxy every connection comes from the proxy; the client's address
is the one the proxy appended to ``X-Forwarded-For``. That header is only believed
as far as ``MEND_TRUSTED_PROXIES`` says:

- addresses or networks (``127.0.0.1,::1``, the default, or ``10.0.0.0/8``): the
  chain (the header's entries, then the connection's address) is read from the
  right, skipping trusted proxies; the first address that is not one is the
  client. A request that does not come from a trusted proxy is taken at its word
  of nothing: its own connection address, whatever headers it sent.
- a count ``N``: the last ``N`` hops are proxies, so the client is the entry before
  them. Only for a server that nothing but its proxies can reach.
- empty or ``0``: no proxy; the connection's address.

``mend.core.security.SecurityMiddleware`` resolves the address once per request
and puts it in ``REMOTE_ADDR`` (the connection's own address is kept in
``mend.peer_address``, a WSGI environ key of Mend's own, not a setting), so Django,
allauth's rate limits and anything else reading ``REMOTE_ADDR`` see the client too.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

PEER = "mend.peer_address"  # PEP 3333: application keys are lower case, with a dot
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: HttpRequest) -> str:
    """The client's address, through trusted proxies only (empty when unknown)."""
    chain = [*_forwarded_for(request), _peer(request)]
    trusted = settings.MEND_TRUSTED_PROXIES
    if isinstance(trusted, int):
        return _by_count(chain, trusted)
    return _by_networks(chain, _networks(tuple(trusted)))


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection itself comes from a proxy Mend trusts (its headers count)."""
    trusted = settings.MEND_TRUSTED_PROXIES
    if isinstance(trusted, int):
        return trusted > 0
    return _is_trusted(_peer(request), _networks(tuple(trusted)))


def _peer(request: HttpRequest) -> str:
    return _clean(str(request.META.get(PEER) or request.META.get("REMOTE_ADDR") or ""))


def _forwarded_for(request: HttpRequest) -> list[str]:
    header = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    return [_clean(part) for part in header.split(",") if part.strip()]


def _clean(value: str) -> str:
    """An address in its canonical form (IPv4-mapped IPv6 as IPv4); "" if it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def _by_count(chain: Sequence[str], count: int) -> str:
    if count <= 0:
        return chain[-1]
    index = max(len(chain) - 1 - count, 0)
    return chain[index] or chain[-1]


def _by_networks(chain: Sequence[str], networks: tuple[Network, ...]) -> str:
    hop = chain[-1]
    for address in reversed(chain):
        if not address:  # a trusted proxy passed on something unreadable: stop at the proxy
            return hop
        hop = address
        if not _is_trusted(address, networks):
            return address
    return hop  # proxies all the way: the furthest one


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    if not address:
        return False
    parsed = ipaddress.ip_address(address)
    return any(parsed.version == network.version and parsed in network for network in networks)


@functools.lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)
