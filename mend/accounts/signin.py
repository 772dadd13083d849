"""allauth is the only sign-in: other login addresses send people to it and never sign anyone in."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it reads nothing it is sent, and changes nothing
def to_account_login(request: HttpRequest) -> HttpResponseRedirect:
    """Wagtail's admin and front-end logins: whatever the method, off to allauth's sign-in."""
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    query = f"?{urlencode({REDIRECT_FIELD_NAME: target})}" if target else ""
    # 303: a POST becomes a GET of the sign-in page, and the password goes nowhere.
    response = HttpResponseRedirect(settings.LOGIN_URL + query)
    response.status_code = 303
    return response
