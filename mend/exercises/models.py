"""Exercises as data: the library, programs, assignments and session logs.

Who sees what (DESIGN.md): every model holding patient data has a
``visible_to(user)`` queryset method. A patient sees their own rows; a
clinician sees the rows of assignments that belong to an episode of care
granting them access (``care``: assigned in it, or a routine the patient
shared into it), and their own unassigned programs; an admin sees everything;
anyone else sees nothing. An assignment alone grants nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from mend.care.models import Episode, patients_opened_by
from mend.core.models import LeadVideo
from mend.core.models import validate_video_url as validate_video_url  # old migrations
from mend.core.regions import REGIONS as REGIONS  # filed under these; the Region table holds them
from mend.core.roles import is_clinician as is_clinician  # one answer for every app
from mend.core.zones import default_time_zone as default_time_zone  # migrations name them here
from mend.core.zones import time_zone_names as time_zone_names
from mend.core.zones import validate_time_zone as validate_time_zone
from mend.exercises import progress
from mend.exercises.dosage import Dosage, DosageError, PainRule
from mend.safety.models import ScreenResult

CC_BY = "CC-BY-4.0"
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
OUR_SOURCE = "Mend"
OUR_AUTHOR = "Mend contributors"
PAIN_SCALE = (0, 10)
SEVERE_PAIN = 8  # during or now: ask at once whether something sudden happened


def lines(text: str) -> list[str]:
    """The non-blank lines of a one-item-per-line text field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def validate_dosage(value: object) -> None:
    try:
        Dosage.from_dict(value)  # type: ignore[arg-type]
    except DosageError as error:
        raise ValidationError("; ".join(f"{k}: {v}" for k, v in error.errors.items())) from None


class Region(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"

    def __str__(self) -> str:
        return self.name


class ExerciseTag(TaggedItemBase):
    content_object = ParentalKey(
        "exercises.Exercise", related_name="tagged_items", on_delete=models.CASCADE
    )


class ExerciseQuerySet(SearchableQuerySetMixin, models.QuerySet["Exercise"]):
    pass


class Exercise(index.Indexed, LeadVideo, ClusterableModel):
    class Purpose(models.TextChoices):
        STRETCH = "stretch", "Stretch"
        STRENGTHEN = "strengthen", "Strengthen"
        MOBILITY = "mobility", "Mobility"
        BALANCE = "balance", "Balance"
        CARDIO = "cardio", "Cardio"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="The end of the page address.")
    aliases = models.TextField(blank=True, help_text="Other names people search for, one per line.")
    summary = models.TextField(
        max_length=400, blank=True, help_text="What it is for, in one or two sentences."
    )
    regions = ParentalManyToManyField(Region, related_name="exercises", verbose_name="body regions")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    equipment = ParentalManyToManyField(Equipment, blank=True, related_name="exercises")
    steps = models.TextField(help_text="One step per line, in order.")
    cues = models.TextField(blank=True, help_text="What to think about or feel, one per line.")
    mistakes = models.TextField(
        "common mistakes", blank=True, help_text="Common mistakes, one per line."
    )
    precautions = models.TextField(
        blank=True,
        help_text="Who should leave it out or change it, and when to stop; one per line.",
    )
    default_dosage = models.JSONField(default=dict, validators=[validate_dosage])
    tags = ClusterTaggableManager(through=ExerciseTag, blank=True)
    evidence = models.TextField("evidence notes", blank=True)
    sources = models.TextField(blank=True, help_text="References, one per line.")
    source = models.CharField(
        max_length=100, default=OUR_SOURCE, help_text="Where the text comes from."
    )
    source_url = models.URLField(blank=True)
    source_id = models.CharField(
        max_length=100, blank=True, help_text="The exercise's id at its source, for re-imports."
    )
    licence = models.CharField(max_length=60, default=CC_BY)
    licence_url = models.URLField(blank=True, default=CC_BY_URL)
    author = models.CharField(max_length=300, default=OUR_AUTHOR)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=4),
        index.AutocompleteField("name"),
        index.SearchField("aliases", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("steps"),
        index.RelatedFields("tags", [index.SearchField("name", boost=2)]),
        index.FilterField("purpose"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="exercise_unique_source_id",
                violation_error_message="Another exercise was imported from the same source id.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("exercises:detail", args=[self.slug])

    @cached_property
    def dosage(self) -> Dosage:
        return Dosage.from_dict(self.default_dosage)

    @property
    def step_list(self) -> list[str]:
        return lines(self.steps)

    @property
    def cue_list(self) -> list[str]:
        return lines(self.cues)

    @property
    def mistake_list(self) -> list[str]:
        return lines(self.mistakes)

    @property
    def precaution_list(self) -> list[str]:
        return lines(self.precautions)

    @property
    def alias_list(self) -> list[str]:
        return lines(self.aliases)

    @property
    def source_list(self) -> list[str]:
        return lines(self.sources)

    @property
    def is_ours(self) -> bool:
        return self.source == OUR_SOURCE


class ExerciseImage(Orderable):
    exercise = ParentalKey(Exercise, related_name="images", on_delete=models.CASCADE)
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt = models.CharField(
        "alternative text",
        max_length=250,
        help_text="What the image shows, for people who cannot see it. Required.",
    )
    caption = models.CharField(max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt"), FieldPanel("caption")]


# Programs, assignments and logs.


def _episodes_granting(user: Any) -> QuerySet[Any]:
    return Episode.objects.granting(user).values("pk")


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to(self, user: Any) -> ProgramQuerySet:
        if not user.is_authenticated:
            return self.none()
        rule = Q(assignment__patient=user) | Q(assignment__patient__in=patients_opened_by(user))
        if is_clinician(user):
            rule |= Q(assignment__episode__in=_episodes_granting(user))
            rule |= Q(owner=user, assignment__isnull=True)
        return self.filter(rule)

    def owned_by_patient(self, user: Any) -> ProgramQuerySet:
        """The patient's own programs (their portal and player), through visible_to."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_to(user).filter(assignment__patient=user)


class Program(models.Model):
    name = models.CharField(max_length=120)
    goal = models.TextField(max_length=500, blank=True)
    is_template = models.BooleanField(
        default=False, help_text="A template is copied for each patient it is assigned to."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="exercise_programs",
        help_text="Who built it; empty once their account is gone (the program stays).",
    )
    weekdays = models.CharField(
        max_length=7, default="0123456", help_text="The days sessions are due, 0 = Monday."
    )
    sessions_per_day = models.PositiveSmallIntegerField(default=1)
    measures = models.JSONField(
        default=list,
        blank=True,
        help_text="Outcome measures (instrument codes) asked in the episode when the program "
        "is assigned; the first is the episode's main measure.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_per_day__gte=1, sessions_per_day__lte=4),
                name="program_sessions_per_day_1_to_4",
                violation_error_message="Sessions a day must be from 1 to 4.",
            ),
            models.CheckConstraint(
                condition=~Q(weekdays=""),
                name="program_weekdays_valid",
                violation_error_message="Choose at least one day of the week.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekday_set(self) -> frozenset[int]:
        return progress.parse_weekdays(self.weekdays)

    @cached_property
    def assignment_or_none(self) -> Assignment | None:
        try:
            return self.assignment
        except Assignment.DoesNotExist:
            return None


class ProgramItem(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="program_items")
    dosage = models.JSONField(validators=[validate_dosage])

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.exercise}"

    @cached_property
    def dosage_value(self) -> Dosage:
        return Dosage.from_dict(self.dosage)

    def snapshot(self) -> dict[str, object]:
        """What a version or a log keeps of this item, whatever happens to it later."""
        return {
            "position": self.position,
            "exercise_id": self.exercise_id,
            "slug": self.exercise.slug,
            "name": self.exercise.name,
            "dosage": self.dosage,
            "dosage_line": self.dosage_value.describe(),
        }


class ProgramVersion(models.Model):
    """The program as it was after each change; logs name the version they were done with."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "number"], name="program_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(self, user: Any) -> AssignmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        rule = Q(patient=user) | Q(patient__in=patients_opened_by(user))
        if is_clinician(user):
            rule |= Q(episode__in=_episodes_granting(user))
        return self.filter(rule)

    def active(self) -> AssignmentQuerySet:
        return self.filter(status=Assignment.Status.ACTIVE)


class PauseCause(models.TextChoices):
    SEVERE_PAIN = "severe-pain", "Severe pain in a session"
    RED_FLAG = "red-flag", "A safety question answered yes or not sure"


class Assignment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Finished"

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="assignment")
    # The account is not deleted from under its programs and logs: erasure
    # (mend.records.services) keeps or deletes them by the retention rule.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exercise_assignments"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exercise_assignments_given",
        help_text="Empty when the patient started the routine themselves.",
    )
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
        help_text="The episode of care it belongs to: what lets its clinician see it. "
        "Empty for a routine the patient keeps to themselves.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    note = models.TextField("note for the patient", max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Stopped (severe pain, or a safety question answered yes or not sure): no "
        "sessions until it is cleared.",
    )
    pause_reason = models.CharField(max_length=300, blank=True)
    pause_cause = models.CharField(max_length=12, choices=PauseCause.choices, blank=True)
    screen_first = models.BooleanField(
        "safety questions first",
        default=False,
        help_text="The red-flag screen is asked before the first session (and, for a routine "
        "the patient started, again every MEND_SCREEN_RECHECK_DAYS).",
    )
    screened_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the screen was last passed, or a clinician cleared a stop.",
    )
    stop_screen = models.ForeignKey(
        ScreenResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The answers that stopped it.",
    )
    morning_email = models.BooleanField(
        "email me the morning-after question",
        default=False,
        help_text="The patient's choice: one email the morning after each session.",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_ends_after_start",
                violation_error_message="The last day must not be before the first.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} for {self.patient}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def schedule(self) -> progress.Schedule:
        return progress.Schedule(
            weekdays=self.program.weekday_set or progress.EVERY_DAY,
            per_day=self.program.sessions_per_day,
            start=self.start_date,
            end=self.end_date,
        )

    def is_open(self, today: dt.date) -> bool:
        """Sessions can be logged: active, not stopped, started, not past its last day."""
        if self.status != self.Status.ACTIVE or self.paused_at or today < self.start_date:
            return False
        return self.end_date is None or today <= self.end_date


class SessionLogQuerySet(models.QuerySet["SessionLog"]):
    def visible_to(self, user: Any) -> SessionLogQuerySet:
        if not user.is_authenticated:
            return self.none()
        rule = Q(assignment__patient=user) | Q(assignment__patient__in=patients_opened_by(user))
        if is_clinician(user):
            rule |= Q(assignment__episode__in=_episodes_granting(user))
        return self.filter(rule)


def _pain_range(name: str) -> Q:
    return Q(**{f"{name}__gte": PAIN_SCALE[0], f"{name}__lte": PAIN_SCALE[1]})


class SessionLog(models.Model):
    """One session as the patient did it: what, how it felt, and the dosage it was done with."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="logs")
    token = models.UUIDField(default=uuid.uuid4, help_text="Makes a resubmitted form a no-op.")
    program_version = models.PositiveIntegerField()
    logged_at = models.DateTimeField()
    local_date = models.DateField(help_text="The day in the patient's time zone.")
    items = models.JSONField(help_text="Each item's exercise, dosage and whether it was done.")
    pain_now = models.PositiveSmallIntegerField()
    pain_during = models.PositiveSmallIntegerField()
    effort = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(max_length=1000, blank=True)
    pain_rule = models.JSONField(help_text="The session's pain rule when it was logged.")
    settled_next_morning = models.BooleanField(null=True, blank=True)
    settled_answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the morning-after question was answered."
    )
    morning_pain = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Pain the morning after, 0-10."
    )
    morning_stiffness = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Stiffness the morning after, 0-10."
    )
    morning_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    ease_off = models.BooleanField(default=False)
    sudden_event = models.CharField(
        "something sudden happened",
        max_length=8,
        choices=[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
        blank=True,
        help_text="Asked after severe pain: a pop or snap, new calf swelling, unable to "
        "rise on tiptoe or bear weight.",
    )
    sudden_answered_at = models.DateTimeField(null=True, blank=True)

    objects = SessionLogQuerySet.as_manager()

    class Meta:
        ordering = ["-logged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "token"], name="session_log_once"),
            models.CheckConstraint(
                condition=_pain_range("pain_now") & _pain_range("pain_during"),
                name="session_log_pain_0_to_10",
                violation_error_message="Pain is rated from 0 to 10.",
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | _pain_range("effort"),
                name="session_log_effort_0_to_10",
                violation_error_message="Effort is rated from 0 to 10.",
            ),
            models.CheckConstraint(
                condition=(Q(morning_pain__isnull=True) | _pain_range("morning_pain"))
                & (Q(morning_stiffness__isnull=True) | _pain_range("morning_stiffness")),
                name="session_log_morning_0_to_10",
                violation_error_message="Morning pain and stiffness are rated from 0 to 10.",
            ),
        ]
        indexes = [models.Index(fields=["assignment", "local_date"])]

    def __str__(self) -> str:
        return f"{self.assignment} on {self.local_date}"

    @property
    def rule(self) -> PainRule:
        return PainRule(**self.pain_rule)

    @property
    def is_severe(self) -> bool:
        return max(self.pain_during, self.pain_now) >= SEVERE_PAIN

    @property
    def done_items(self) -> list[dict[str, Any]]:
        return [item for item in self.items if item.get("done")]
