"""Exercise pages and articles that show an exercise are cached for anonymous readers:
a change to the library retires them (mend.core.pagecache)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from mend.core import pagecache
from mend.exercises.models import Exercise


@receiver(post_save, sender=Exercise)
@receiver(post_delete, sender=Exercise)
def purge_cached_pages(sender: type[Exercise], **kwargs: Any) -> None:
    pagecache.purge_all()
