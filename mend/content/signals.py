"""Anything that changes what anonymous readers see retires the page cache."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from mend.core import pagecache


def _purge(**kwargs: Any) -> None:
    pagecache.purge_all()


def connect() -> None:
    page_published.connect(_purge, dispatch_uid="mend.content.purge.published")
    page_unpublished.connect(_purge, dispatch_uid="mend.content.purge.unpublished")
    post_page_move.connect(_purge, dispatch_uid="mend.content.purge.moved")
    post_delete.connect(_purge, sender=Page, dispatch_uid="mend.content.purge.deleted")
    # A page made private (or public again) must not be served from the cache.
    post_save.connect(_purge, sender=PageViewRestriction, dispatch_uid="mend.content.purge.vr")
    post_delete.connect(_purge, sender=PageViewRestriction, dispatch_uid="mend.content.purge.vrd")
    # Routing keeps the site and its root page (pagecache.RememberedSiteMiddleware).
    post_save.connect(_purge, sender=Site, dispatch_uid="mend.content.purge.site")
    post_delete.connect(_purge, sender=Site, dispatch_uid="mend.content.purge.sited")
