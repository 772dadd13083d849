"""Guide pages show a region's screen to anonymous readers from the page cache: a change
to any screen retires the cached pages (mend.core.pagecache)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from mend.core import pagecache
from mend.safety.models import Screen, ScreenQuestion


@receiver(post_save, sender=Screen)
@receiver(post_delete, sender=Screen)
@receiver(post_save, sender=ScreenQuestion)
@receiver(post_delete, sender=ScreenQuestion)
def purge_cached_pages(sender: type[Any], **kwargs: Any) -> None:
    pagecache.purge_all()
