"""Site search: Wagtail's database backend, with two costs per match taken out on PostgreSQL.

Wagtail ranks every match before it keeps a page of them, and on PostgreSQL its query
paid twice over for each match:

- The ranks call ``to_tsquery(text)``, which PostgreSQL counts as stable, not constant,
  so it parsed and stemmed the query again for every match, once per rank. Here the
  ranks take the query from ``(SELECT to_tsquery(…))``, which runs once per search.
  The match itself keeps the plain call, so the planner still estimates its rows from
  the index's statistics and chooses the index as before.
- It selected the joined vector it matches on (``title || body``), so every match had
  its body read and joined again for a column nothing reads. Here it is matched on and
  not selected.

The ranks and the order are the same numbers as Wagtail's. SQLite and every other
database get Wagtail's backend unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQueryField
from django.db import connection
from django.db.models import Expression
from wagtail.search.backends import database


class OncePerQuery(Expression):
    """An expression PostgreSQL evaluates once for the statement: a scalar subquery."""

    output_field = SearchQueryField()

    def __init__(self, inner: Expression) -> None:
        super().__init__()
        self.inner = inner

    def get_source_expressions(self) -> list[Any]:
        return [self.inner]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.inner,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.inner)
        return f"(SELECT {sql})", params


VECTOR = "_vector_"  # the name Wagtail's compiler gives the joined vector it matches on


def _postgres_backend_class() -> type:
    from wagtail.search.backends.database.postgres.postgres import (
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )

    class QueryCompiler(PostgresSearchQueryCompiler):  # type: ignore[misc]
        ranking = False

        def _build_rank_expression(self, vectors: Any, config: Any) -> Any:
            self.ranking = True
            try:
                return super()._build_rank_expression(vectors, config)
            finally:
                self.ranking = False

        def build_tsquery(self, query: Any, config: Any = None) -> Any:
            built = super().build_tsquery(query, config=config)
            return OncePerQuery(built) if self.ranking and built is not None else built

        def search(self, config: Any, start: Any, stop: Any, **kwargs: Any) -> Any:
            found = super().search(config, start, stop, **kwargs)
            selected = found.query.annotation_select
            if VECTOR in selected:
                found = found._chain()
                found.query.set_annotation_mask(set(selected) - {VECTOR})
            return found

    class Backend(PostgresSearchBackend):  # type: ignore[misc]
        query_compiler_class = QueryCompiler

    return Backend


def SearchBackend(params: dict[str, Any]) -> Any:  # the name Wagtail imports from a backend module
    if connection.vendor == "postgresql":
        return _postgres_backend_class()(params)
    return database.SearchBackend(params)
