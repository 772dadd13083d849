from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from mend.core import portal

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def registry() -> Iterator[None]:
    saved = dict(portal._panels)
    portal._panels.clear()
    yield
    portal._panels.clear()
    portal._panels.update(saved)


def test_panels_in_order_and_silent_ones_left_out(registry: None) -> None:
    portal.register(portal.Panel("late", "b.html", lambda user, now: {"n": 2}, order=20))
    portal.register(portal.Panel("early", "a.html", lambda user, now: {"n": 1}, order=10))
    portal.register(portal.Panel("empty", "c.html", lambda user, now: None, order=15))

    shown = portal.panels_for(object(), now=NOW)

    assert [(panel.template, panel.context) for panel in shown] == [
        ("a.html", {"n": 1}),
        ("b.html", {"n": 2}),
    ]


def test_a_panel_sees_the_user_and_the_clock(registry: None) -> None:
    seen = []
    portal.register(portal.Panel("p", "p.html", lambda user, now: seen.append((user, now))))
    user = object()

    portal.panels_for(user, now=NOW)

    assert seen == [(user, NOW)]
