"""Site search on PostgreSQL can find its matches through an index, not by reading every entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from mend.content.models import ArticlePage

pytestmark = pytest.mark.django_db


def _search_queries(client: Client, query: str) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "@@" in sql:
            seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return seen


def test_the_search_match_can_use_the_title_and_body_index(
    client: Client, article: ArticlePage
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches its FTS5 table")
    queries = _search_queries(client, "achilles running")

    # Wagtail matches the two vectors joined, the expression the index is built on…
    assert queries, "the search ran no full-text match"
    joined = '("wagtailsearch_indexentry"."title" || "wagtailsearch_indexentry"."body") @@'
    assert all(joined in sql for sql, _ in queries), queries
    # …and PostgreSQL can answer that match from the index (asked of a tiny table, with
    # sequential scans off: on a big one the planner picks it by itself).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM wagtailsearch_indexentry"
            " WHERE (title || body) @@ to_tsquery('achilles & running')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "content_search_title_body" in plan, plan


def test_the_index_is_on_postgresql_only() -> None:
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "wagtailsearch_indexentry"))
    assert ("content_search_title_body" in names) == (connection.vendor == "postgresql")
