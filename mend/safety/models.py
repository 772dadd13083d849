"""Red-flag screens as versioned data, and the answers people give them.

A screen (the questions for one body region, or for any region) is edited in
the back office; each saved change makes a new version. A result keeps the
screen's version and the questions exactly as they were asked, with the
answers, so a later edit never rewrites what someone said.

Who sees a result: the person who answered; the clinician of the episode it
was answered in, while that episode grants access; superusers all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from mend.care.models import Episode, patients_opened_by
from mend.core.regions import REGIONS
from mend.safety import screening

LEVEL_CHOICES = [(level, screening.LEVEL_NAMES[level]) for level in screening.LEVELS]
ANSWER_CHOICES = [(answer, screening.ANSWER_NAMES[answer]) for answer in screening.ANSWERS]


class ScreenQuerySet(models.QuerySet["Screen"]):
    def active(self) -> ScreenQuerySet:
        return self.filter(is_active=True)


class Screen(ClusterableModel):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    region = models.CharField(
        "body region",
        max_length=30,
        choices=REGIONS,
        blank=True,
        help_text="Empty for the screen asked when no region's own screen fits.",
    )
    intro = models.TextField(
        blank=True, help_text="Shown above the questions, in plain words.", max_length=1000
    )
    sources = models.TextField(
        blank=True, help_text="The evidence behind the questions, a line each."
    )
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScreenQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(is_active=True),
                name="one_active_screen_per_region",
                violation_error_message="Another active screen already covers this region.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def question_list(self) -> list[screening.Question]:
        return [
            screening.Question(q.key, q.text, q.level, q.hint)
            for q in self.questions.all().order_by("sort_order", "pk")
        ]

    def content(self) -> tuple[object, ...]:
        """What a person is shown: a change to any of it is a new version."""
        asked = tuple(self.question_list())
        return (self.name, self.region, self.intro.strip(), self.source_list(), asked)

    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class ScreenQuestion(Orderable):
    screen = ParentalKey(Screen, related_name="questions", on_delete=models.CASCADE)
    key = models.SlugField(
        max_length=40, help_text="A short, unchanging name for the question (letters, hyphens)."
    )
    text = models.CharField(
        max_length=300,
        help_text="A direct sensation, in plain words; never the name of a condition.",
    )
    hint = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=10, choices=LEVEL_CHOICES)

    panels = [FieldPanel("text"), FieldPanel("level"), FieldPanel("hint"), FieldPanel("key")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["screen", "key"],
                name="screen_question_key_unique",
                violation_error_message="Each question of a screen needs its own key.",
            )
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.key and not screening.KEY.match(self.key):
            raise ValidationError({"key": "Lower-case letters, digits and hyphens."})


class ScreenResultQuerySet(models.QuerySet["ScreenResult"]):
    def visible_to(self, user: Any, *, now: dt.datetime | None = None) -> ScreenResultQuerySet:
        """The person's own; their clinician's while the episode grants access; an admin's
        by break-glass."""
        if not user.is_authenticated:
            return self.none()
        granting = Episode.objects.granting(user, now=now).values("pk")
        opened = patients_opened_by(user, now=now)
        return self.filter(Q(patient=user) | Q(episode__in=granting) | Q(patient__in=opened))

    def of_patient(self, user: Any) -> ScreenResultQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(patient=user)


class ScreenResult(models.Model):
    """One person's answers to one version of a screen, and what they called for."""

    class Purpose(models.TextChoices):
        ROUTINE = "routine", "Before a self-started routine"
        RECHECK = "recheck", "Routine check while a routine runs"
        ASSIGNED = "assigned", "Before a program from a clinician"
        RESUME = "resume", "Checked by a clinician, asking to resume"
        INTAKE = "intake", "Booking intake"
        SEVERE_PAIN = "severe-pain", "After severe pain in a session"
        COURSE = "course", "Before a course's exercises"
        GUIDE = "guide", "The guide"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # erasure keeps or deletes it (mend.records.services)
        related_name="screen_results",
        help_text="Empty for a guest's answers at booking: the visit holds them.",
    )
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="screen_results",
        help_text="The episode of care it was answered in: what lets its clinician see it.",
    )
    screen = models.ForeignKey(Screen, null=True, on_delete=models.SET_NULL, related_name="results")
    screen_slug = models.SlugField(max_length=40)
    screen_version = models.PositiveIntegerField()
    asked = models.JSONField(
        help_text="The questions as asked (key, text, level) with each answer."
    )
    level = models.CharField(
        max_length=10, choices=LEVEL_CHOICES, blank=True, help_text="Empty: every answer was no."
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    checked_confirmed = models.BooleanField(
        default=False,
        help_text="The person confirmed a clinician has checked them and said they may exercise.",
    )
    taken_at = models.DateTimeField()

    objects = ScreenResultQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "-taken_at"], name="screenresult_patient_recent")
        ]

    def __str__(self) -> str:
        said = self.get_level_display() if self.level else "all no"
        return f"{self.screen_slug} v{self.screen_version}: {said}"

    @property
    def is_clear(self) -> bool:
        return not self.level

    def positive_answers(self) -> list[dict[str, str]]:
        """The questions answered yes or not sure, most urgent first."""
        found = [item for item in self.asked if item.get("answer") != screening.NO]
        return sorted(found, key=lambda item: screening.rank(item["level"]))

    def answer_rows(self) -> list[dict[str, str]]:
        return [
            {**item, "answer_name": screening.ANSWER_NAMES.get(item.get("answer", ""), "")}
            for item in self.asked
        ]
