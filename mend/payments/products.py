"""What can be bought: kinds of product registered by the apps that own them.

Payments imports no app above it. Courses register the kind "course" and booking the kind
"package" from their ``AppConfig.ready()``; an order line keeps the kind's name and the
owning app's ref, and the price always comes from ``Kind.find(ref)``, never from a request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mend.payments.models import OrderLine


@dataclass(frozen=True)
class Product:
    kind: str
    ref: str
    description: str
    unit_price: Decimal
    currency: str
    pay_at_clinic: bool = False
    max_quantity: int = 1


def _has_nothing(user: Any, ref: str) -> bool:
    return False


@dataclass(frozen=True)
class Kind:
    name: str
    find: Callable[[str], Product | None]
    fulfil: Callable[[OrderLine, datetime], None]
    revoke: Callable[[OrderLine, datetime], None]
    next_url: Callable[[OrderLine], str]
    already_has: Callable[[Any, str], bool] = _has_nothing


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Register (or replace, on a reload) the kind of product named ``kind.name``."""
    _kinds[kind.name] = kind


def unregister(name: str) -> None:
    _kinds.pop(name, None)


def kind(name: str) -> Kind:
    """The registered kind; KeyError for unknown kinds."""
    return _kinds[name]


def registered() -> list[str]:
    return sorted(_kinds)
