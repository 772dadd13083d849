"""Browser tests: real Chromium (Debian's package) driven by Playwright.

Playwright's sync API runs an event loop in the test thread, and Django
refuses database calls from a thread with a running loop unless told
otherwise; the live server runs in its own thread.
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
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
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connections[DEFAULT_DB_ALIAS].creation.deserialize_db_from_string(_migrated_rows)
