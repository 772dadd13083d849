"""Opening, joining and closing episodes of care; invitations.

Keyword arguments, an explicit ``now``, and one error type, ``CareError``,
whose message a person can read. An email goes out only once the
transaction that decided it has committed.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.dispatch import Signal

from mend.accounts.models import User
from mend.care import tasks
from mend.care.models import (
    BREAK_GLASS_REASON_MIN,
    REVIEW_MINUTES,
    REVIEW_NOTE_MAX_LENGTH,
    BreakGlass,
    Episode,
    Flag,
    Invitation,
    ReviewTime,
    break_glass_window,
)
from mend.core import audit
from mend.core.roles import is_clinician

# Sent with flag= and now= once a clinician clears a flag: apps that stopped
# something for it (a program stopped after severe pain) resume it.
flag_cleared = Signal()


class CareError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def open_or_join(
    *, patient: User, clinician: User, now: dt.datetime, source: str, reason: str = "",
    region: str = "",
) -> Episode:  # fmt: skip
    """The pair's active episode, opened now if there is none (booking, admin, invitation)."""
    if patient.pk == clinician.pk:
        raise CareError("A clinician cannot be their own patient.")
    current = Episode.objects.active().filter(patient=patient, clinician=clinician).first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return Episode.objects.create(
                patient=patient,
                clinician=clinician,
                source=source,
                reason=reason.strip(),
                region=region,
                opened_at=now,
            )
    except IntegrityError:
        # Opened by a concurrent request a moment ago: join that one.
        return Episode.objects.active().get(patient=patient, clinician=clinician)


def discharge(episode: Episode, *, by: User, note: str, now: dt.datetime) -> Episode:
    """End an episode; the clinician keeps access for the window after, then none."""
    if by.pk != episode.clinician_id and not by.is_superuser:
        raise CareError("Only the episode's clinician can discharge it.")
    changed = Episode.objects.filter(pk=episode.pk, status=Episode.Status.ACTIVE).update(
        status=Episode.Status.FINISHED, discharged_at=now, discharge_note=note.strip()
    )
    if not changed:
        raise CareError("This episode is already closed.")
    episode.refresh_from_db()
    return episode


# Invitations


def invite(
    *, clinician: User, email: str, reason: str, region: str, now: dt.datetime
) -> Invitation:
    if not is_clinician(clinician):
        raise CareError("Only clinicians invite patients into their care.")
    email = email.strip()
    if email.lower() == clinician.email.lower():
        raise CareError("Invite your patients, not yourself.", field="email")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                clinician=clinician, email=email, reason=reason.strip(), region=region,
                created_at=now,
            )  # fmt: skip
    except IntegrityError:
        raise CareError("This address already has an invitation from you waiting.",
                        field="email") from None  # fmt: skip
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk), robust=True)
    return invitation


def verified_emails(user: User) -> list[str]:
    return [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]


def invitations_for(user: User) -> list[Invitation]:
    """Pending invitations to any address the user has proved is theirs."""
    emails = verified_emails(user)
    if not emails:
        return []
    pending = Invitation.objects.pending().annotate(address=Lower("email"))
    return list(pending.filter(address__in=emails).select_related("clinician"))


def _invitation_for(user: User, invitation_id: int) -> Invitation:
    for invitation in invitations_for(user):
        if invitation.pk == invitation_id:
            return invitation
    raise CareError("This invitation is not for you, or it was already answered.")


@transaction.atomic
def accept(*, patient: User, invitation_id: int, now: dt.datetime) -> Episode:
    invitation = _invitation_for(patient, invitation_id)
    episode = open_or_join(
        patient=patient,
        clinician=invitation.clinician,
        now=now,
        source=Episode.Source.INVITATION,
        reason=invitation.reason,
        region=invitation.region,
    )
    _answer(invitation, Invitation.Status.ACCEPTED, now=now, episode=episode)
    return episode


def decline(*, patient: User, invitation_id: int, now: dt.datetime) -> None:
    _answer(_invitation_for(patient, invitation_id), Invitation.Status.DECLINED, now=now)


def withdraw(invitation: Invitation, *, by: User, now: dt.datetime) -> None:
    if by.pk != invitation.clinician_id:
        raise CareError("Only the clinician who sent it can withdraw an invitation.")
    _answer(invitation, Invitation.Status.WITHDRAWN, now=now)


def _answer(
    invitation: Invitation, status: str, *, now: dt.datetime, episode: Episode | None = None
) -> None:
    changed = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=status, answered_at=now, episode=episode
    )
    if not changed:
        raise CareError("This invitation was already answered.")


# Remote monitoring

# A day given by the clinician is checked against the calendar anywhere on
# Earth (UTC-12 to UTC+14), as the service knows neither their zone nor the
# patient's: Monday morning in Auckland is still Sunday in UTC, and an episode
# opened at 01:00 UTC on a Monday opened on Sunday evening in New York.
EARLIEST_ZONE = dt.timedelta(hours=-12)
LATEST_ZONE = dt.timedelta(hours=14)


def record_review(
    *, episode: Episode, by: User, on: dt.date, minutes: int, note: str, now: dt.datetime
) -> ReviewTime:
    """Minutes the episode's clinician spent reviewing its data on one day."""
    if not Episode.objects.granting(by, now=now).filter(pk=episode.pk).exists():
        raise CareError("Only the episode's clinician records review time, while they have access.")
    low, high = REVIEW_MINUTES
    if not low <= minutes <= high:
        raise CareError(f"Review time is from {low} to {high} minutes.", field="minutes")
    _check_review_day(episode, on=on, now=now)
    note = note.strip()
    if len(note) > REVIEW_NOTE_MAX_LENGTH:
        raise CareError(f"Keep the note to {REVIEW_NOTE_MAX_LENGTH} characters.", field="note")
    return ReviewTime.objects.create(
        episode=episode, clinician=by, on=on, minutes=minutes, note=note, created_at=now
    )


def _check_review_day(episode: Episode, *, on: dt.date, now: dt.datetime) -> None:
    if on > (now + LATEST_ZONE).date():
        raise CareError("That day has not begun yet.", field="on")
    if on < (episode.opened_at + EARLIEST_ZONE).date():
        opened = f"{episode.opened_at:%d %b %Y}"
        raise CareError(f"The episode opened on {opened}: choose that day or later.", field="on")


# Flags


# Causes that stop a patient's self-care: the clinician hears of them by email too.
EMAILED_CAUSES = frozenset({Flag.Cause.RED_FLAG, Flag.Cause.SEVERE_PAIN})


def raise_flag(*, episode: Episode, cause: str, detail: str, now: dt.datetime) -> Flag | None:
    """Flag the episode for its clinician; a cause already flagged and not cleared is not
    raised again. The new flag, or None."""
    if not episode.is_active:
        return None
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                episode=episode, cause=cause, detail=detail[:300], raised_at=now
            )
    except IntegrityError:
        return None
    if cause in EMAILED_CAUSES:
        transaction.on_commit(lambda: tasks.send_flag_email.enqueue(flag.pk), robust=True)
    return flag


def clear_flag(flag: Flag, *, by: User, note: str, now: dt.datetime) -> Flag:
    if by.pk != flag.episode.clinician_id:
        raise CareError("Only the episode's clinician can clear its flags.")
    if not note.strip():
        raise CareError("Say what you did or decided.", field="note")
    with transaction.atomic():
        changed = Flag.objects.filter(pk=flag.pk, cleared_at__isnull=True).update(
            cleared_at=now, cleared_by=by, clear_note=note.strip()
        )
        if not changed:
            raise CareError("This flag was already cleared.")
        flag.refresh_from_db()
        flag_cleared.send(sender=Flag, flag=flag, now=now)
    return flag


# Break-glass


def break_glass(*, admin: User, patient_email: str, reason: str, now: dt.datetime) -> BreakGlass:
    """Open one patient's record to an admin for ``MEND_BREAK_GLASS_MINUTES``, for a reason:
    recorded in the audit log, and the practice is emailed once the grant is stored."""
    if not admin.is_superuser:
        raise CareError("Only the practice's admins can open a record this way.")
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_REASON_MIN:
        raise CareError(f"Say why in at least {BREAK_GLASS_REASON_MIN} characters.", field="reason")
    patient = User.objects.filter(email__iexact=patient_email.strip()).first()
    if patient is None:
        raise CareError("No account has this address.", field="patient")
    if patient.pk == admin.pk:
        raise CareError("Your own record needs no break-glass.", field="patient")
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            admin=admin, patient=patient, reason=reason, opened_at=now,
            expires_at=now + break_glass_window(),
        )  # fmt: skip
        audit.record(admin, action=audit.Action.BREAK_GLASS, patient=patient, obj=grant,
                     detail=reason)  # fmt: skip
    transaction.on_commit(lambda: tasks.send_break_glass_email.enqueue(grant.pk), robust=True)
    return grant
