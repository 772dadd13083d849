"""Care's queued work: the invitation email and the flag email, each sent once however
often it is queued."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from mend.care.models import BreakGlass, Flag, Invitation


@task()
def send_invitation(invitation_id: int) -> bool:
    """Email the invited address. True if this call sent it."""
    claimed = Invitation.objects.filter(
        pk=invitation_id, status=Invitation.Status.PENDING, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("clinician").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "site_name": settings.MEND_SITE_NAME,
        "url": settings.BASE_URL + reverse("care:mine"),
    }
    try:
        EmailMessage(
            subject=f"{invitation.clinician.get_public_name()} invites you into their care",
            body=render_to_string("care/email/invitation.txt", context),
            to=[invitation.email],
        ).send()
    except Exception:
        Invitation.objects.filter(pk=invitation_id).update(emailed_at=None)  # a retry may send
        raise
    return True


@task()
def send_flag_email(flag_id: int) -> bool:
    """Tell the episode's clinician a flag needs them, once. The email names no patient and
    holds no answers: those stay behind the sign-in, on the clinic page it links to."""
    claimed = Flag.objects.filter(
        pk=flag_id, emailed_at__isnull=True, cleared_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    flag = Flag.objects.select_related("episode__clinician").get(pk=flag_id)
    clinician = flag.episode.clinician
    if clinician is None:
        return False
    context = {
        "flag": flag,
        "clinician": clinician,
        "site_name": settings.MEND_SITE_NAME,
        "url": settings.BASE_URL + reverse("care:clinic") + f"#episode-{flag.episode_id}",
    }
    try:
        EmailMessage(
            subject=f"{settings.MEND_SITE_NAME}: a patient in your care needs you to look",
            body=render_to_string("care/email/flag.txt", context),
            to=[clinician.email],
        ).send()
    except Exception:
        Flag.objects.filter(pk=flag_id).update(emailed_at=None)  # a retry may send
        raise
    return True


@task()
def send_break_glass_email(grant_id: int) -> bool:
    """Tell the practice an admin opened a record by break-glass, once. Who and when only:
    the reason and the record stay behind the sign-in, in the audit log it links to."""
    claimed = BreakGlass.objects.filter(pk=grant_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    grant = BreakGlass.objects.select_related("admin").get(pk=grant_id)
    context = {
        "grant": grant,
        "site_name": settings.MEND_SITE_NAME,
        "url": settings.BASE_URL + reverse("audit_log:index"),
    }
    try:
        EmailMessage(
            subject=f"Break-glass access on {settings.MEND_SITE_NAME}",
            body=render_to_string("care/email/break_glass.txt", context),
            to=[settings.MEND_PRACTICE_EMAIL],
        ).send()
    except Exception:
        BreakGlass.objects.filter(pk=grant_id).update(emailed_at=None)  # a retry may send
        raise
    return True
