"""/health/ says the process is alive; /health/ready/ whether it can serve, for a load balancer."""

from __future__ import annotations

import datetime as dt
import json
import socket
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory
from django_tasks import task

from mend.core import views

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# 09:00 UTC on Tuesday 1 December 2026.
NOON = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@task()
def remember(text: str) -> str:
    return text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_alive_asks_nothing_of_the_database(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = views.health(RequestFactory().get("/health/"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_ready_when_database_cache_and_queue_answer(client: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE

    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "tasks": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_not_ready_when_the_oldest_waiting_task_is_older_than_the_limit(
    client: Client, settings: Any
) -> None:
    settings.TASKS = DATABASE_QUEUE
    settings.MEND_READY_MAX_TASK_AGE = 600
    with time_machine.travel(NOON, tick=False):
        remember.enqueue("first")
    with time_machine.travel(NOON + dt.timedelta(minutes=5), tick=False):
        remember.enqueue("second")

    with time_machine.travel(NOON + dt.timedelta(seconds=600), tick=False):
        assert client.get("/health/ready/").status_code == 200
    with time_machine.travel(NOON + dt.timedelta(seconds=601), tick=False):
        response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "cache": "ok",
        "tasks": "oldest waiting task 601 s old (limit 600 s)",
    }


def test_a_task_queued_for_later_waits_from_its_time(client: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    settings.MEND_READY_MAX_TASK_AGE = 600
    with time_machine.travel(NOON, tick=False):
        remember.using(run_after=NOON + dt.timedelta(hours=24)).enqueue("a reminder")

    with time_machine.travel(NOON + dt.timedelta(hours=24, seconds=600), tick=False):
        assert client.get("/health/ready/").status_code == 200
    with time_machine.travel(NOON + dt.timedelta(hours=24, seconds=601), tick=False):
        assert client.get("/health/ready/").status_code == 503


def test_a_finished_task_does_not_count(client: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    with time_machine.travel(NOON, tick=False):
        result = remember.enqueue("done")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=result.id).update(status="SUCCESSFUL")

    with time_machine.travel(NOON + dt.timedelta(days=2), tick=False):
        assert client.get("/health/ready/").status_code == 200


def test_a_limit_of_zero_leaves_the_queue_out(client: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    settings.MEND_READY_MAX_TASK_AGE = 0
    with time_machine.travel(NOON, tick=False):
        remember.enqueue("old")

    with time_machine.travel(NOON + dt.timedelta(days=2), tick=False):
        assert client.get("/health/ready/").status_code == 200


def test_not_ready_when_the_cache_is_unreachable(settings: Any) -> None:
    # A Redis nobody listens on: the connection is refused, as when Redis is down.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",
        }
    }

    response = views.health_ready(RequestFactory().get("/health/ready/"))

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "database": "ok",
        "cache": "unreachable",
        "tasks": "ok",
    }


def test_ready_refuses_post(client: Client) -> None:
    assert client.post("/health/ready/").status_code == 405
