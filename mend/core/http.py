"""What views share about HTTP: redirects after a POST, private responses, the clinician gate."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

from mend.accounts.models import User
from mend.core.roles import is_clinician


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def see_other(to: Any, *args: Any, **kwargs: Any) -> HttpResponseSeeOther:
    """After a POST: "see this page", fetched with GET (like ``redirect()``, with 303)."""
    return HttpResponseSeeOther(resolve_url(to, *args, **kwargs))


def no_store(response: HttpResponse) -> HttpResponse:
    """Patient data: kept by no cache, the browser's included (DESIGN.md)."""
    response["Cache-Control"] = "private, no-store"
    return response


def private(response: HttpResponse) -> HttpResponse:
    """A page behind a secret link: stored nowhere, and its address (with the secret) never
    sent to another site as a referrer. "same-origin", not "no-referrer": browsers send
    "Origin: null" from no-referrer pages, which fails the CSRF check."""
    no_store(response)
    response["Referrer-Policy"] = "same-origin"
    return response


def clinician_or_404(request: HttpRequest) -> User:
    """The signed-in clinician (or admin); anyone else gets 404, never a hint."""
    user = request.user
    if not user.is_authenticated or not (is_clinician(user) or user.is_superuser):
        raise Http404("No such page.")
    return user  # type: ignore[return-value]
