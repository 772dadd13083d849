"""Browser tests: real Chromium (Debian's package) driven by Playwright.

Playwright's sync API runs an event loop in the test thread, and Django
refuses database calls from a thread with a running loop unless told
otherwise; the live server runs in its own thread.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The hook sees every item of the session, not just this folder's: mark only ours.
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows(django_db_setup: None) -> str:
    """The rows that migrations made (roles, the page tree's root, the default site…).

    Read before Playwright starts: once its event loop runs, Django hands this
    thread a fresh connection object, one that no longer carries the copy
    Django took when it set the test database up.
    """
    return connections[DEFAULT_DB_ALIAS]._test_serialized_contents


@pytest.fixture(autouse=True)
def _restore_migrated_rows(transactional_db: None, _migrated_rows: str) -> None:
    """Each browser test starts from a database as migrations left it."""
    connection = connections[DEFAULT_DB_ALIAS]
    tables = connection.introspection.django_table_names(only_existing=True)
    rows = list(serializers.deserialize("json", _migrated_rows))
    content_types = [row.object for row in rows if isinstance(row.object, ContentType)]
    with transaction.atomic(), connection.constraint_checks_disabled():
        # Empty every table but keep the id sequences where they are: the
        # restored rows carry their ids, and new rows must not collide with them.
        flush = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
        connection.ops.execute_sql_flush(flush)
        # Content types first and without signals: handlers of other saves look
        # them up, and must find these rather than make their own.
        ContentType.objects.bulk_create(content_types)
        ContentType.objects.clear_cache()
        for row in rows:
            if not isinstance(row.object, ContentType):
                row.save()


@pytest.fixture
def _staff_have_mfa() -> None:
    """Browser tests sign staff in as people do: with a code from their authenticator."""


@pytest.fixture
def _staff_stay_signed_in_while_the_clock_moves() -> None:
    """Browser tests keep the real sign-in limits."""


def enrol_totp(email: str) -> str:
    """Give a member of staff an authenticator app, as if they had set it up; its secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from mend.accounts.models import User

    secret = generate_totp_secret()
    TOTP.activate(User.objects.get(email=email), secret)
    return secret


def totp_code(secret: str) -> str:
    """The code the authenticator app shows now (the server reads the same clock)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def enter_totp(page: Any, secret: str) -> None:
    page.locator('input[name="code"]').fill(totp_code(secret))
    page.locator('button[type="submit"]:not([form])').click()
