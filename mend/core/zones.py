"""Time zones as patients and clinics name them: one validator for every app."""

from __future__ import annotations

import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError


@functools.cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/Berlin.")


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)
