from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from mend.core.video import Video, VideoAddressError, parse_video_url


def validate_video_url(value: str) -> None:
    try:
        parse_video_url(value)
    except VideoAddressError as error:
        raise ValidationError(str(error)) from None


class LeadVideo(models.Model):
    """A video shown at the top of an article or an exercise.

    Either a YouTube or Vimeo address, embedded privacy-enhanced and only when
    the reader presses play, or an uploaded file with a poster and captions.
    """

    video_url = models.URLField(
        "video address",
        blank=True,
        validators=[validate_video_url],
        help_text="A YouTube or Vimeo address. Readers load the player only when they press play.",
    )
    video_file = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Or an uploaded video file (MP4 or WebM).",
    )
    video_captions = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Captions for the uploaded video (a WebVTT .vtt file).",
    )
    video_poster = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The picture shown before the video plays.",
    )
    video_title = models.CharField(max_length=200, blank=True, help_text="What the video shows.")

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.video_captions_id and not self.video_file_id:
            raise ValidationError({"video_captions": "Captions need an uploaded video file."})
        if self.video_url and self.video_file_id:
            raise ValidationError({"video_url": "Use either a video address or a file, not both."})

    @property
    def video(self) -> Video | None:
        try:
            return parse_video_url(self.video_url) if self.video_url else None
        except VideoAddressError:
            return None


# The audit log: append-only (DESIGN.md "Who may see what"; HIPAA 164.312(b)).


class AuditLogIsAppendOnly(Exception):
    """Raised by any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AuditLogIsAppendOnly("Audit events are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events are never deleted.")

    def about(self, patient: object) -> AuditEventQuerySet:
        """What others did with this person's record: the events the patient is shown."""
        pk = getattr(patient, "pk", None)
        if pk is None:
            return self.none()
        return self.filter(patient_id=pk).exclude(actor_id=pk)


class AuditEvent(models.Model):
    """Who did what, when, from where, to which patient's data, and which object.

    People are kept as ids and labels, not foreign keys: the rows outlive the
    accounts they name (an erased account leaves its events as they were), and
    no cascade ever has to update a row the database refuses to change.
    """

    class Action(models.TextChoices):
        READ = "read", "Read"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign-in", "Signed in"
        SIGN_OUT = "sign-out", "Signed out"
        SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
        MFA_CHANGE = "mfa-change", "Changed two-factor authentication"
        SCREEN_ANSWERED = "screen-answered", "Answered a safety screen"
        BREAK_GLASS = "break-glass", "Opened a record by break-glass"

    at = models.DateTimeField("time", default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    actor_id = models.PositiveBigIntegerField("actor's account id", null=True, blank=True)
    actor_label = models.CharField("actor", max_length=254, blank=True)
    actor_email = models.CharField("actor's email", max_length=254, blank=True)
    actor_role = models.CharField("actor's role", max_length=40, blank=True)
    patient_id = models.PositiveBigIntegerField("patient's account id", null=True, blank=True)
    patient_label = models.CharField("patient", max_length=254, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField("object", max_length=254, blank=True)
    client_address = models.CharField(max_length=45, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["patient_id", "-at"], name="audit_patient_at"),
            models.Index(fields=["actor_id", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        what = self.object_label or self.patient_label
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'anonymous'} {self.action} {what}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events are never deleted.")
