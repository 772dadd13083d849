"""IANA time zone names: validation and the list people choose from."""

from __future__ import annotations

import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@functools.cache
def names() -> tuple[str, ...]:
    """Zones a person may pick: the IANA ones with a region, minus legacy aliases."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")
    regional = (name for name in zoneinfo.available_timezones() if "/" in name)
    return (*sorted(name for name in regional if not name.startswith(legacy)), "UTC")


@functools.cache
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - {"localtime", "Factory"}


@functools.lru_cache(maxsize=64)
def options_html(selected: str) -> SafeString:
    """The <option>s of the zone picker, built once per selected zone: 400-odd of them."""
    return mark_safe(  # every name is escaped here
        "".join(
            f'<option value="{escape(name)}"{" selected" if name == selected else ""}>'
            f"{escape(name)}</option>"
            for name in names()
        )
    )


def is_zone(name: str) -> bool:
    return name in _known()


def validate_zone(name: str) -> None:
    if not is_zone(name):
        raise ValidationError(
            "Unknown time zone %(name)s: use an IANA name such as America/New_York.",
            params={"name": name},
            code="invalid_zone",
        )
