"""The shared cache on Redis, kept answering while Redis does not.

Django's Redis backend raises on every call when Redis is down or away, and
every page that touches the cache (a rate limit, the page cache, allauth's
sign-in limits) would answer 500. ``RedisCache`` instead turns to a cache in
this process's memory for ``RETRY_SECONDS`` after a call fails, then tries
Redis again. Rate limits keep counting, per process. What must know that the
values are not shared (the page cache's purge counter, ``/health/ready/``)
asks ``is_shared``.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.core.cache import BaseCache
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.locmem import LocMemCache

RETRY_SECONDS = 5.0
clock: Callable[[], float] = time.monotonic  # replaced in tests
# What a Redis that cannot answer raises: refused or broken connections, time-outs,
# a server refusing writes (out of memory, a read-only replica).
UNREACHABLE = (redis.RedisError, OSError)

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# Per server address, shared by every thread's backend: until when calls go to memory.
_down_until: dict[str, float] = {}


def is_shared(cache: BaseCache) -> bool:
    """Whether ``cache``'s values are seen by every process (False while Redis is away)."""
    shared: Callable[[], bool] | None = getattr(cache, "is_shared", None)
    return True if shared is None else shared()


def _falls_back(method: F) -> F:
    name = method.__name__

    @functools.wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        if self.is_shared():
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._went_away(error)
            else:
                self._came_back()
                return result
        return getattr(self._memory, name)(*args, **kwargs)

    return call  # type: ignore[return-value]


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache, answering from this process's memory while Redis does not."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._where = server if isinstance(server, str) else ",".join(server)
        self._memory = LocMemCache(f"mend-shared-fallback:{self._where}", params)

    def is_shared(self) -> bool:
        """False while Redis is away: from a failed call until ``RETRY_SECONDS`` after it."""
        return clock() >= _down_until.get(self._where, -math.inf)

    def _went_away(self, error: Exception) -> None:
        if self._where not in _down_until:
            logger.warning(
                "Redis did not answer (%s): using this process's memory, retried every %.0f s.",
                type(error).__name__,
                RETRY_SECONDS,
            )
        _down_until[self._where] = clock() + RETRY_SECONDS

    def _came_back(self) -> None:
        if _down_until.pop(self._where, None) is not None:
            logger.warning("Redis answers again.")

    add = _falls_back(django_redis.RedisCache.add)
    get = _falls_back(django_redis.RedisCache.get)
    set = _falls_back(django_redis.RedisCache.set)
    touch = _falls_back(django_redis.RedisCache.touch)
    delete = _falls_back(django_redis.RedisCache.delete)
    get_many = _falls_back(django_redis.RedisCache.get_many)
    has_key = _falls_back(django_redis.RedisCache.has_key)
    incr = _falls_back(django_redis.RedisCache.incr)
    set_many = _falls_back(django_redis.RedisCache.set_many)
    delete_many = _falls_back(django_redis.RedisCache.delete_many)
    clear = _falls_back(django_redis.RedisCache.clear)
