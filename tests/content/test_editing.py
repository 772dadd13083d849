"""Editors write in the Wagtail admin: drafts, preview, revisions, scheduling."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from mend.accounts.models import User
from mend.content.models import ArticleIndexPage, ArticlePage


def article_form(title: str, **extra: Any) -> dict[str, Any]:
    return nested_form_data(
        {
            "title": title,
            "slug": "heel-pain",
            "standfirst": "Why heels hurt in the morning.",
            "date": "2026-11-20",
            "body": streamfield([("paragraph", rich_text("<p>First steps are the worst.</p>"))]),
            "tags": "foot, heel",
            **extra,
        }
    )


def add_url(index: ArticleIndexPage) -> str:
    return f"/admin/pages/add/content/articlepage/{index.pk}/"


def test_a_saved_draft_stays_hidden_from_readers(
    client: Client, editor: User, article_index: ArticleIndexPage
) -> None:
    client.force_login(editor)
    response = client.post(add_url(article_index), article_form("Heel pain"))

    article = ArticlePage.objects.get(slug="heel-pain")
    assert response.status_code == 302
    assert not article.live and article.has_unpublished_changes
    client.logout()
    assert client.get("/articles/heel-pain/").status_code == 404


def test_preview_shows_unsaved_changes(client: Client, editor: User, article: ArticlePage) -> None:
    client.force_login(editor)
    url = f"/admin/pages/{article.pk}/edit/preview/"
    data = article_form("Achilles, previewed")
    data["slug"] = article.slug

    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()

    assert "Achilles, previewed" in html
    article.refresh_from_db()
    assert article.title == "Achilles pain when running"


def test_every_save_is_a_revision_and_publishing_makes_it_live(
    client: Client, editor: User, article_index: ArticleIndexPage
) -> None:
    client.force_login(editor)
    client.post(add_url(article_index), article_form("Heel pain"))
    article = ArticlePage.objects.get(slug="heel-pain")
    edit = f"/admin/pages/{article.pk}/edit/"
    client.post(edit, article_form("Heel pain, second draft"))
    client.post(edit, article_form("Heel pain in the morning", **{"action-publish": "publish"}))

    article.refresh_from_db()
    assert article.revisions.count() == 3
    assert article.live and article.title == "Heel pain in the morning"
    assert client.get(f"/admin/pages/{article.pk}/history/").status_code == 200


def test_scheduled_article_goes_live_at_its_time(
    client: Client, editor: User, article_index: ArticleIndexPage
) -> None:
    client.force_login(editor)
    # 2026-11-26 10:00 UTC: the editor schedules the article for 1 December, 09:00 UTC.
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC), tick=False):
        client.post(
            add_url(article_index),
            article_form(
                "Heel pain", go_live_at="2026-12-01 09:00", **{"action-publish": "publish"}
            ),
        )
    article = ArticlePage.objects.get(slug="heel-pain")
    assert not article.live and article.scheduled_revision is not None

    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC), tick=False):
        call_command("publish_scheduled")
    article.refresh_from_db()
    assert not article.live

    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 1, tzinfo=dt.UTC), tick=False):
        call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.live
    client.logout()
    assert client.get("/articles/heel-pain/").status_code == 200
