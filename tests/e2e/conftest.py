"""Browser tests: real Chromium (Debian's package) driven by Playwright.

Playwright's sync API runs an event loop in the test thread, and Django
refuses database calls from a thread with a running loop unless told
otherwise; the live server runs in its own thread.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.browser)
