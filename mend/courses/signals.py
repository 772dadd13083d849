"""A session logged in a lesson's program marks the lesson done."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from mend.exercises.models import SessionLog


def _session_logged(sender: Any, instance: SessionLog, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    from mend.courses import services

    # In the log's own transaction: the lesson is done exactly when the log is stored.
    services.session_logged(instance.assignment_id, now=instance.logged_at)


def connect() -> None:
    post_save.connect(_session_logged, sender=SessionLog, dispatch_uid="mend.courses.session")
