"""Saving or deleting an approved comment retires the anonymous page cache."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from mend.community.models import Comment
from mend.core import pagecache


def _purge_if_public(instance: Comment, **kwargs: Any) -> None:
    if instance.status == Comment.Status.APPROVED:
        transaction.on_commit(pagecache.purge_all)


def connect() -> None:
    post_save.connect(_purge_if_public, sender=Comment, dispatch_uid="mend.community.purge.saved")
    post_delete.connect(
        _purge_if_public, sender=Comment, dispatch_uid="mend.community.purge.deleted"
    )
