from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from django.test import Client

from mend.content.models import ArticleIndexPage, ArticlePage

MakeArticle = Callable[..., ArticlePage]


def test_article_shows_its_parts(client: Client, make_article: MakeArticle, editor) -> None:
    article = make_article(
        "Achilles pain",
        tags=("achilles",),
        author=editor,
        video_url="https://youtu.be/dQw4w9WgXcQ",
        body=[
            ("heading", "Why does it hurt?"),
            ("steps", {"title": "Stretch", "steps": ["Heel down", "Hinge"], "dosage": "Hold 30 s"}),
            ("callout", {"kind": "warning", "title": "Careful", "text": "<p>Stop if sharp.</p>"}),
        ],
    )
    html = client.get(article.url).content.decode()

    assert "<h2>Why does it hurt?</h2>" in html
    assert "<li>Heel down</li>" in html and "<li>Hinge</li>" in html
    assert "Hold 30 s" in html
    assert 'class="callout warning"' in html
    assert "Dr. Ada Reyes, DPT" in html
    assert 'href="/tags/achilles/"' in html
    # The player is not loaded until the reader presses play.
    assert "<iframe" not in html
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' in html


def test_article_has_canonical_and_open_graph(client: Client, article: ArticlePage) -> None:
    html = client.get(article.url).content.decode()

    assert f'<link rel="canonical" href="{article.full_url}">' in html
    assert '<meta property="og:title" content="Achilles pain when running">' in html
    assert f'<meta property="og:url" content="{article.full_url}">' in html
    assert '<meta property="og:type" content="article">' in html


def test_draft_article_is_not_public(client: Client, make_article: MakeArticle) -> None:
    draft = make_article("Secret draft", live=False)
    assert client.get("/articles/secret-draft/").status_code == 404
    assert draft.url is not None  # the page exists, it is just not live


def test_index_lists_newest_first_and_paginates(
    client: Client, make_article: MakeArticle, article_index: ArticleIndexPage
) -> None:
    for day in range(1, 13):
        make_article(f"Article {day:02}", date=dt.date(2026, 10, day))

    first = client.get("/articles/")
    second = client.get("/articles/?page=2")

    titles = [a.title for a in first.context["articles"]]
    assert titles[:2] == ["Article 12", "Article 11"] and len(titles) == 10
    assert [a.title for a in second.context["articles"]] == ["Article 02", "Article 01"]
    assert client.get("/articles/?page=abc").status_code == 200
    assert client.get("/articles/?page=999").context["articles"].number == 2


def test_index_filters_by_tag(client: Client, make_article: MakeArticle) -> None:
    make_article("Knee one", tags=("knee",))
    make_article("Back one", tags=("low-back",))

    response = client.get("/articles/?tag=knee")

    assert [a.title for a in response.context["articles"]] == ["Knee one"]
    assert client.get("/articles/?tag=nope").context["articles"].paginator.count == 0


def test_tag_page_lists_live_articles_with_the_tag(
    client: Client, make_article: MakeArticle
) -> None:
    make_article("Knee one", tags=("knee",))
    make_article("Knee draft", tags=("knee",), live=False)
    make_article("Back one", tags=("low-back",))

    html = client.get("/tags/knee/").content.decode()

    assert "Knee one" in html and "Knee draft" not in html and "Back one" not in html
    assert client.get("/tags/unknown/").status_code == 404
    assert client.post("/tags/knee/").status_code == 405


def test_feed_is_rss_with_live_articles(client: Client, make_article: MakeArticle) -> None:
    make_article("Live one")
    make_article("Draft one", live=False)

    response = client.get("/articles/feed/")
    channel = ET.fromstring(response.content).find("channel")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert [item.findtext("title") for item in channel.iter("item")] == ["Live one"]


def test_sitemap_lists_articles(client: Client, article: ArticlePage) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert article.full_url in response.content.decode()


def test_robots_points_to_sitemap(client: Client) -> None:
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.parametrize("query", ["achilles running", "Achilles", "RUNNING achilles"])
def test_search_puts_the_achilles_article_first(
    client: Client, make_article: MakeArticle, query: str
) -> None:
    make_article("Runner's knee", tags=("knee", "running"), standfirst="Knee pain when running.")
    make_article("Plantar heel pain", tags=("foot",), standfirst="Heel pain in the morning.")
    make_article(
        "Achilles pain when running",
        tags=("achilles", "running"),
        standfirst="Why the Achilles hurts on runs and what helps.",
    )

    results = list(client.get("/search/", {"q": query}).context["results"])

    assert results[0].title == "Achilles pain when running"


@pytest.mark.parametrize("query", ["", "   ", "\x00", "<script>alert(1)</script>", "x" * 10_000])
def test_search_survives_odd_queries(client: Client, article: ArticlePage, query: str) -> None:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_health(client: Client, db: None) -> None:
    assert client.get("/health/").json() == {"status": "ok"}
