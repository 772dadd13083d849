"""Episodes of care: the one answer to "is this patient in this clinician's care?".

An episode (after FHIR's EpisodeOfCare) joins one patient to one clinician
for one problem. It opens when the patient books a visit with the clinician,
when the patient accepts the clinician's invitation, or when an admin opens it
in the back office. While it is active, and for ``MEND_CARE_ACCESS_DAYS``
after discharge, the clinician may see the patient's data that belongs to it;
after that, nothing. Every other app's ``visible_to`` asks
``Episode.objects.granting(user)`` and nothing else.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mend.core.regions import REGIONS
from mend.core.roles import is_clinician


def access_window() -> dt.timedelta:
    return dt.timedelta(days=settings.MEND_CARE_ACCESS_DAYS)


def break_glass_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MEND_BREAK_GLASS_MINUTES)


def patients_opened_by(user: Any, *, now: dt.datetime | None = None) -> Any:
    """The patients (ids, as a subquery) whose record this admin has opened by break-glass
    and may still see now. Admins see no patient data otherwise, except as a clinician
    through an episode; every ``visible_to`` asks this and nothing else about admins."""
    if not user.is_authenticated or not user.is_superuser:
        return BreakGlass.objects.none().values("patient_id")
    return BreakGlass.objects.open_to(user, now=now or timezone.now()).values("patient_id")


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def granting(self, user: Any, *, now: dt.datetime | None = None) -> EpisodeQuerySet:
        """The episodes through which user, as their clinician, may see patient data now."""
        if not user.is_authenticated or not is_clinician(user):
            return self.none()
        since = (now or timezone.now()) - access_window()
        return self.filter(clinician=user).filter(
            Q(status=Episode.Status.ACTIVE)
            | Q(status=Episode.Status.FINISHED, discharged_at__gte=since)
        )

    def for_staff(self, user: Any, *, now: dt.datetime | None = None) -> EpisodeQuerySet:
        """The episodes staff may read now: their own as clinician (``granting``), and every
        episode of a patient an admin has opened by break-glass."""
        if not user.is_authenticated:
            return self.none()
        granting = self.granting(user, now=now).values("pk")
        return self.filter(Q(pk__in=granting) | Q(patient__in=patients_opened_by(user, now=now)))

    def visible_to(self, user: Any, *, now: dt.datetime | None = None) -> EpisodeQuerySet:
        """The patient's own episodes; a clinician's episodes inside the window; an admin's
        only by break-glass."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(patient=user) | Q(pk__in=self.for_staff(user, now=now).values("pk")))

    def active(self) -> EpisodeQuerySet:
        return self.filter(status=Episode.Status.ACTIVE)


class Episode(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Discharged"

    class Source(models.TextChoices):
        BOOKING = "booking", "Booked a visit"
        INVITATION = "invitation", "Accepted an invitation"
        ADMIN = "admin", "Opened by the practice"
        MIGRATED = "migrated", "Carried over from earlier programs and visits"

    # Part of the clinical record: the account is not deleted from under it; erasure
    # (mend.records.services) keeps or deletes it by the retention rule.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="episodes"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="episodes_as_clinician",
        limit_choices_to={"groups__name": "clinician"},
        help_text="Empty once the clinician's account is gone; the record stays the patient's.",
    )
    reason = models.CharField(
        max_length=200, blank=True, help_text="What the patient came for, in plain words."
    )
    region = models.CharField("body region", max_length=30, choices=REGIONS, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.ADMIN)
    opened_at = models.DateTimeField(default=timezone.now)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharge_note = models.TextField(max_length=2000, blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "clinician"],
                condition=Q(status="active"),
                name="episode_one_active_per_pair",
                violation_error_message="This patient already has an open episode with them.",
            ),
            models.CheckConstraint(
                condition=Q(status="active", discharged_at__isnull=True)
                | Q(status="finished", discharged_at__isnull=False),
                name="episode_discharged_iff_finished",
                violation_error_message="A discharged episode needs its time of discharge.",
            ),
            models.CheckConstraint(
                condition=~Q(patient=models.F("clinician")),
                name="episode_patient_is_not_clinician",
                violation_error_message="A clinician cannot be their own patient.",
            ),
        ]
        indexes = [models.Index(fields=["clinician", "status", "discharged_at"])]

    def __str__(self) -> str:
        what = self.reason or self.get_region_display() or "care"
        return f"{self.patient} with {self.clinician}: {what}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def access_ends(self) -> dt.datetime | None:
        """When the clinician's access ends: never while active."""
        return self.discharged_at + access_window() if self.discharged_at else None

    def booking_url(self) -> str:
        """Booking, with this episode's clinician chosen (booking is linked by URL name)."""
        profile = getattr(self.clinician, "clinician", None) if self.clinician_id else None
        return booking_url(profile.pk if profile else None)


def booking_url(clinician_profile_id: int | None = None) -> str:
    url = reverse("booking:book")
    return f"{url}?clinician={clinician_profile_id}" if clinician_profile_id else url


class EpisodeDataQuerySet(models.QuerySet[Any]):
    """For rows that belong to an episode: seen by whoever may see the episode."""

    def visible_to(self, user: Any, *, now: dt.datetime | None = None) -> Any:
        """The patient's own; the clinician's while the episode grants access; an admin's
        by break-glass."""
        return self.filter(episode__in=Episode.objects.visible_to(user, now=now).values("pk"))

    def of_patient(self, user: Any) -> Any:
        """The patient's own rows, never those they might see in another role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(episode__patient=user)


def _token() -> str:
    return secrets.token_urlsafe(24)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(status=Invitation.Status.PENDING)


class Invitation(models.Model):
    """A clinician asks a patient into their care; nothing is shared until the patient accepts."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the patient"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_invitations_sent"
    )
    email = models.EmailField(help_text="The patient's address; only its verified owner accepts.")
    reason = models.CharField(max_length=200, blank=True)
    region = models.CharField("body region", max_length=30, choices=REGIONS, blank=True)
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    episode = models.OneToOneField(
        Episode, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                "clinician",
                condition=Q(status="pending"),
                name="invitation_one_pending_per_address",
                violation_error_message="This address already has an invitation waiting.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinician} invites {self.email}"


# Remote therapeutic monitoring: the clinician's review time, billed per 30-day period.

REVIEW_MINUTES = (1, 240)
REVIEW_NOTE_MAX_LENGTH = 500


class ReviewTime(models.Model):
    """Minutes a clinician spent on one day reviewing an episode's monitoring data."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="review_times")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="care_review_times",
        help_text="Empty once the clinician's account is gone; the minutes stay on record.",
    )
    on = models.DateField("day of the review")
    minutes = models.PositiveSmallIntegerField(
        help_text=f"From {REVIEW_MINUTES[0]} to {REVIEW_MINUTES[1]}."
    )
    note = models.CharField(max_length=REVIEW_NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EpisodeDataQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=REVIEW_MINUTES[0], minutes__lte=REVIEW_MINUTES[1]),
                name="review_time_minutes_1_to_240",
                violation_error_message=(
                    f"Review time is from {REVIEW_MINUTES[0]} to {REVIEW_MINUTES[1]} minutes."
                ),
            )
        ]
        indexes = [models.Index(fields=["episode", "on"])]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.on} for episode {self.episode_id}"


class FlagQuerySet(EpisodeDataQuerySet):
    def open(self) -> FlagQuerySet:
        return self.filter(cleared_at__isnull=True)


class Flag(models.Model):
    """A reason for the episode's clinician to look now, raised once per cause until cleared."""

    class Cause(models.TextChoices):
        PAIN_RULE = "pain-rule", "Pain over the limit twice in a week"
        SEVERE_PAIN = "severe-pain", "Severe pain in a session"
        NO_CHANGE = "no-change", "No meaningful change by the review week"
        WORSENING = "worsening", "Meaningful worsening"
        RED_FLAG = "red-flag", "Red-flag screen answered yes or not sure"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="flags")
    cause = models.CharField(max_length=12, choices=Cause.choices)
    detail = models.CharField(max_length=300, help_text="Why, with the numbers.")
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    clear_note = models.TextField(max_length=1000, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the clinician was emailed about it."
    )

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "cause"],
                condition=Q(cleared_at__isnull=True),
                name="flag_once_per_cause_until_cleared",
                violation_error_message="This episode is already flagged for this reason.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()}: {self.detail}"


# Break-glass: an admin opens one patient's record outside any episode, with a reason.

BREAK_GLASS_REASON_MIN = 10


class BreakGlassQuerySet(models.QuerySet["BreakGlass"]):
    def open_to(self, user: Any, *, now: dt.datetime) -> BreakGlassQuerySet:
        return self.filter(admin=user, opened_at__lte=now, expires_at__gt=now)


class BreakGlass(models.Model):
    """An admin's access to one patient's record for a while, given a reason; it is in the
    audit log and the practice is emailed (HIPAA 164.312(a)(2)(ii), emergency access)."""

    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_grants"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="break_glass_opened"
    )
    reason = models.TextField(max_length=1000)
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass access"
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("opened_at")),
                name="break_glass_expires_after_opening",
                violation_error_message="Break-glass access must end after it opens.",
            ),
            models.CheckConstraint(
                condition=~Q(patient=models.F("admin")),
                name="break_glass_not_own_record",
                violation_error_message="Your own record needs no break-glass.",
            ),
        ]
        indexes = [models.Index(fields=["admin", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.admin} opened {self.patient}'s record at {self.opened_at:%Y-%m-%d %H:%M}"
