"""Is this server ready for traffic? The checks behind /health/ready/ and the queue gauges.

Each check is cheap (one query or one cache round trip) and says "ok" or what
is wrong. The task queue is the database one (django-tasks-db): a task waits
from when it was queued, or, if it was queued to run later, from that time.
A queue whose oldest waiting task is older than MEND_READY_MAX_TASK_AGE means
no worker is keeping up; with another task backend there is no queue to read.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, Q, When
from django.db.models.functions import Greatest

from mend.core.cache import is_shared

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
_PROBE_KEY = "health:probe"


@dataclass(frozen=True)
class Queue:
    waiting: int  # tasks due to run now that no worker has taken
    oldest_seconds: float  # how long the oldest of them has waited (0 when none)


def uses_database_queue() -> bool:
    return bool(settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND)


def queue(*, now: dt.datetime) -> Queue:
    from django_tasks_db.models import DBTaskResult, get_date_max

    never = get_date_max()  # what django-tasks-db stores for "run as soon as possible"
    due = DBTaskResult.objects.filter(status="READY").filter(
        Q(run_after=never) | Q(run_after__lte=now)
    )
    waiting_since = Case(
        When(run_after=never, then=F("enqueued_at")),
        default=Greatest(F("enqueued_at"), F("run_after")),
    )
    oldest = (
        due.annotate(since=waiting_since).order_by("since").values_list("since", flat=True).first()
    )
    if oldest is None:
        return Queue(waiting=0, oldest_seconds=0.0)
    return Queue(waiting=due.count(), oldest_seconds=max((now - oldest).total_seconds(), 0.0))


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure to answer means "not ready", whatever its type
        return "unreachable"
    return "ok"


def check_cache() -> str:
    value = secrets.token_hex(8)
    try:
        cache.set(_PROBE_KEY, value, timeout=30)
        answered = cache.get(_PROBE_KEY)
    except Exception:  # a cache that raises (a full disk, Django's own Redis cache)
        return "unreachable"
    if not is_shared(cache):  # Redis away: answered from this process's memory
        return "unreachable"
    return "ok" if answered == value else "not keeping values"


def check_tasks(*, now: dt.datetime) -> str:
    limit = settings.MEND_READY_MAX_TASK_AGE
    if not limit or not uses_database_queue():
        return "ok"
    try:
        state = queue(now=now)
    except Exception:  # the database check names the cause
        return "unreachable"
    if state.oldest_seconds > limit:
        return f"oldest waiting task {state.oldest_seconds:.0f} s old (limit {limit} s)"
    return "ok"


def readiness(*, now: dt.datetime) -> dict[str, str]:
    database = check_database()
    return {
        "database": database,
        "cache": check_cache(),
        "tasks": check_tasks(now=now) if database == "ok" else "unknown",
    }
