"""Sign-in rules that hold on every request: how long a sign-in lasts, and MFA for staff.

HIPAA 164.312(a)(2)(iii) automatic logoff and 164.312(d) person authentication.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from mend.accounts.staff import has_second_factor, is_staff_member

SIGNED_IN_AT = "mend.signed_in_at"
LAST_SEEN = "mend.last_seen"
MFA_NEXT = "mend_mfa_next"  # read by the recovery codes page, hence no dot
# Idle time is written back at most this often, so a busy page does not save its session
# on every request.
SEEN_RESOLUTION_SECONDS = 60

# What a member of staff may open before setting up MFA: signing out, the MFA pages and
# the sign-in steps that lead to them, and the public site. Everything else, the admin,
# /clinic/, /me/ and any page with patient data, waits until MFA is set up.
OPEN_BEFORE_MFA = frozenset(
    {
        "account_logout",
        "account_login",
        "account_reauthenticate",
        "account_confirm_email",
        "account_email_verification_sent",
        "wagtail_serve",
        "wagtaildocs_serve",
        "health",
        "robots_txt",
        "sitemap",
        "content:feed",
        "content:tag",
        "content:search",
        "exercises:library",
        "exercises:detail",
    }
)


class SessionLimitsMiddleware:
    """Every sign-in ends MEND_SESSION_SECONDS after it began; a staff sign-in also ends after
    MEND_STAFF_IDLE_MINUTES without a request. Django's own expiry slides whenever the
    session is saved, so the start is kept in the session and checked here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now().timestamp()
        if request.user.is_authenticated:
            ended = self._ended(request, now)
            if ended:
                return _sign_out(request, ended)
            if is_staff_member(request.user):
                _mark_seen(request, now)
        return self.get_response(request)

    def _ended(self, request: HttpRequest, now: float) -> str:
        signed_in_at = request.session.get(SIGNED_IN_AT)
        if signed_in_at is None:  # a sign-in from before these limits: they start now
            request.session[SIGNED_IN_AT] = now
            request.session[LAST_SEEN] = now
            return ""
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return "Your sign-in has ended: please sign in again."
        idle_limit = settings.MEND_STAFF_IDLE_MINUTES * 60
        last_seen = request.session.get(LAST_SEEN, signed_in_at)
        if now - last_seen > idle_limit and is_staff_member(request.user):
            minutes = settings.MEND_STAFF_IDLE_MINUTES
            return f"You were signed out after {minutes} minutes without activity."
        return ""


def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Connected to user_logged_in: the sign-in's start, from which its limits count."""
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def _mark_seen(request: HttpRequest, now: float) -> None:
    if now - request.session.get(LAST_SEEN, 0) >= SEEN_RESOLUTION_SECONDS:
        request.session[LAST_SEEN] = now


def _sign_out(request: HttpRequest, why: str) -> HttpResponse:
    logout(request)
    messages.info(request, why)
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return _redirect(
        request, f"{settings.LOGIN_URL}?{query}" if request.method == "GET" else settings.LOGIN_URL
    )


class StaffMFAMiddleware:
    """Staff without an authenticator app or passkey are sent to set one up, for every page
    but the few in OPEN_BEFORE_MFA. Patients may set MFA up, and are never made to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not is_staff_member(user):
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in OPEN_BEFORE_MFA or name.startswith("mfa_") or has_second_factor(user):
            return None
        if request.method == "GET" and url_has_allowed_host_and_scheme(
            request.get_full_path(), allowed_hosts={request.get_host()}
        ):
            request.session[MFA_NEXT] = request.get_full_path()
        messages.info(
            request,
            "Staff accounts need two-factor sign-in before they open the clinic, the admin "
            "or patient records. Set it up here; it takes a minute.",
            fail_silently=True,
        )
        return _redirect(request, reverse("mfa_activate_totp"))


def _redirect(request: HttpRequest, to: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # htmx would swap the sign-in page into a fragment; ask it to load the page instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = to
        return response
    return HttpResponseRedirect(to)
