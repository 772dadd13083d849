"""Outcomes' queued work: one email when a questionnaire falls due.

``queue_due_emails`` is what a periodic job runs (``mend outcomes send-due``,
from cron or a systemd timer): it queues one task per questionnaire that is
open and not yet emailed. The task claims the questionnaire with a
compare-and-set on ``emailed_at`` before sending, so however often it is
queued or retried, the patient gets one email; if sending fails the claim is
released and a retry may send it.

The email names no questionnaire and no condition: mail is read on shared
screens and lock screens, and the page behind the link says the rest.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from mend.outcomes.models import Response

SUBJECT = "A short questionnaire from your clinician"


def queue_due_emails(*, now: dt.datetime) -> int:
    """Queue the email of every open questionnaire not emailed yet; how many were queued."""
    from mend.outcomes import services  # services queues this module's task: import at run time

    due = services.due_to_email(now=now)
    for response in due:
        send_due_email.enqueue(response.pk)
    return len(due)


@task()
def send_due_email(response_id: int) -> bool:
    """Tell the patient a questionnaire is open. True if this call sent the email."""
    from mend.outcomes import services

    now = timezone.now()
    response = Response.objects.select_related("episode__patient", "episode__clinician").filter(
        pk=response_id
    )
    found = response.first()
    if found is None or services.stage_of(found, now=now) is not services.Stage.OPEN:
        return False  # answered, missed or not due: nothing to tell
    claimed = Response.objects.filter(pk=response_id, emailed_at__isnull=True).update(
        emailed_at=now
    )
    if not claimed:
        return False
    try:
        _message(found).send()
    except Exception:
        Response.objects.filter(pk=response_id).update(emailed_at=None)  # a retry may send
        raise
    return True


def _message(response: Response) -> EmailMessage:
    patient = response.episode.patient
    context = {
        "patient": patient,
        "clinician": response.episode.clinician,
        "url": settings.BASE_URL + reverse("outcomes:response", args=[response.pk]),
        "site_name": settings.MEND_SITE_NAME,
    }
    return EmailMessage(
        subject=SUBJECT,
        body=render_to_string("outcomes/email/due.txt", context),
        to=[patient.email],
        reply_to=[settings.MEND_PRACTICE_EMAIL],
    )
