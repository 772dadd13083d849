"""The address a request came from, asked in one place (the audit log, rate limits)."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address as the server saw it (empty when unknown)."""
    return str(request.META.get("REMOTE_ADDR") or "")
