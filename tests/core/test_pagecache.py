"""The anonymous page cache, driven through the real WSGI application."""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import _does_token_match
from wagtail.models import PageViewRestriction

from mend.content.models import ArticlePage
from mend.core import formstamp, pagecache
from mend.core.pagecache import CACHE_HEADER, PageCacheApp
from tests.wsgi import wsgi_get

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Recorder:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture
def django_app() -> Recorder:
    return Recorder(get_wsgi_application())


@pytest.fixture
def app(django_app: Recorder) -> PageCacheApp:
    return PageCacheApp(django_app)


def get(app: PageCacheApp, path: str, **environ: str) -> tuple[str, dict[str, list[str]], bytes]:
    response = wsgi_get(app, path, **environ)
    return response.status, response.headers, response.body


def test_second_anonymous_read_comes_from_the_cache(
    app: PageCacheApp, django_app: Recorder, article: ArticlePage
) -> None:
    first = get(app, article.url)
    second = get(app, article.url)

    assert first[0] == second[0] == "200 OK"
    assert django_app.calls == 1
    assert b"Achilles pain when running" in second[2]
    assert CACHE_HEADER.lower() not in second[1]
    assert second[1]["x-frame-options"] == ["DENY"]  # Django's headers are kept


def test_each_reader_gets_their_own_form_tokens(app: PageCacheApp, article: ArticlePage) -> None:
    get(app, article.url)
    _, headers_a, body_a = get(app, article.url)
    _, headers_b, body_b = get(app, article.url, HTTP_COOKIE="csrftoken=" + "a" * 32)

    assert TOKEN.search(body_a) and TOKEN.search(body_b)
    assert TOKEN.search(body_a).group(1) != TOKEN.search(body_b).group(1)
    assert any(c.startswith("csrftoken=") for c in headers_a["set-cookie"])
    assert "set-cookie" not in headers_b  # the reader's own cookie is kept
    assert b"<!--mend:form-tokens-->" not in body_a
    stamp = re.search(rb'name="shown_at" value="([^"]+)"', body_a).group(1).decode()
    assert formstamp.age_seconds(stamp, now=__import__("time").time(), max_age=60) is not None


def test_signed_in_readers_are_never_served_or_stored(
    app: PageCacheApp, django_app: Recorder, article: ArticlePage
) -> None:
    get(app, article.url, HTTP_COOKIE="sessionid=abc")
    get(app, article.url, HTTP_COOKIE="sessionid=abc")
    assert django_app.calls == 2
    get(app, article.url)
    get(app, article.url)
    assert django_app.calls == 3


def test_pending_messages_and_query_strings_bypass_the_cache(
    app: PageCacheApp, django_app: Recorder, article: ArticlePage
) -> None:
    get(app, article.url)
    get(app, article.url, HTTP_COOKIE="messages=xyz")
    get(app, article.url, QUERY_STRING="page=2")
    get(app, article.url, HTTP_HX_REQUEST="true")
    assert django_app.calls == 4


def test_publishing_a_change_retires_the_cached_page(
    app: PageCacheApp, django_app: Recorder, article: ArticlePage
) -> None:
    get(app, article.url)
    article.title = "Achilles pain, revised"
    article.save_revision().publish()

    _, _, body = get(app, article.url)

    assert django_app.calls == 2
    assert b"Achilles pain, revised" in body


def test_unpublishing_retires_the_cached_page(app: PageCacheApp, article: ArticlePage) -> None:
    get(app, article.url)
    article.unpublish()

    status, _, _ = get(app, article.url)

    assert status.startswith("404")


def test_not_found_pages_are_not_stored(app: PageCacheApp, django_app: Recorder, home) -> None:
    get(app, "/articles/nope/")
    get(app, "/articles/nope/")
    assert django_app.calls == 2


def test_gzip_for_readers_who_accept_it(app: PageCacheApp, article: ArticlePage) -> None:
    get(app, article.url)
    _, headers, body = get(app, article.url, HTTP_ACCEPT_ENCODING="gzip, br")
    _, _, plain = get(app, article.url, HTTP_COOKIE="csrftoken=" + "b" * 32)

    assert headers["content-encoding"] == ["gzip"]
    assert headers["content-length"] == [str(len(body))]
    unzipped = gzip.decompress(body)
    assert b"Achilles pain when running" in unzipped
    # The same page as the plain one, but for its own tokens, which Django's CSRF accepts.
    assert TOKEN.sub(b"", _without_stamp(unzipped)) == TOKEN.sub(b"", _without_stamp(plain))
    secret = headers["set-cookie"][0].split(";")[0].split("=", 1)[1]
    assert _does_token_match(TOKEN.search(unzipped).group(1).decode(), secret)


def _without_stamp(body: bytes) -> bytes:
    return re.sub(rb'name="shown_at" value="[^"]+"', b"", body)


@pytest.mark.parametrize("markers", [0, 1, 3])
@pytest.mark.parametrize("token_size", [0, 40, 70_000])  # 70,000: two stored blocks
def test_a_gzip_body_is_the_parts_and_tokens_joined(markers: int, token_size: int) -> None:
    pieces = [b"<p>part %d " % i + os.urandom(3000).hex().encode() * 3 for i in range(markers + 1)]
    body = pagecache.MARKER.encode().join(pieces)
    inner = html_app_with_body(body)
    app = PageCacheApp(inner)
    get(app, "/somewhere/")
    entry = cache.get("pagecache:testserver/somewhere/")
    tokens = b"t" * token_size

    zipped = pagecache._gzip_joined(entry, tokens)

    assert gzip.decompress(zipped) == tokens.join(pieces)
    assert zlib.decompress(zipped, wbits=31) == tokens.join(pieces)  # one member, nothing after


def test_a_purge_reaches_each_process_within_the_recheck_time(
    django_app: Recorder, article: ArticlePage
) -> None:
    clock = [100.0]
    app = PageCacheApp(django_app, recheck=1.0, clock=lambda: clock[0])
    get(app, article.url)
    get(app, article.url)
    assert django_app.calls == 1
    article.title = "Achilles pain, revised"
    article.save_revision().publish()

    clock[0] += 0.5
    _, _, body = get(app, article.url)
    assert b"Achilles pain when running" in body  # this process has not looked yet

    clock[0] += 0.6
    _, _, body = get(app, article.url)
    assert b"Achilles pain, revised" in body
    assert django_app.calls == 2


def test_hits_between_rechecks_do_not_touch_the_shared_cache(
    django_app: Recorder, article: ArticlePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = PageCacheApp(django_app, recheck=60.0, clock=lambda: 5.0)
    get(app, article.url)
    get(app, article.url)

    def unreachable(*args: object, **kwargs: object) -> None:
        raise AssertionError("the shared cache was read")

    monkeypatch.setattr("mend.core.pagecache.cache.get", unreachable)
    status, _, _ = get(app, article.url)
    assert status == "200 OK"


# What the view says, and how long a copy lives


def html_app_with_body(body: bytes) -> Recorder:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/html"), (CACHE_HEADER, "store")])
        return [body]

    return Recorder(app)


def html_app(*headers: tuple[str, str]) -> Recorder:
    """A WSGI app answering every request with a page marked for the cache and these headers."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        sent = [("Content-Type", "text/html; charset=utf-8"), (CACHE_HEADER, "store"), *headers]
        start_response("200 OK", sent)
        return [b"<!doctype html><p>A page</p>"]

    return Recorder(app)


@pytest.mark.parametrize(
    "cache_control", ["private", "no-store", "no-cache", "max-age=0, Private", "private, no-store"]
)
def test_a_page_the_view_keeps_from_shared_caches_is_not_stored(cache_control: str) -> None:
    inner = html_app(("Cache-Control", cache_control))
    app = PageCacheApp(inner)

    first = get(app, "/somewhere/")
    get(app, "/somewhere/")

    assert inner.calls == 2
    assert first[1]["cache-control"] == [cache_control]  # sent as the view made it


def test_a_page_varied_on_more_than_the_cache_handles_is_not_stored() -> None:
    inner = html_app(("Vary", "Cookie, Accept-Language"))
    app = PageCacheApp(inner)

    first = get(app, "/somewhere/")
    get(app, "/somewhere/")

    assert inner.calls == 2
    assert "Cookie, Accept-Language" in first[1]["vary"]  # the view's Vary reaches the reader


def test_a_page_varied_on_cookie_and_encoding_is_stored() -> None:
    inner = html_app(("Vary", "Cookie, Accept-Encoding"), ("Cache-Control", "max-age=60"))
    app = PageCacheApp(inner)

    get(app, "/somewhere/")
    get(app, "/somewhere/")

    assert inner.calls == 1


def test_a_page_carrying_a_csp_nonce_is_not_stored() -> None:
    policy = "default-src 'self'; script-src 'self' 'nonce-abc123'"
    inner = html_app(("Content-Security-Policy", policy))
    app = PageCacheApp(inner)

    get(app, "/somewhere/")
    get(app, "/somewhere/")

    assert inner.calls == 2


def test_each_process_copy_expires_with_the_stored_page(settings: Any, time_machine: Any) -> None:
    settings.MEND_PAGE_CACHE_SECONDS = 60
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)
    inner = html_app()
    app = PageCacheApp(inner, recheck=3600.0)  # no purge check in the meantime
    get(app, "/somewhere/")

    time_machine.move_to("2026-03-02 09:00:59+00:00", tick=False)
    get(app, "/somewhere/")
    assert inner.calls == 1

    time_machine.move_to("2026-03-02 09:01:00+00:00", tick=False)
    get(app, "/somewhere/")
    assert inner.calls == 2


def test_adding_a_view_restriction_retires_the_cached_page(
    app: PageCacheApp, django_app: Recorder, article: ArticlePage
) -> None:
    get(app, article.url)
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.LOGIN
    )

    status, headers, body = get(app, article.url)

    assert django_app.calls == 2
    assert status.startswith("302") and "/login/" in headers["location"][0]
    assert b"Achilles pain when running" not in body

    restriction.delete()  # public again: the sign-in redirect is not served either
    status, _, _ = get(app, article.url)
    assert status == "200 OK" and django_app.calls == 3


def test_cached_pages_carry_the_same_strict_policy_for_every_reader(
    app: PageCacheApp, article: ArticlePage
) -> None:
    _, first, _ = get(app, article.url)
    _, second, _ = get(app, article.url, HTTP_COOKIE="csrftoken=" + "a" * 32)

    [policy] = second["content-security-policy"]
    assert first["content-security-policy"] == [policy]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "nonce-" not in policy
