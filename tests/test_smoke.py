from __future__ import annotations

from django.test import Client

from mend.content.models import ArticlePage


def test_article_page_renders(client: Client, article: ArticlePage) -> None:
    response = client.get(article.url)
    assert response.status_code == 200
    assert b"Achilles pain when running" in response.content
