"""One middleware for what every response and every request behind a proxy needs.

On the way in: the client's address (``clientip``) replaces ``REMOTE_ADDR``, and
``X-Forwarded-Proto`` is dropped unless the connection comes from a trusted proxy,
so Django's ``SECURE_PROXY_SSL_HEADER`` only ever reads a header a proxy set.

On the way out: pages with patient data (by their address, or because the view
marked the response private) are kept by no cache, the browser's included, and
every response says the page needs no camera, microphone or location (a video
visit opens on the video service's own site). HSTS is Django's
``SecurityMiddleware`` (``SECURE_HSTS_SECONDS``), which runs after this one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from mend.core import clientip

# Every page under these shows a patient's data, or a clinician's view of it.
PRIVATE_PREFIXES = (
    "/me/",
    "/clinic/",
    "/book/visits/",
    "/book/manage/",
    "/book/offer/",
    "/book/link/",
    "/accounts/",
    "/admin/",
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


class SecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _resolve_client(request)
        response = self.get_response(request)
        if is_private(request, response):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _resolve_client(request: HttpRequest) -> None:
    meta = request.META
    if clientip.PEER not in meta:
        meta[clientip.PEER] = meta.get("REMOTE_ADDR", "")
    trusted = clientip.from_trusted_proxy(request)
    meta["REMOTE_ADDR"] = clientip.client_address(request)
    if not trusted:
        meta.pop("HTTP_X_FORWARDED_PROTO", None)


def is_private(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    return "private" in response.get("Cache-Control", "")
