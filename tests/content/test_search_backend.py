"""Mend's search backend: on PostgreSQL the same results and ranks as Wagtail's, at less
cost per match; elsewhere Wagtail's backend itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from wagtail.search.backends import database, get_search_backend

from mend.content.models import ArticlePage

pytestmark = pytest.mark.django_db

MakeArticle = Callable[..., ArticlePage]
JOINED = '("wagtailsearch_indexentry"."title" || "wagtailsearch_indexentry"."body")'


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the change is to PostgreSQL's query; SQLite gets Wagtail's backend")


@pytest.fixture
def articles(make_article: MakeArticle) -> list[ArticlePage]:
    def paragraph(text: str) -> list[tuple[str, str]]:
        return [("paragraph", f"<p>{text}</p>")]

    return [
        make_article(
            "Achilles pain when running",
            standfirst="Why the Achilles hurts on runs.",
            body=paragraph("Calf raises load the Achilles tendon. Running can go on."),
        ),
        make_article(
            "Runner's knee",
            standfirst="Knee pain when running downhill.",
            body=paragraph("Running on hills loads the knee. Squats build the thigh."),
        ),
        make_article(
            "Plantar heel pain",
            standfirst="Heel pain in the morning.",
            body=paragraph("The first steps hurt. Calf stretches and running less help."),
        ),
        make_article(
            "Low back pain",
            standfirst="Most back pain settles.",
            body=paragraph("Keep moving; walking helps more than rest."),
        ),
    ]


def _ranked(backend: Any, query: str, **options: Any) -> list[tuple[int, float]]:
    found = backend.search(query, ArticlePage.objects.live(), **options)
    return [(page.pk, page.score) for page in found.annotate_score("score")]


def _search_sql(client: Client, query: str) -> list[str]:
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "@@" in sql and "ts_rank(" in sql:  # the page of results, not its count
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert seen, "the search ranked no full-text matches"
    return seen


def test_sqlite_and_others_get_wagtails_own_backend(db: None) -> None:
    backend = get_search_backend()
    if connection.vendor == "postgresql":
        from wagtail.search.backends.database.postgres.postgres import PostgresSearchBackend

        assert isinstance(backend, PostgresSearchBackend)
        assert type(backend) is not PostgresSearchBackend
    else:
        assert type(backend) is type(database.SearchBackend({}))


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("running", {}),
        ("achilles running", {}),
        ("calf running", {"operator": "or"}),
        ("pain", {}),
        ('"heel pain"', {}),
        ("knee -downhill", {}),
        ("nothing matches this", {}),
    ],
)
def test_the_results_and_ranks_are_wagtails(
    articles: list[ArticlePage], query: str, options: dict[str, Any]
) -> None:
    _postgres_only()
    from wagtail.search.backends.database.postgres.postgres import PostgresSearchBackend

    ours = _ranked(get_search_backend(), query, **options)
    wagtails = _ranked(PostgresSearchBackend({}), query, **options)

    assert [pk for pk, _ in ours] == [pk for pk, _ in wagtails]
    assert [score for _, score in ours] == pytest.approx([score for _, score in wagtails])


def test_every_database_finds_the_same_pages(articles: list[ArticlePage]) -> None:
    ranked = _ranked(get_search_backend(), "running")
    assert {ArticlePage.objects.get(pk=pk).title for pk, _ in ranked} == {
        "Achilles pain when running",
        "Runner's knee",
        "Plantar heel pain",
    }


def test_the_ranks_parse_the_query_once_per_search(
    client: Client, articles: list[ArticlePage]
) -> None:
    _postgres_only()
    (sql, *_) = _search_sql(client, "achilles running")

    # Every rank reads the query from a subquery PostgreSQL runs once…
    ranks = re.findall(r"ts_rank\([^,]+, [^,]+, (\(?\w+)", sql)
    assert ranks and set(ranks) == {"(SELECT"}, sql
    assert sql.count("ts_rank(") == len(ranks) == sql.count("(SELECT to_tsquery(")
    # …while the match keeps the call whose rows the planner can estimate from the index.
    assert f"{JOINED} @@ (to_tsquery" in sql


def test_the_joined_vector_is_matched_on_and_not_selected(
    client: Client, articles: list[ArticlePage]
) -> None:
    _postgres_only()
    (sql, *_) = _search_sql(client, "achilles running")

    selected, _, rest = sql.partition(" FROM ")
    assert JOINED not in selected
    assert "_vector_" not in sql
    assert rest.count(JOINED) == 1


def test_the_search_page_lists_what_the_backend_ranks(
    client: Client, articles: list[ArticlePage]
) -> None:
    results = list(client.get("/search/", {"q": "calf"}).context["results"])
    assert {page.title for page in results} == {
        "Achilles pain when running",
        "Plantar heel pain",
    }
