"""An exclusion constraint that exists on PostgreSQL and is skipped elsewhere.

Why a subclass rather than a RunSQL migration: the constraint stays in the
model's ``Meta``, so migrations are generated as usual, and model validation
(the Wagtail admin's forms call ``full_clean``) reports a clash with the
constraint's message instead of failing on save. On SQLite there is no
``EXCLUDE``: the constraint creates nothing and validates nothing, and the
booking service's recheck inside an ``IMMEDIATE`` transaction (which takes the
write lock when it starts) is what keeps two bookings apart.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(lower, upper, '[)')``: half-open, so back-to-back visits do not clash."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, lower: str, upper: str) -> None:
        super().__init__(lower, upper, RangeBoundary())


def _postgres(schema_editor_or_alias: Any) -> bool:
    if isinstance(schema_editor_or_alias, str):
        return connections[schema_editor_or_alias].vendor == "postgresql"
    return bool(schema_editor_or_alias.connection.vendor == "postgresql")


class PostgresExclusionConstraint(ExclusionConstraint):
    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().constraint_sql(model, schema_editor) if _postgres(schema_editor) else None

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().create_sql(model, schema_editor) if _postgres(schema_editor) else None

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().remove_sql(model, schema_editor) if _postgres(schema_editor) else None

    def validate(
        self, model: Any, instance: Any, exclude: Any = None, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        if _postgres(using):
            super().validate(model, instance, exclude=exclude, using=using)
