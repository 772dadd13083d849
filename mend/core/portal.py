"""Panels on the patient's home page, /me/, from apps that the page's own app may not import.

/me/ belongs to exercises (floor 4); courses and booking's visit packages show there too.
An app registers a panel in its AppConfig.ready(); the portal asks each panel for its
context and includes its template when the context is not None (nothing to show).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[[Any, datetime], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class Shown:
    template: str
    context: dict[str, Any]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.name] = panel


def panels_for(user: Any, *, now: datetime) -> list[Shown]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda panel: (panel.order, panel.name)):
        context = panel.context(user, now)
        if context is not None:
            shown.append(Shown(panel.template, context))
    return shown
