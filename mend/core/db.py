"""Database contention: the errors a busy database raises that a second try may cure.

PostgreSQL aborts one of two transactions that wait on each other (deadlock
detected, SQLSTATE 40P01), refuses a transaction that cannot be serialised
(40001), and gives up on a lock after ``lock_timeout`` (55P03). SQLite says
"database is locked" when its busy timeout runs out. None of these means the
request was wrong: the same work, run again on a fresh transaction, usually
goes through. ``retry_once`` does that, once, and then lets the caller say
something a person can read instead of a server error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction
from psycopg import errors as pg

T = TypeVar("T")

_POSTGRESQL_CONTENTION = (pg.DeadlockDetected, pg.SerializationFailure, pg.LockNotAvailable)


class Contended(Exception):
    """The work met contention on both tries; nothing of it was stored."""


def is_contention(error: BaseException) -> bool:
    cause = error.__cause__
    if isinstance(cause, _POSTGRESQL_CONTENTION):
        return True
    return isinstance(cause, sqlite3.OperationalError) and "database is locked" in str(cause)


def retry_once(work: Callable[[], T]) -> T:
    """Run work in a transaction; on contention roll it back and run it once more.

    Inside an outer transaction a retry cannot help (the outer one is what
    waited), so the work runs once in a savepoint. Either way, contention that
    persists rolls the work back and raises ``Contended``; the caller's
    transaction, if any, stays usable.
    """
    tries = 1 if transaction.get_connection().in_atomic_block else 2
    for _ in range(tries):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            if not is_contention(error):
                raise
    raise Contended
