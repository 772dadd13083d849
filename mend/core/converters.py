"""URL converters every app uses; importing this module registers them."""

from __future__ import annotations

from django.urls import register_converter


class RowId:
    """A database id: at most 18 digits, so a forged huge number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowId, "row_id")
