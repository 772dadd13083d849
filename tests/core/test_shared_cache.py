"""The shared cache while Redis is away: pages still answer, and nothing stale survives it.

A real redis-server runs for these tests on a loopback port of its own, and
is stopped and started again to make the outage (saving its data, as a Redis
with persistence does, so what was stored before the outage is still there
after it). The backend's retry clock is a controlled one.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.test import Client

from mend.community import ratelimit
from mend.content.models import ArticlePage
from mend.core import cache as shared_cache
from mend.core import pagecache
from mend.core.pagecache import PageCacheApp
from tests.payments.boundary import free_port
from tests.wsgi import wsgi_get

pytestmark = pytest.mark.django_db


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.folder), "--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop it as a Redis with persistence stops: its data saved for the next start."""
        assert self.process is not None
        with contextlib.suppress(redis.ConnectionError):  # it closes the connection as it exits
            redis.Redis(port=self.port).shutdown(save=True)
        self.process.wait(timeout=10)
        self.process = None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(shared_cache, "clock", clock)
    monkeypatch.setattr(shared_cache, "_down_until", {})
    monkeypatch.setattr(pagecache, "_purge_owed", False)
    return clock


@pytest.fixture
def server(tmp_path: Path, settings: Any, clock: Clock) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "mend.core.cache.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 2.0},
        }
    }
    yield server
    if server.process is not None:
        server.process.kill()
        server.process.wait(timeout=10)


def test_values_are_shared_while_redis_answers(server: RedisServer) -> None:
    cache.set("k", "in redis")

    assert redis.Redis(port=server.port).exists(":1:k") == 1
    assert cache.get("k") == "in redis"
    assert shared_cache.is_shared(cache)


def test_while_redis_is_away_calls_answer_from_memory_and_say_so(
    server: RedisServer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    cache.set("k", "before")
    server.stop()

    with caplog.at_level(logging.WARNING, logger="mend.core.cache"):
        assert cache.get("k") is None  # what Redis holds is out of reach
        cache.set("k", "meanwhile")
        assert cache.get("k") == "meanwhile"
        assert cache.add("n", 0) and cache.incr("n") == 1

    assert not shared_cache.is_shared(cache)
    warnings = [r for r in caplog.records if "did not answer" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not once per call


def test_redis_is_asked_again_after_the_retry_time(server: RedisServer, clock: Clock) -> None:
    server.stop()
    cache.set("k", "meanwhile")
    server.start()  # back, with what it held before

    clock.now += shared_cache.RETRY_SECONDS - 0.1
    assert cache.get("k") == "meanwhile"  # still from memory: not asked yet
    clock.now += 0.2
    assert cache.get("k") is None  # Redis's own answer
    assert shared_cache.is_shared(cache)


def test_pages_answer_while_redis_is_away_and_nothing_is_kept(
    server: RedisServer, client: Client, article: ArticlePage
) -> None:
    server.stop()

    for path in (article.url, "/book/", "/accounts/login/", "/search/?q=achilles"):
        assert client.get(path).status_code == 200, path
    response = client.post("/accounts/login/", {"login": "nobody@example.com", "password": "x"})
    assert response.status_code == 200  # the form's own error, through allauth's limits
    assert b"password you specified are not correct" in response.content


def test_nothing_is_remembered_across_requests_while_redis_is_away(
    server: RedisServer, rf: Any
) -> None:
    built: list[int] = []
    server.stop()

    for _ in range(2):
        pagecache.remember(rf.get("/"), "key", lambda: built.append(1))

    assert len(built) == 2


def test_a_purge_made_while_redis_is_away_is_written_when_it_answers(
    server: RedisServer, clock: Clock, article: ArticlePage
) -> None:
    calls = 0
    django_app = get_wsgi_application()

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        nonlocal calls
        calls += 1
        return django_app(environ, start_response)

    app = PageCacheApp(counting, recheck=0)
    assert wsgi_get(app, article.url).status == "200 OK"
    wsgi_get(app, article.url)
    assert calls == 1  # stored in Redis

    server.stop()
    pagecache.purge_all()  # a publish during the outage
    for _ in range(2):
        assert wsgi_get(app, article.url).status == "200 OK"
    assert calls == 3  # rendered every time, nothing kept

    server.start()  # with the page stored before the purge
    clock.now += shared_cache.RETRY_SECONDS + 1
    assert wsgi_get(app, article.url).status == "200 OK"
    assert calls == 4  # the owed purge retired the page stored before it
    wsgi_get(app, article.url)
    assert calls == 4  # and pages are kept again


def test_rate_limits_keep_counting_per_process_while_redis_is_away(server: RedisServer) -> None:
    server.stop()

    answers = [ratelimit.allow("address", limit=2, window=60) for _ in range(3)]

    assert answers == [True, True, False]


def test_not_ready_while_redis_is_away(server: RedisServer, client: Client) -> None:
    assert client.get("/health/ready/").status_code == 200
    server.stop()

    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["cache"] == "unreachable"
