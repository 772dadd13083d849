"""Clinicians, where and when they see patients, and the visits booked with them.

Times are stored in UTC. Weekly availability is kept as wall-clock times in the
clinician's zone and expanded per date by ``slots.py``, so DST is right.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from mend.booking import slots, tokens
from mend.booking.constraints import PostgresExclusionConstraint, TsTzRange
from mend.booking.zones import validate_zone
from mend.care.models import Episode, patients_opened_by
from mend.safety.models import Screen, ScreenResult


class Mode(models.TextChoices):
    VIRTUAL = "virtual", "Video visit"
    IN_PERSON = "in_person", "In person"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def _zone_field(**extra: Any) -> models.CharField:
    extra.setdefault("help_text", "An IANA name, e.g. America/New_York.")
    return models.CharField("time zone", max_length=64, validators=[validate_zone], **extra)


class Location(models.Model):
    name = models.CharField(max_length=120)
    address = models.TextField(blank=True, help_text="As patients should read it, one line each.")
    phone = models.CharField(
        max_length=40, blank=True, help_text="The front desk, for patients who need to call."
    )
    time_zone = _zone_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def one_line_address(self) -> str:
        return ", ".join(line.strip() for line in self.address.splitlines() if line.strip())


class VisitType(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(8 * 60)]
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Kept free before each visit (preparation)."
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Kept free after each visit (notes, cleaning)."
    )
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "An ISO 4217 code such as USD.")],
    )
    allows_virtual = models.BooleanField("video visits", default=True)
    allows_in_person = models.BooleanField("in-person visits", default=True)
    min_notice_minutes = models.PositiveIntegerField(
        "minimum notice (minutes)",
        default=120,
        help_text="How soon before a visit it may be booked.",
    )
    horizon_days = models.PositiveSmallIntegerField(
        "booking horizon (days)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="How far ahead patients may book.",
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text=(
            "Closer to the visit than this, patients cannot cancel or move it online: "
            "they call or email the clinic, and staff change it."
        ),
    )
    cancellation_policy = models.TextField(
        blank=True, help_text="Shown to patients who cancel or move inside the window."
    )
    intake_questions = models.TextField(
        blank=True, help_text="Asked when booking, one question per line. Answers are optional."
    )
    intake_screen = models.ForeignKey(
        Screen,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="safety questions at booking",
        help_text=(
            "Asked at booking; a yes does not block the booking, the clinician sees it first."
        ),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allows_virtual=True) | Q(allows_in_person=True),
                name="visit_type_has_a_mode",
                violation_error_message="A visit type must allow video or in-person visits.",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5),
                name="visit_type_duration_positive",
                violation_error_message="A visit lasts at least 5 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)

    def modes(self) -> list[str]:
        allowed = [(self.allows_virtual, Mode.VIRTUAL), (self.allows_in_person, Mode.IN_PERSON)]
        return [mode for allowed_, mode in allowed if allowed_]

    def allows(self, mode: str) -> bool:
        return mode in self.modes()

    def questions(self) -> list[str]:
        return [line.strip() for line in self.intake_questions.splitlines() if line.strip()]

    def is_free(self) -> bool:
        return self.price == 0

    def active_intake_screen(self) -> Screen | None:
        """The safety screen booking asks, unless it has been switched off."""
        screen = self.intake_screen
        return screen if screen is not None and screen.is_active else None


class Clinician(models.Model):
    # The profile outlives the account: past visits keep who saw the patient
    # (mend.records takes the profile out of booking when the account goes).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="clinician"
    )
    display_name = models.CharField(max_length=120, help_text="e.g. Dr. Sam Okafor")
    credentials = models.CharField(max_length=60, blank=True, help_text="e.g. DPT")
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time_zone = _zone_field()
    locations = models.ManyToManyField(Location, blank=True, related_name="clinicians")
    visit_types = models.ManyToManyField(VisitType, blank=True, related_name="clinicians")
    is_active = models.BooleanField(default=True, help_text="Inactive clinicians take no bookings.")
    # The secret part of the calendar feed's address; empty means no feed.
    feed_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.full_name()

    def full_name(self) -> str:
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def feed_token(self) -> str:
        return tokens.feed_token(self.pk, self.feed_key) if self.feed_key else ""


class AvailabilityRule(models.Model):
    class RuleMode(models.TextChoices):
        EITHER = "either", "Video or in person"
        VIRTUAL = "virtual", "Video visits only"
        IN_PERSON = "in_person", "In person only"

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField(help_text="In the clinician's time zone.")
    end_time = models.TimeField(help_text="In the clinician's time zone.")
    mode = models.CharField(max_length=10, choices=RuleMode.choices, default=RuleMode.EITHER)
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where in-person visits happen; leave empty for video only.",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="Inclusive.")

    class Meta:
        ordering = ["clinician", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="availability_ends_after_start",
                violation_error_message="Working hours must end after they start.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="availability_valid_range",
                violation_error_message="“Valid until” cannot be before “valid from”.",
            ),
            models.CheckConstraint(
                condition=Q(mode="virtual", location__isnull=True)
                | (~Q(mode="virtual") & Q(location__isnull=False)),
                name="availability_location_for_in_person",
                violation_error_message="In-person hours need a location; video-only hours none.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def to_rule(self) -> slots.Rule:
        return slots.Rule(
            self.weekday, self.start_time, self.end_time, self.valid_from, self.valid_until
        )

    def serves(self, mode: str, location_id: int | None) -> bool:
        if mode == Mode.VIRTUAL:
            return self.mode != self.RuleMode.IN_PERSON
        return self.mode != self.RuleMode.VIRTUAL and self.location_id == location_id


class TimeOff(models.Model):
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True, help_text="Private to the clinic.")

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="time_off_ends_after_start",
                violation_error_message="Time off must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinician}: {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M} UTC"


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def visible_to(self, user: Any) -> AppointmentQuerySet:
        """The patient's own visits; for a clinician, their guests' visits (all a guest ever
        gave is that booking) and the visits of the episodes of care that grant them access;
        an admin's by break-glass; everything for staff given the permission to view visits
        (a front desk; admins hold every permission, so they are not counted here)."""
        if not user.is_authenticated:
            return self.none()
        if not user.is_superuser and user.has_perm("booking.view_appointment"):
            return self
        guests = Q(clinician__user=user, patient__isnull=True)
        in_care = Q(episode__in=Episode.objects.granting(user).values("pk"))
        opened = Q(patient__in=patients_opened_by(user))
        return self.filter(Q(patient=user) | guests | in_care | opened)

    def changeable_by(self, user: Any) -> AppointmentQuerySet:
        """The visits the user may cancel or move: their own, those booked with them (that
        they may see), or any with the change permission. Seeing a visit is not enough."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_perm("booking.change_appointment"):
            return self
        return self.visible_to(user).filter(Q(patient=user) | Q(clinician__user=user))

    def live(self) -> AppointmentQuerySet:
        """Visits that take up the clinician's time: all but cancelled ones."""
        return self.exclude(status=Appointment.Status.CANCELLED)

    def overlapping(self, start: datetime, end: datetime) -> AppointmentQuerySet:
        return self.filter(busy_from__lt=end, busy_until__gt=start)


class CareSeries(models.Model):
    """A plan of care: visits a clinician booked together, stored all or nothing."""

    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="series")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    patient = models.ForeignKey(  # a plan of care: erasure keeps or deletes it (mend.records)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "care series"

    def __str__(self) -> str:
        return f"{self.visit_type} for {self.name}"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"

    class CancelledBy(models.TextChoices):
        PATIENT = "patient", "Patient"
        CLINIC = "clinic", "Clinic"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # erasure keeps or deletes the visit (mend.records)
        related_name="appointments",
        help_text="Empty for a guest booking.",
    )
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        help_text="The episode of care the visit belongs to; booking opens or joins one.",
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="appointments")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The visit widened by its buffers: the span no other visit of this clinician may touch.
    busy_from = models.DateTimeField(editable=False)
    busy_until = models.DateTimeField(editable=False)
    time_zone = _zone_field(default="UTC", help_text="The patient's zone, for emails.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    video_link = models.URLField(blank=True, max_length=300)
    intake_answers = models.JSONField(default=list, blank=True)
    intake_screen = models.ForeignKey(
        ScreenResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The answers to the visit type's safety questions, given when booking.",
    )
    series = models.ForeignKey(
        CareSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)  # iCalendar SEQUENCE
    # The booking form's one-time key: a replayed form finds it taken.
    request_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    cancellation_reason = models.TextField(blank=True)
    # Set when the visit's manage link is withdrawn (e.g. the patient's data erased).
    manage_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The package whose credit paid for it; a cancellation gives the credit back once.
    paid_with = models.ForeignKey(
        "PackagePurchase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        editable=False,
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["clinician", "busy_from"], name="appointment_clinician_busy"),
            # Free times look at what is still to come: busy_until > now, past visits skipped.
            models.Index(fields=["clinician", "busy_until"], name="appointment_clinician_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="appointment_ends_after_start",
                violation_error_message="A visit must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(busy_from__lte=models.F("start"), busy_until__gte=models.F("end")),
                name="appointment_busy_covers_visit",
            ),
            models.CheckConstraint(
                condition=Q(mode="virtual", location__isnull=True)
                | Q(mode="in_person", location__isnull=False),
                name="appointment_location_for_in_person",
                violation_error_message="An in-person visit needs a location; a video visit none.",
            ),
            PostgresExclusionConstraint(
                name="appointment_no_overlap",
                expressions=[
                    ("clinician", RangeOperators.EQUAL),
                    (TsTzRange("busy_from", "busy_until"), RangeOperators.OVERLAPS),
                ],
                condition=~Q(status="cancelled"),
                violation_error_message="That time was just taken.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_type} with {self.clinician} at {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def set_times(self, start: datetime) -> None:
        """Place the visit at start, with its end and buffered span from the visit type."""
        self.start = start
        self.end = start + self.visit_type.duration
        self.busy_from = start - self.visit_type.buffer_before
        self.busy_until = self.end + self.visit_type.buffer_after

    def manage_token(self) -> str:
        return tokens.manage_token(self.uid)

    def manage_link_works(self, now: datetime) -> bool:
        """A manage link shows intake answers and the video link: it works until it is
        revoked, or until MEND_BOOKING_LINK_DAYS after the visit ended."""
        if self.manage_revoked_at is not None:
            return False
        return now < self.end + timedelta(days=settings.MEND_BOOKING_LINK_DAYS)

    def is_changeable(self, now: datetime) -> bool:
        return self.status == self.Status.BOOKED and self.start > now

    def inside_cancellation_window(self, now: datetime) -> bool:
        """Less than the visit type's window before the start (exactly at it is still outside)."""
        return self.start - now < timedelta(hours=self.visit_type.cancellation_window_hours)

    def patient_may_change(self, now: datetime) -> bool:
        """The patient cancels or moves a visit themselves only before its window."""
        return self.is_changeable(now) and not self.inside_cancellation_window(now)

    def staff_may_change(self, user: Any) -> bool:
        """Its clinician, or staff with the change permission: they may change it in the window."""
        if not user.is_authenticated:
            return False
        own = self.clinician.user_id is not None and self.clinician.user_id == user.pk
        return own or user.has_perm("booking.change_appointment")

    def clinic_phone(self) -> str:
        """The number to call about this visit: its location's, else one of the clinician's."""
        if self.location is not None and self.location.phone:
            return self.location.phone
        numbers = self.clinician.locations.exclude(phone="").order_by("name")
        return numbers.values_list("phone", flat=True).first() or ""

    def has_started(self, now: datetime) -> bool:
        return self.start <= now

    def clean(self) -> None:
        """Admin edits: keep the derived span in step and refuse clashes on any database."""
        if self.start is None or self.visit_type_id is None:
            return
        self.set_times(self.start)
        if self.mode and not self.visit_type.allows(self.mode):
            raise ValidationError({"mode": "This visit type does not allow that kind of visit."})
        if self.status == self.Status.CANCELLED or self.clinician_id is None:
            return
        clash = (
            Appointment.objects.live()
            .filter(clinician_id=self.clinician_id)
            .overlapping(self.busy_from, self.busy_until)
            .exclude(pk=self.pk)
        )
        if clash.exists():
            raise ValidationError({"start": "The clinician has another visit at that time."})


class Notification(models.Model):
    """One email about one appointment, recorded when claimed so it goes out once."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=100)  # e.g. "confirmed:0", "reminder:24h:2026-06-16T13:00"
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "key"], name="notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} for appointment {self.appointment_id}"


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked"
        LEFT = "left", "Left the waitlist"

    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: any clinician.",
    )
    mode = models.CharField(
        max_length=10, choices=Mode.choices, blank=True, help_text="Empty: either."
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weekdays = models.JSONField(default=list, blank=True, help_text="Empty: any day.")
    earliest = models.TimeField(null=True, blank=True)
    latest = models.TimeField(null=True, blank=True, help_text="The latest start.")
    time_zone = _zone_field(default="UTC")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    patient = models.ForeignKey(  # not part of the record: goes with the account
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"{self.name} waiting for {self.visit_type}"

    def wants(self, start: datetime) -> bool:
        """Whether a visit starting then suits the patient's days and hours."""
        local = start.astimezone(ZoneInfo(self.time_zone))
        if self.weekdays and local.weekday() not in self.weekdays:
            return False
        wall = local.time().replace(tzinfo=None)
        return (self.earliest is None or wall >= self.earliest) and (
            self.latest is None or wall <= self.latest
        )


class SlotHold(models.Model):
    """A freed time kept for the first waiting patients, who are offered it by email."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLAIMED = "claimed", "Claimed"
        LAPSED = "lapsed", "Lapsed"

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="holds")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    busy_from = models.DateTimeField()
    busy_until = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"Hold for {self.visit_type} with {self.clinician} at {self.start:%Y-%m-%d %H:%M} UTC"
        )

    def is_open(self, now: datetime) -> bool:
        return self.status == self.Status.OPEN and self.expires_at > now


class WaitlistOffer(models.Model):
    hold = models.ForeignKey(SlotHold, on_delete=models.CASCADE, related_name="offers")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hold", "entry"], name="waitlist_offer_once")
        ]

    def __str__(self) -> str:
        return f"Offer to {self.entry.name}"

    def token(self) -> str:
        return tokens.offer_token(self.pk)


# Visit packages: bought through checkout (mend.payments), spent by booking


def _default_currency() -> str:
    return str(settings.MEND_CURRENCY)


class VisitPackage(models.Model):
    """A number of visits of given visit types at one price, to use within so many days."""

    name = models.CharField(max_length=120, help_text="e.g. 6 follow-ups")
    description = models.TextField(blank=True)
    visit_types = models.ManyToManyField(
        VisitType, related_name="packages", help_text="The visits a credit can pay for."
    )
    visits = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    price = models.DecimalField(max_digits=12, decimal_places=3)
    currency = models.CharField(
        max_length=3,
        default=_default_currency,
        validators=[RegexValidator(r"^[A-Z]{3}$", "An ISO 4217 code such as USD.")],
    )
    validity_days = models.PositiveSmallIntegerField(
        "valid for (days)",
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
        help_text="Counted from the day it is paid.",
    )
    pay_at_clinic = models.BooleanField(
        "may be paid at the clinic", default=True, help_text="Ordered online, paid at the desk."
    )
    active = models.BooleanField(default=True, help_text="Inactive packages are not sold.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visits__gte=1) & Q(price__gte=0) & Q(validity_days__gte=1),
                name="visit_package_sensible",
                violation_error_message="Visits and days must be at least 1, the price 0 or more.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PackagePurchaseQuerySet(models.QuerySet["PackagePurchase"]):
    def visible_to(self, user: Any) -> PackagePurchaseQuerySet:
        """The patient's own; staff with the view permission see all."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("booking.view_packagepurchase"):
            return self
        return self.filter(patient=user)

    def usable(self, now: datetime) -> PackagePurchaseQuerySet:
        return self.filter(remaining__gt=0, expires_at__gt=now, voided_at__isnull=True)


class PackagePurchase(models.Model):
    """One paid package: its credits left. A credit is spent by a compare-and-set with F(),
    and the database refuses a count below zero or above what was bought."""

    package = models.ForeignKey(VisitPackage, on_delete=models.PROTECT, related_name="purchases")
    patient = models.ForeignKey(  # paid for: erasure keeps or deletes it with the visits
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="package_purchases"
    )
    # The order line it was paid with: unique, so fulfilling a line twice cannot grant twice.
    order_line = models.OneToOneField(
        "payments.OrderLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="package_purchase",
    )
    visits = models.PositiveSmallIntegerField()
    remaining = models.PositiveSmallIntegerField()
    paid_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    voided_at = models.DateTimeField(null=True, blank=True, help_text="Refunded: credits void.")

    objects = PackagePurchaseQuerySet.as_manager()

    class Meta:
        ordering = ["expires_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=models.F("visits")),
                name="package_credits_in_range",
                violation_error_message="Credits left cannot go below zero or above those bought.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} ({self.remaining} of {self.visits} left)"

    def is_usable(self, now: datetime) -> bool:
        return self.remaining > 0 and self.expires_at > now and self.voided_at is None
