from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.MEND_SITE_NAME,
        "base_url": settings.BASE_URL,
        # Asked only by pages that show role-specific links, and only then queried.
        "user_roles": SimpleLazyObject(lambda: _roles(request)),
    }


def _roles(request: HttpRequest) -> set[str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return set()
    return set(user.groups.values_list("name", flat=True))
