"""What views share about HTTP: private responses and the clinician gate."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from mend.accounts.models import User
from mend.core.roles import is_clinician


def no_store(response: HttpResponse) -> HttpResponse:
    """Patient data: kept by no cache, the browser's included (DESIGN.md)."""
    response["Cache-Control"] = "private, no-store"
    return response


def clinician_or_404(request: HttpRequest) -> User:
    """The signed-in clinician (or admin); anyone else gets 404, never a hint."""
    user = request.user
    if not user.is_authenticated or not (is_clinician(user) or user.is_superuser):
        raise Http404("No such page.")
    return user  # type: ignore[return-value]
