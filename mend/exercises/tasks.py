"""Exercises' queued work: the morning-after email, for patients who asked for it."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from mend.exercises.models import SessionLog

logger = logging.getLogger(__name__)

MORNING_HOUR = 7  # the patient's local time the morning-after question is emailed


def morning_after(log: SessionLog) -> dt.datetime:
    """07:00 in the patient's zone on the day after the session."""
    day = log.local_date + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(MORNING_HOUR), tzinfo=log.assignment.zone)


def schedule_morning_check(log_id: int) -> None:
    """Queue the email for the morning after, if the patient asked for it."""
    log = SessionLog.objects.select_related("assignment").get(pk=log_id)
    if not (log.assignment.morning_email and log.rule.settle_by_next_morning):
        return
    if not send_morning_check.get_backend().supports_defer:
        logger.info("The task backend cannot run tasks later: no morning-after email queued.")
        return
    send_morning_check.using(run_after=morning_after(log)).enqueue(log_id)


@task()
def send_morning_check(log_id: int) -> bool:
    """Email the morning-after question once, unless already answered. True if sent."""
    claimed = SessionLog.objects.filter(
        pk=log_id,
        morning_emailed_at__isnull=True,
        settled_next_morning__isnull=True,
        assignment__morning_email=True,
    ).update(morning_emailed_at=timezone.now())
    if not claimed:
        return False
    log = SessionLog.objects.select_related("assignment__program", "assignment__patient").get(
        pk=log_id
    )
    context = {
        "log": log,
        "program": log.assignment.program,
        "url": settings.BASE_URL + reverse("exercises:portal"),
        "site_name": settings.MEND_SITE_NAME,
    }
    try:
        EmailMessage(
            subject=f"Has yesterday's session settled? ({log.assignment.program.name})",
            body=render_to_string("exercises/email/morning_check.txt", context),
            to=[log.assignment.patient.email],
        ).send()
    except Exception:
        SessionLog.objects.filter(pk=log_id).update(morning_emailed_at=None)  # a retry may send
        raise
    return True
