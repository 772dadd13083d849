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

from mend.accounts.models import User
from mend.care import tasks
from mend.care.models import Episode, Invitation
from mend.core.roles import is_clinician


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
