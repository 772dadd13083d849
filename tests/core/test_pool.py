"""PostgreSQL through Django's psycopg pool: a process never holds more connections than the
pool's size, however many threads ask (MEND_DB_POOL_SIZE)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from mend.settings import pooled

THREADS = 8
POOL_SIZE = 3

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the pool is PostgreSQL's (DATABASE_URL=postgres://…)"
)


def test_the_pool_setting_on_postgresql() -> None:
    database = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60, "OPTIONS": {}}

    assert pooled(database, 5) == {
        "ENGINE": "django.db.backends.postgresql",
        "CONN_MAX_AGE": 0,  # Django refuses a pool with persistent connections
        "OPTIONS": {"pool": {"min_size": 2, "max_size": 5, "timeout": 10}},
    }
    assert pooled(database, 0) is database
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "CONN_MAX_AGE": 0}
    assert pooled(sqlite, 5) is sqlite


def _peak_connections(settings_dict: dict[str, Any], alias: str, application: str) -> int:
    """Run THREADS threads of queries through ``settings_dict``; the most connections
    PostgreSQL saw open for ``application`` meanwhile."""
    errors: list[BaseException] = []
    peak = 0

    def work() -> None:
        wrapper = DatabaseWrapper(settings_dict, alias)
        try:
            for _ in range(3):
                with wrapper.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.05)")
                wrapper.close()  # back to the pool, or closed without one
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            wrapper.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while any(thread.is_alive() for thread in threads) and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside the test's transaction PostgreSQL would keep showing its first look.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application]
            )
            peak = max(peak, cursor.fetchone()[0])
        time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=5)
    assert not errors, errors
    return peak


@on_postgresql
@pytest.mark.django_db
def test_many_threads_share_at_most_the_pools_connections() -> None:
    application = f"mend-pool-{uuid.uuid4().hex[:8]}"
    base = {
        **connection.settings_dict,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "application_name": application},
    }
    settings_dict = pooled(base, POOL_SIZE)
    alias = f"pool-{application}"
    try:
        peak = _peak_connections(settings_dict, alias, application)
    finally:
        DatabaseWrapper(settings_dict, alias).close_pool()

    assert 1 <= peak <= POOL_SIZE


@on_postgresql
@pytest.mark.django_db
def test_without_the_pool_each_thread_opens_its_own() -> None:
    application = f"mend-nopool-{uuid.uuid4().hex[:8]}"
    settings_dict = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 60,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "application_name": application},
    }

    peak = _peak_connections(settings_dict, f"direct-{application}", application)

    assert peak > POOL_SIZE  # what the pool prevents can happen
