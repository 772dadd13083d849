"""Exercise pages and articles that show an exercise are cached for anonymous readers:
a change to the library retires them (mend.core.pagecache). A cleared severe-pain
or red-flag flag lets the programs the episode stopped for it go on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from mend.care import services as care
from mend.care.models import Flag
from mend.core import pagecache
from mend.exercises import stops
from mend.exercises.models import Exercise, PauseCause

RESUMED_BY = {
    Flag.Cause.SEVERE_PAIN: PauseCause.SEVERE_PAIN,
    Flag.Cause.RED_FLAG: PauseCause.RED_FLAG,
}


@receiver(post_save, sender=Exercise)
@receiver(post_delete, sender=Exercise)
def purge_cached_pages(sender: type[Exercise], **kwargs: Any) -> None:
    pagecache.purge_all()


@receiver(care.flag_cleared)
def resume_after_review(sender: type[Flag], *, flag: Flag, now: dt.datetime, **kwargs: Any) -> None:
    """The clinician has looked: programs stopped for that flag's cause in the episode go on."""
    cause = RESUMED_BY.get(flag.cause)
    if cause:
        stops.resume_in_episode(flag.episode_id, cause, now=now)
