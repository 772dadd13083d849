"""Exercise pages and articles that show an exercise are cached for anonymous readers:
a change to the library retires them (mend.core.pagecache). A cleared severe-pain
flag lets the episode's stopped programs go on."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from mend.care import services as care
from mend.care.models import Flag
from mend.core import pagecache
from mend.exercises import services
from mend.exercises.models import Exercise


@receiver(post_save, sender=Exercise)
@receiver(post_delete, sender=Exercise)
def purge_cached_pages(sender: type[Exercise], **kwargs: Any) -> None:
    pagecache.purge_all()


@receiver(care.flag_cleared)
def resume_after_severe_pain(sender: type[Flag], *, flag: Flag, **kwargs: Any) -> None:
    """The clinician has looked: programs stopped for severe pain in that episode go on."""
    if flag.cause == Flag.Cause.SEVERE_PAIN:
        services.resume_after_review(flag.episode_id)
