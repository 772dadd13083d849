"""Headers every response carries, pages no cache keeps, and whose proxy headers count."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client, RequestFactory

from mend.core import clientip
from mend.core.security import PERMISSIONS_POLICY, SecurityMiddleware
from mend.settings import trusted_proxies

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/me/", "/clinic/", "/book/visits/", "/book/manage/x/", "/accounts/login/"]
)
def test_pages_with_patient_data_are_kept_by_no_cache(client: Client, path: str) -> None:
    response = client.get(path)

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_public_page_is_left_to_its_view(client: Client) -> None:
    response = client.get("/health/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_a_response_a_view_marks_private_is_no_store_wherever_it_is() -> None:
    def view(request: Any) -> HttpResponse:
        response = HttpResponse("yours")
        response["Cache-Control"] = "private, max-age=60"
        return response

    response = SecurityMiddleware(view)(RequestFactory().get("/somewhere/"))

    assert "no-store" in response["Cache-Control"]


def test_every_response_turns_off_camera_microphone_and_location(client: Client) -> None:
    response = client.get("/health/")

    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY
    assert "microphone=()" in PERMISSIONS_POLICY
    assert "geolocation=()" in PERMISSIONS_POLICY


def test_hsts_for_a_year_over_https(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000  # the default when MEND_BASE_URL is https

    response = client.get("/health/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_defaults_to_a_year_only_for_an_https_base_url(monkeypatch: Any) -> None:
    import importlib

    import mend.settings

    try:
        monkeypatch.setenv("MEND_BASE_URL", "https://mend.example.org")
        assert importlib.reload(mend.settings).SECURE_HSTS_SECONDS == 365 * 24 * 3600
        monkeypatch.setenv("MEND_BASE_URL", "http://127.0.0.1:8000")
        assert importlib.reload(mend.settings).SECURE_HSTS_SECONDS == 0
    finally:
        monkeypatch.undo()
        importlib.reload(mend.settings)


def test_forwarded_https_counts_from_a_trusted_proxy(settings: Any) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")

    SecurityMiddleware(lambda r: HttpResponse())(request)

    assert request.is_secure()


def test_forwarded_https_from_anyone_else_is_ignored(settings: Any) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")

    SecurityMiddleware(lambda r: HttpResponse())(request)

    assert not request.is_secure()


def test_no_hsts_for_a_spoofed_https_header(client: Client, settings: Any) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/health/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")

    assert "Strict-Transport-Security" not in response


# The client's address


def _address(settings: Any, trusted: Any, remote: str, forwarded: str = "") -> str:
    settings.MEND_TRUSTED_PROXIES = trusted
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return clientip.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "198.51.100.1", "", "198.51.100.1"),
        (0, "127.0.0.1", "198.51.100.1", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (["127.0.0.1"], "127.0.0.1", "10.9.9.9, 198.51.100.1", "198.51.100.1"),  # spoofed left
        (["127.0.0.1"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not via the proxy
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        (["127.0.0.1"], "::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1:4711", "198.51.100.1"),
        (["127.0.0.1"], "127.0.0.1", "garbage", "127.0.0.1"),
        (1, "127.0.0.1", "10.9.9.9, 198.51.100.1", "198.51.100.1"),
        (2, "127.0.0.1", "10.9.9.9, 198.51.100.1", "10.9.9.9"),
        (3, "127.0.0.1", "198.51.100.1", "198.51.100.1"),  # fewer hops than proxies
    ],
)
def test_client_address(
    settings: Any, trusted: Any, remote: str, forwarded: str, expected: str
) -> None:
    assert _address(settings, trusted, remote, forwarded) == expected


def test_the_middleware_puts_the_client_in_remote_addr_and_keeps_the_peer(settings: Any) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.4")

    SecurityMiddleware(lambda r: HttpResponse())(request)

    assert request.META["REMOTE_ADDR"] == "192.0.2.4"
    assert request.META[clientip.PEER] == "127.0.0.1"
    assert clientip.client_address(request) == "192.0.2.4"  # asking again gives the same


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", []),
        ("0", 0),
        ("2", 2),
        ("127.0.0.1, ::1", ["127.0.0.1", "::1"]),
        ("10.0.0.0/8", ["10.0.0.0/8"]),
    ],
)
def test_trusted_proxies_setting(raw: str, expected: Any) -> None:
    assert trusted_proxies(raw) == expected


@pytest.mark.parametrize("raw", ["nginx", "127.0.0.1,localhost", "-1"])
def test_a_bad_trusted_proxies_setting_names_the_variable(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="MEND_TRUSTED_PROXIES"):
        trusted_proxies(raw)


# allauth counts sign-in attempts by the client's address too


def test_allauth_limits_two_clients_behind_the_proxy_separately(
    client: Client, settings: Any, make_user: Any
) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "1/m/ip"}
    make_user("someone@mail.example")

    def attempt(forwarded_for: str, email: str) -> str:
        response = client.post(
            "/accounts/login/",
            {"login": email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
        return response.content.decode()

    attempt("198.51.100.1", "someone@mail.example")
    limited = attempt("198.51.100.1", "a@mail.example")
    other = attempt("198.51.100.2", "b@mail.example")

    assert "Too many failed login attempts" in limited
    assert "Too many failed login attempts" not in other
