"""The anonymous page cache, in front of Django.

Readers who are not signed in and carry no pending message get a page that
was rendered once and kept in the shared cache. What differs per reader is
filled in on the way out: the CSRF token of each form and the signed moment
the form was shown. Templates mark that spot with ``{% form_tokens %}``.

Only responses a view marks with the ``CACHE_HEADER`` are stored, and only if
they set no cookie, so nobody's session, messages or form errors are ever
kept; nor when the view says the page is not for a shared cache
(``Cache-Control`` private, no-store or no-cache), varies it on more than the
cookie and the encoding this cache handles, or carries a Content-Security-
Policy nonce (one per response, never shared). Any publish, unpublish, move,
change of a page's view restrictions or approved comment bumps one generation
counter, which retires every stored page at once, in every process (within
``MEND_PAGE_CACHE_RECHECK`` seconds: each process reads the counter at most
that often). A stored page lives ``MEND_PAGE_CACHE_SECONDS``, in the shared
cache and in each process's copy alike.

The same counter keeps ``remember``'s values: what a render of a page needs
and what changes only when the page cache is purged (the site, the routing,
related articles, the HTML of a body). Signed-in readers, who never get a
stored page, are rendered with them too. Each process keeps them in memory
for the generation it read at the start of the request, so a purge shows on
the next render in every process.

While the shared cache is not shared (Redis away, ``mend.core.cache``),
pages are rendered for every request and nothing is kept, not even by
``remember``: without the counter no process could tell that another had
purged. A purge made meanwhile is owed, and written by the first read of
the counter once Redis answers.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import math
import re
import secrets
import struct
import time
import zlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.html import escape

from mend.core import formstamp
from mend.core.cache import is_shared

CACHE_HEADER = "X-Mend-Page-Cache"
ENVIRON_FLAG = "mend.page_cache"
MARKER = "<!--mend:form-tokens-->"
_GENERATION_KEY = "pagecache:generation"
_CSRF_CHARS = frozenset(CSRF_ALLOWED_CHARS)
_CSRF_SECRET_LENGTH = CSRF_SECRET_LENGTH
# The largest multiple of the alphabet's size below 256: bytes under it map evenly.
_EVEN = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_BYTE_TO_CHAR = bytes(ord(CSRF_ALLOWED_CHARS[b % len(CSRF_ALLOWED_CHARS)]) for b in range(256))
_UNEVEN = bytes(range(_EVEN, 256))
# A secret's character shifted by a mask's, as Django's masking does: (s + m) mod size.
_SHIFTED = {
    (s, m): CSRF_ALLOWED_CHARS[(i + j) % len(CSRF_ALLOWED_CHARS)]
    for i, s in enumerate(CSRF_ALLOWED_CHARS)
    for j, m in enumerate(CSRF_ALLOWED_CHARS)
}
# Headers the stored copy must not repeat: they are per response.
_PER_RESPONSE = {
    "set-cookie",
    "content-length",
    "content-encoding",
    "vary",
    "x-request-id",
    CACHE_HEADER.lower(),
}
# What a view may vary a page on and still have it stored: the cookie (a signed-in
# reader or a pending message never reaches the cache), the encoding (done here) and
# htmx's header (htmx requests are never served from the cache).
_VARY_HANDLED = {"cookie", "accept-encoding", "hx-request"}
_NOT_SHARED = re.compile(r"\b(private|no-store|no-cache)\b", re.IGNORECASE)

_REQUEST_GENERATION = "_mend_page_generation"
MEMO_ENTRIES = 4096

T = TypeVar("T")
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Entry:
    generation: str
    expires_at: float  # on the wall clock, the same in every process
    status: str
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]  # the body split at each marker
    # Each part compressed on its own, ending on a byte boundary (``_deflate_part``), so a
    # gzip body is these with the per-response tokens between them as stored blocks.
    deflated: tuple[bytes, ...] | None = None


def purge_all() -> None:
    """Retire every stored page (publish, unpublish, approved comment…)."""
    global _purge_owed
    cache.set(_GENERATION_KEY, secrets.token_hex(8), timeout=None)
    _purge_owed = not is_shared(cache)
    _memo.clear()


_purge_owed = False  # a purge made while Redis was away, written when it answers


class _Memo:
    """This process's values of one generation, the oldest dropped past ``MEMO_ENTRIES``."""

    def __init__(self) -> None:
        self.generation = ""
        self.values: dict[Hashable, Any] = {}

    def clear(self) -> None:
        self.generation = ""
        self.values = {}

    def get(self, generation: str, key: Hashable, build: Callable[[], T]) -> T:
        if generation != self.generation:
            self.generation, self.values = generation, {}
        values = self.values
        try:
            return values[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        value = build()
        if self.generation == generation:  # no purge while building
            if len(values) >= MEMO_ENTRIES:
                values.pop(next(iter(values)))
            values[key] = value
        return value


_memo = _Memo()


def request_generation(request: Any) -> str:
    """The generation current when ``request`` began (read once per request).

    While the shared cache is not shared, one of the request's own, so that
    nothing built for it outlives it.
    """
    generation: str | None = getattr(request, _REQUEST_GENERATION, None)
    if generation is None:
        generation = _generation() or f"unshared:{secrets.token_hex(8)}"
        setattr(request, _REQUEST_GENERATION, generation)
    return generation


def remember(request: Any, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, kept in this process until the page cache is next purged.

    For what a render reads that only a purge can change. The value is shared
    by every request of the process: build something nobody mutates, and
    nothing that depends on who is reading.
    """
    return _memo.get(request_generation(request), key, build)


def _generation() -> str | None:
    """The shared generation, or None while the shared cache is not shared."""
    if _purge_owed:
        purge_all()
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        cache.add(_GENERATION_KEY, generation, timeout=None)
        generation = cache.get(_GENERATION_KEY, generation)
    if not is_shared(cache):
        return None
    return str(generation)


class RememberedSiteMiddleware:
    """Wagtail's site for the request's host, with its root page, kept by ``remember``.

    Wagtail reads it for every page it serves (two queries, and a third for the
    root page's own row) before any of Mend's code runs; this gives it the kept
    one, for Wagtail's page view only. A saved or deleted site purges the page
    cache (mend.content.signals).
    """

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_view(self, request: Any, view: Callable[..., Any], *args: Any) -> None:
        from wagtail import views as wagtail_views
        from wagtail.models import Site

        if view is wagtail_views.serve and not hasattr(request, "_wagtail_site"):
            host, port = request._get_raw_host(), request.get_port()
            request._wagtail_site = remember(
                request, ("site", host, port), lambda: _site_with_root(Site, request)
            )


def _site_with_root(site_model: Any, request: Any) -> Any:
    site = site_model._find_for_request(request)
    if site is not None:
        site.root_page.localized.specific  # noqa: B018 (loaded once, kept with the site)
    return site


@dataclass(frozen=True)
class _Settings:
    """What a hit reads of the settings, read once (again after a change in tests)."""

    skipped_prefixes: tuple[str, ...]
    session_cookie: str
    csrf_cookie: str
    csrf_cookie_attributes: str


@functools.cache
def _settings() -> _Settings:
    return _Settings(
        skipped_prefixes=(settings.STATIC_URL, settings.MEDIA_URL, "/admin/"),
        session_cookie=settings.SESSION_COOKIE_NAME + "=",
        csrf_cookie=settings.CSRF_COOKIE_NAME + "=",
        csrf_cookie_attributes=_cookie_attributes(),
    )


def _forget_settings(**kwargs: Any) -> None:
    _settings.cache_clear()


setting_changed.connect(_forget_settings)


def _is_candidate(environ: dict[str, Any]) -> bool:
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
        return False
    if "HTTP_HX_REQUEST" in environ or "HTTP_AUTHORIZATION" in environ:
        return False
    known = _settings()
    if environ.get("PATH_INFO", "").startswith(known.skipped_prefixes):
        return False
    cookies = environ.get("HTTP_COOKIE", "")
    return known.session_cookie not in cookies and "messages=" not in cookies


def _entry_key(environ: dict[str, Any]) -> str:
    return f"pagecache:{environ.get('HTTP_HOST', '')}{environ.get('PATH_INFO', '')}"


def _csrf_secret(environ: dict[str, Any]) -> tuple[str, bool]:
    """The reader's CSRF secret from their cookie, or a new one (True: set the cookie)."""
    name = _settings().csrf_cookie
    for part in environ.get("HTTP_COOKIE", "").split(";"):
        part = part.strip()
        if part.startswith(name):
            value = part[len(name) :]
            if len(value) == _CSRF_SECRET_LENGTH and set(value) <= _CSRF_CHARS:
                return value, False
    return _random_chars(_CSRF_SECRET_LENGTH), True


def _random_chars(count: int) -> str:
    """``count`` characters of CSRF_ALLOWED_CHARS, each equally likely, from one read
    of the system's random source (``secrets.choice`` reads it once per character).
    Bytes at or above ``_EVEN`` are dropped, the rest map evenly onto the alphabet."""
    chars = ""
    while len(chars) < count:
        chars += secrets.token_bytes(count * 2).translate(_BYTE_TO_CHAR, _UNEVEN).decode("ascii")
    return chars[:count]


def _masked(secret: str) -> str:
    """The token Django's CSRF middleware accepts for ``secret``: a fresh mask, then the
    secret shifted by it (django.middleware.csrf._mask_cipher_secret, same alphabet)."""
    mask = _random_chars(len(secret))
    return mask + "".join(map(_SHIFTED.__getitem__, zip(secret, mask, strict=True)))


_stamp: tuple[int, str] = (-1, "")


def _form_stamp() -> str:
    """The stamp's hidden input, the same for every response within one second."""
    global _stamp
    second = int(time.time())
    if _stamp[0] != second:
        stamp = formstamp.issue(second)
        _stamp = (
            second,
            f'<input type="hidden" name="{formstamp.FIELD_NAME}" value="{escape(stamp)}">',
        )
    return _stamp[1]


def _csrf_cookie(secret: str) -> str:
    known = _settings()
    return f"{known.csrf_cookie}{secret}; {known.csrf_cookie_attributes}"


def _cookie_attributes() -> str:
    """The CSRF cookie's attributes, as Django's CSRF middleware sets them."""
    parts = [f"Max-Age={settings.CSRF_COOKIE_AGE}", f"Path={settings.CSRF_COOKIE_PATH}"]
    if settings.CSRF_COOKIE_DOMAIN:
        parts.append(f"Domain={settings.CSRF_COOKIE_DOMAIN}")
    if settings.CSRF_COOKIE_SECURE:
        parts.append("Secure")
    if settings.CSRF_COOKIE_HTTPONLY:
        parts.append("HttpOnly")
    if settings.CSRF_COOKIE_SAMESITE:
        parts.append(f"SameSite={settings.CSRF_COOKIE_SAMESITE}")
    return "; ".join(parts)


def form_tokens_html(masked_csrf: str, stamp: str) -> str:
    return (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(masked_csrf)}">'
        f'<input type="hidden" name="{formstamp.FIELD_NAME}" value="{escape(stamp)}">'
    )


# A gzip body built from parts compressed once. Deflate's blocks may follow one another
# whatever compressed them, as long as each starts on a byte boundary: a sync flush ends
# each part there, the per-response tokens go in as a stored (uncompressed) block, and an
# empty final block ends the stream (RFC 1951, 3.2.3-3.2.4; RFC 1952 for the wrapper).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime
_FINAL_BLOCK = b"\x03\x00"  # fixed Huffman codes, final, nothing but end-of-block


def _deflate_part(part: bytes) -> bytes:
    compressor = zlib.compressobj(5, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(part) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored_block(data: bytes) -> bytes:
    out = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        out += [b"\x00", struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF), chunk]
    return b"".join(out)


def _gzip_joined(entry: Entry, tokens: bytes) -> bytes:
    """The gzip of ``tokens.join(entry.parts)``, compressing nothing but the tokens' frame."""
    deflated = entry.deflated
    assert deflated is not None
    crc = 0
    for index, part in enumerate(entry.parts):
        if index:
            crc = zlib.crc32(tokens, crc)
        crc = zlib.crc32(part, crc)
    size = sum(map(len, entry.parts)) + len(tokens) * (len(entry.parts) - 1)
    body = _stored_block(tokens).join(deflated) if tokens else b"".join(deflated)
    return b"".join((_GZIP_HEADER, body, _FINAL_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)))


def _storable(status: str, headers: list[tuple[str, str]]) -> bool:
    """A 200 the view marked for the cache, with nothing that makes it one reader's."""
    names = {name.lower() for name, _ in headers}
    if not status.startswith("200") or CACHE_HEADER.lower() not in names or "set-cookie" in names:
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "cache-control" and _NOT_SHARED.search(value):
            return False
        if lowered == "vary" and {v.strip().lower() for v in value.split(",")} - _VARY_HANDLED:
            return False
        if lowered.startswith("content-security-policy") and "'nonce-" in value:
            return False
    return True


def _serve(entry: Entry, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    headers = [*entry.headers, ("Vary", "Cookie")]
    tokens = b""
    if len(entry.parts) > 1:
        secret, new_cookie = _csrf_secret(environ)
        if new_cookie:
            headers.append(("Set-Cookie", _csrf_cookie(secret)))
        # One masked token for every form of the response, as Django's csrf_token gives.
        # The mask is from CSRF_ALLOWED_CHARS and the stamp escaped: nothing to escape here.
        tokens = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{_masked(secret)}">'
            f"{_form_stamp()}"
        ).encode()
    size = sum(map(len, entry.parts)) + len(tokens) * (len(entry.parts) - 1)
    if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and size > 200:
        if entry.deflated is not None:
            body = _gzip_joined(entry, tokens)
        else:
            body = gzip.compress(tokens.join(entry.parts), compresslevel=5, mtime=0)
        headers.append(("Content-Encoding", "gzip"))
        headers.append(("Vary", "Accept-Encoding"))
    else:
        body = tokens.join(entry.parts)
    headers.append(("Content-Length", str(len(body))))
    start_response(entry.status, headers)
    return [body]


class PageCacheApp:
    """WSGI wrapper: serve stored pages, store the ones Django marks as cacheable.

    Each process keeps the pages it served in memory and asks the shared cache
    for the current generation at most once per ``recheck`` seconds, so a
    purge reaches every process within that time and a hit costs no I/O. A
    page's memory copy expires when the shared one does (``Entry.expires_at``),
    by ``clock``: the wall clock, so that processes agree on it.
    """

    LOCAL_ENTRIES = 512

    def __init__(
        self,
        app: WSGIApp,
        *,
        recheck: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.recheck = settings.MEND_PAGE_CACHE_RECHECK if recheck is None else recheck
        self.clock = clock
        self._local: dict[str, Entry] = {}
        self._generation: str | None = ""  # None: the shared cache is not shared
        self._checked_at = -math.inf

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not _is_candidate(environ):
            return self.app(environ, start_response)
        key = _entry_key(environ)
        entry = self._find(key)
        if entry is not None:
            return _serve(entry, environ, start_response)
        return self._render(environ, start_response, key)

    def _find(self, key: str) -> Entry | None:
        now = self.clock()
        if now - self._checked_at >= self.recheck:
            generation = _generation()
            if generation != self._generation:
                self._local.clear()
                self._generation = generation
            self._checked_at = now
        if self._generation is None:
            return None
        entry = self._local.get(key)
        if entry is not None and entry.expires_at <= now:
            del self._local[key]
            entry = None
        if entry is None:
            found = cache.get(key)
            if (
                not isinstance(found, Entry)
                or found.generation != self._generation
                or getattr(found, "expires_at", 0.0) <= now  # 0: stored by an older release
                or getattr(found, "deflated", None) is None
            ):
                return None
            if len(self._local) >= self.LOCAL_ENTRIES:
                self._local.pop(next(iter(self._local)))
            entry = self._local[key] = found
        return entry

    def _render(
        self, environ: dict[str, Any], start_response: StartResponse, key: str
    ) -> Iterable[bytes]:
        generation = _generation()  # read before rendering: a purge meanwhile wins
        environ[ENVIRON_FLAG] = True
        accept_encoding = environ.pop("HTTP_ACCEPT_ENCODING", None)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        result = self.app(environ, capture)
        if accept_encoding is not None:
            environ["HTTP_ACCEPT_ENCODING"] = accept_encoding
        status, headers = captured["status"], captured["headers"]
        content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
        if not content_type.startswith("text/html"):
            start_response(status, headers)
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        lifetime = settings.MEND_PAGE_CACHE_SECONDS
        entry = Entry(
            generation=generation or "",
            expires_at=self.clock() + lifetime,
            status=status,
            headers=tuple((n, v) for n, v in headers if n.lower() not in _PER_RESPONSE),
            parts=tuple(body.split(MARKER.encode())),
        )
        if generation is not None and _storable(status, headers):
            entry = dataclasses.replace(entry, deflated=tuple(map(_deflate_part, entry.parts)))
            cache.set(key, entry, timeout=lifetime)
            return _serve(entry, environ, start_response)
        # Not stored: sent as the view made it, its own Vary and cookies included.
        kept = tuple((n, v) for n, v in headers if n.lower() in {"set-cookie", "vary"})
        sent = dataclasses.replace(entry, headers=entry.headers + kept)
        return _serve(sent, environ, start_response)
