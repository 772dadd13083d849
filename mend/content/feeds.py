from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone

from mend.content.models import ArticlePage, live_articles

FEED_SIZE = 20


class ArticleFeed(Feed):  # type: ignore[type-arg]
    link = "/articles/"

    def title(self) -> str:
        return f"{settings.MEND_SITE_NAME}: articles"

    def description(self) -> str:
        return "New articles on pain, movement and exercise from our physical therapists."

    def items(self) -> list[ArticlePage]:
        return list(live_articles()[:FEED_SIZE])

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.standfirst

    def item_link(self, item: ArticlePage) -> str:
        return item.get_full_url() or item.url

    def item_pubdate(self, item: ArticlePage) -> dt.datetime:
        return dt.datetime.combine(item.date, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item: ArticlePage) -> dt.datetime | None:
        return item.last_published_at or timezone.now()

    def item_author_name(self, item: ArticlePage) -> str | None:
        return item.author.get_public_name() if item.author else None

    def item_categories(self, item: ArticlePage) -> list[str]:
        return [tag.name for tag in item.tags.all()]
