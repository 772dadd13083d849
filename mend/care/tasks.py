"""Care's queued work: the invitation, flag and break-glass emails, each sent once however
often it is queued."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from mend.care.models import BreakGlass, Flag, Invitation


def _send_once(
    model: type[models.Model],
    pk: int,
    claim: dict[str, Any],
    compose: Callable[[], EmailMessage | None],
) -> bool:
    """Stamp the row's emailed_at if it is still unsent (and matches claim), then send what
    compose builds. A failed send clears the stamp so that a retry may send. True if this
    call sent it."""
    rows = model._default_manager.filter(pk=pk, emailed_at__isnull=True, **claim)
    if not rows.update(emailed_at=timezone.now()):
        return False
    message = compose()
    if message is None:
        return False
    try:
        message.send()
    except Exception:
        model._default_manager.filter(pk=pk).update(emailed_at=None)
        raise
    return True


def _message(subject: str, template: str, to: str, **context: Any) -> EmailMessage:
    body = render_to_string(template, {"site_name": settings.MEND_SITE_NAME, **context})
    return EmailMessage(subject=subject, body=body, to=[to])


@task()
def send_invitation(invitation_id: int) -> bool:
    """Email the invited address. True if this call sent it."""

    def compose() -> EmailMessage:
        invitation = Invitation.objects.select_related("clinician").get(pk=invitation_id)
        return _message(
            f"{invitation.clinician.get_public_name()} invites you into their care",
            "care/email/invitation.txt",
            invitation.email,
            invitation=invitation,
            url=settings.BASE_URL + reverse("care:mine"),
        )

    return _send_once(Invitation, invitation_id, {"status": Invitation.Status.PENDING}, compose)


@task()
def send_flag_email(flag_id: int) -> bool:
    """Tell the episode's clinician a flag needs them, once. The email names no patient and
    holds no answers: those stay behind the sign-in, on the clinic page it links to."""

    def compose() -> EmailMessage | None:
        flag = Flag.objects.select_related("episode__clinician").get(pk=flag_id)
        clinician = flag.episode.clinician
        if clinician is None:
            return None
        return _message(
            f"{settings.MEND_SITE_NAME}: a patient in your care needs you to look",
            "care/email/flag.txt",
            clinician.email,
            flag=flag,
            clinician=clinician,
            url=settings.BASE_URL + reverse("care:clinic") + f"#episode-{flag.episode_id}",
        )

    return _send_once(Flag, flag_id, {"cleared_at__isnull": True}, compose)


@task()
def send_break_glass_email(grant_id: int) -> bool:
    """Tell the practice an admin opened a record by break-glass, once. Who and when only:
    the reason and the record stay behind the sign-in, in the audit log it links to."""

    def compose() -> EmailMessage:
        grant = BreakGlass.objects.select_related("admin").get(pk=grant_id)
        return _message(
            f"Break-glass access on {settings.MEND_SITE_NAME}",
            "care/email/break_glass.txt",
            settings.MEND_PRACTICE_EMAIL,
            grant=grant,
            url=settings.BASE_URL + reverse("audit_log:index"),
        )

    return _send_once(BreakGlass, grant_id, {}, compose)
