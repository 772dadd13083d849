"""What renders keep between purges (pagecache.remember), and the per-reader tokens."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import RequestFactory

from mend.core import pagecache


def _request() -> HttpRequest:
    return RequestFactory().get("/")


def test_a_value_is_built_once_per_generation() -> None:
    built: list[int] = []

    def build() -> int:
        built.append(1)
        return len(built)

    first = pagecache.remember(_request(), "key", build)
    second = pagecache.remember(_request(), "key", build)

    assert first == second == 1 and len(built) == 1


def test_a_purge_in_this_process_rebuilds_on_the_next_request() -> None:
    pagecache.remember(_request(), "key", lambda: "old")
    pagecache.purge_all()

    assert pagecache.remember(_request(), "key", lambda: "new") == "new"


def test_a_purge_by_another_process_rebuilds_on_the_next_request() -> None:
    pagecache.remember(_request(), "key", lambda: "old")
    cache.set("pagecache:generation", "from-another-process", timeout=None)  # its purge_all

    assert pagecache.remember(_request(), "key", lambda: "new") == "new"


def test_a_request_reads_the_generation_once() -> None:
    request = _request()
    pagecache.remember(request, "key", lambda: "old")
    pagecache.purge_all()  # while the request is being rendered

    # The rest of this render stays consistent with what it began with...
    assert pagecache.remember(request, "key", lambda: "new") == "new"
    assert pagecache.remember(request, "other", lambda: "built") == "built"
    # ...and the next request sees the purge.
    assert pagecache.remember(_request(), "key", lambda: "newest") == "newest"


def test_a_value_built_across_a_purge_is_not_kept() -> None:
    request = _request()

    def build() -> str:
        pagecache.purge_all()  # an editor publishes while this is being built
        return "stale"

    assert pagecache.remember(request, "key", build) == "stale"
    assert pagecache.remember(_request(), "key", lambda: "fresh") == "fresh"


def test_the_oldest_values_go_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagecache, "MEMO_ENTRIES", 3)
    request = _request()
    for key in range(4):
        pagecache.remember(request, key, lambda key=key: key)

    assert pagecache.remember(request, 0, lambda: "rebuilt") == "rebuilt"
    assert pagecache.remember(request, 3, lambda: "rebuilt") == 3


def test_masked_tokens_unmask_to_the_secret_and_differ() -> None:
    secret = "a" * 16 + "Z9" * 8
    tokens = {pagecache._masked(secret) for _ in range(50)}

    assert len(tokens) == 50
    for token in tokens:
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret


def test_new_secrets_use_every_character_of_the_alphabet() -> None:
    secrets = [pagecache._random_chars(32) for _ in range(200)]

    assert all(len(s) == 32 and set(s) <= set(CSRF_ALLOWED_CHARS) for s in secrets)
    assert set("".join(secrets)) == set(CSRF_ALLOWED_CHARS)
    assert len(set(secrets)) == 200
