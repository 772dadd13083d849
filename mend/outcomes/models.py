"""Outcome measures inside an episode of care: schedules, responses, licensed text, MCIDs.

The questionnaires themselves are data in instruments.py and are scored by
scoring.py; these tables hold what a clinic adds (the licensed wording of tier
B and C instruments, its own MCIDs) and what happens in an episode (which
questionnaires are asked when, and the patient's answers with their scores).

Who sees a schedule or a response is decided by its episode alone
(``Episode.objects.visible_to``): the patient their own, the clinician while
the episode grants access, superusers all, anyone else nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mend.care.models import Episode
from mend.core.zones import default_time_zone, validate_time_zone
from mend.outcomes import textpack
from mend.outcomes.instruments import INSTRUMENTS, Instrument, Licence, Mcid

INSTRUMENT_CHOICES = [(code, f"{i.name} ({code})") for code, i in INSTRUMENTS.items()]
LICENSED_CHOICES = [
    (code, label)
    for code, label in INSTRUMENT_CHOICES
    if INSTRUMENTS[code].licence is not Licence.A
]
BASELINE = "baseline"
DISCHARGE = "discharge"
MAX_WEEKS = 104


def week_timepoint(week: int) -> str:
    return f"week-{week}"


def timepoint_label(timepoint: str) -> str:
    """ "week-6" → "Week 6"; "baseline" → "Baseline"."""
    return timepoint.replace("-", " ").capitalize()


def timepoint_order(timepoint: str) -> int:
    """Baseline first, then the weeks in order, discharge last."""
    if timepoint == BASELINE:
        return 0
    if timepoint == DISCHARGE:
        return MAX_WEEKS + 1
    return int(timepoint.removeprefix("week-"))


# The clinic's own setup: no patient data.


class TextPack(models.Model):
    """A clinic's licensed wording for one tier B or C instrument version in one language.

    ``text`` is the whole pack as textpack.parse accepted it; patients are
    shown a tier B or C questionnaire only when its pack is here.
    """

    code = models.CharField("instrument", max_length=20, choices=LICENSED_CHOICES)
    instrument_version = models.CharField(max_length=40)
    language = models.CharField(max_length=35)
    text = models.JSONField()
    licence_holder = models.CharField(max_length=200)
    licence_note = models.TextField(blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "instrument_version", "language"],
                name="outcomes_textpack_one_per_version_language",
                violation_error_message="This instrument already has text in this language.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.instrument_version} ({self.language})"

    def pack(self) -> textpack.Pack:
        return textpack.parse(self.text)


def text_for(instrument: Instrument, language: str | None = None) -> textpack.Pack | None:
    """The wording patients are shown: Mend's own for tier A, else the clinic's loaded pack."""
    bundled = textpack.bundled(instrument)
    if bundled is not None:
        return bundled
    wanted = language or settings.LANGUAGE_CODE
    tags = list(dict.fromkeys([wanted, wanted.split("-")[0]]))
    packs = {
        pack.language: pack
        for pack in TextPack.objects.filter(
            code=instrument.code, instrument_version=instrument.version, language__in=tags
        )
    }
    found = next((packs[tag] for tag in tags if tag in packs), None)
    return found.pack() if found else None


class McidSetting(models.Model):
    """The clinic's own MCID for one score, in place of the one instruments.py gives."""

    code = models.CharField("instrument", max_length=20, choices=INSTRUMENT_CHOICES)
    score = models.CharField(
        max_length=30, help_text="The score's name, e.g. total, or a subscale such as pain."
    )
    value = models.DecimalField(
        max_digits=6, decimal_places=2, help_text="In the score's own units, e.g. 2 points."
    )
    source = models.CharField(
        max_length=300, help_text="Where the figure comes from, e.g. an author, year and journal."
    )

    class Meta:
        verbose_name = "MCID setting"
        ordering = ["code", "score"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "score"],
                name="outcomes_mcid_one_per_score",
                violation_error_message="This score already has an MCID setting.",
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="outcomes_mcid_positive",
                violation_error_message="An MCID is a change of more than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.score}: {self.value}"

    def clean(self) -> None:
        instrument = INSTRUMENTS.get(self.code)
        names = [score.name for score in instrument.scores] if instrument else []
        if instrument and self.score not in names:
            raise ValidationError(
                {"score": f"{instrument.code} has the scores {', '.join(names)}."}
            )


def mcids_for(instruments: Iterable[Instrument]) -> dict[str, dict[str, Mcid | None]]:
    """Each score's MCID by instrument code: the clinic's setting where it has one, else
    instruments.py's. One query for all of them."""
    wanted = {instrument.code: instrument for instrument in instruments}
    own = {
        (setting.code, setting.score): Mcid(float(setting.value), setting.source)
        for setting in McidSetting.objects.filter(code__in=wanted)
    }
    return {
        code: {s.name: own.get((code, s.name), s.mcid) for s in instrument.scores}
        for code, instrument in wanted.items()
    }


# Patient data: every queryset answers visible_to.


class EpisodeDataQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any, *, now: dt.datetime | None = None) -> Any:
        return self.filter(episode__in=Episode.objects.visible_to(user, now=now))

    def of_patient(self, user: Any) -> Any:
        """The patient's own rows, never those they might see in another role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(episode__patient=user)


class Schedule(models.Model):
    """One instrument asked in one episode: at baseline, in given weeks, at discharge."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="outcome_schedules")
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES)
    at_baseline = models.BooleanField(default=True)
    follow_up_weeks = models.JSONField(
        default=list, blank=True, help_text="Weeks after the episode opened, e.g. [2, 6, 12]."
    )
    at_discharge = models.BooleanField(default=True)
    is_main = models.BooleanField(
        "main instrument", default=False, help_text="The measure the episode is judged by."
    )
    review_week = models.PositiveSmallIntegerField(
        default=6, help_text="The follow-up at which the main measure's change is reviewed."
    )
    # Week N falls due at the start of the patient's day, in this zone.
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EpisodeDataQuerySet.as_manager()

    class Meta:
        ordering = ["-is_main", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "instrument"],
                name="outcomes_schedule_one_per_instrument",
                violation_error_message="This episode already has a schedule for this measure.",
            ),
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(is_main=True),
                name="outcomes_schedule_one_main",
                violation_error_message="An episode has one main measure.",
            ),
            models.CheckConstraint(
                condition=Q(review_week__gte=1, review_week__lte=MAX_WEEKS),
                name="outcomes_schedule_review_week_in_range",
                violation_error_message=f"The review week is from 1 to {MAX_WEEKS}.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} in {self.episode}"

    @property
    def definition(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def week_due_at(self, week: int, opened_at: dt.datetime) -> dt.datetime:
        """The start of the patient's day ``week`` weeks after the day the episode opened."""
        zone = self.zone()
        day = opened_at.astimezone(zone).date() + dt.timedelta(weeks=week)
        return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


class Response(models.Model):
    """One questionnaire in an episode: due at a timepoint, then answered and scored.

    ``answers`` maps item ids to the item's score, one entry per answered item:
    an item of a FHIR R4 QuestionnaireResponse whose linkId is the item id.
    A discharge response has no ``due_at`` until the episode is discharged.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="outcome_responses")
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES)
    instrument_version = models.CharField(max_length=40, blank=True)
    scoring_version = models.CharField(max_length=20, blank=True)
    timepoint = models.CharField(max_length=20)
    due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    psfs_activities = models.JSONField(
        "PSFS activities", default=list, blank=True, help_text="The activities rated, in order."
    )
    scores = models.JSONField(default=dict, blank=True)
    unscorable = models.JSONField(default=dict, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EpisodeDataQuerySet.as_manager()

    class Meta:
        # Discharge, which has no date until it comes, last on every database.
        ordering = [models.F("due_at").asc(nulls_last=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "timepoint"],
                name="outcomes_response_one_per_timepoint",
                violation_error_message="This measure is already asked at this timepoint.",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (~Q(instrument_version="") & ~Q(scoring_version="")),
                name="outcomes_response_answered_has_versions",
                violation_error_message="An answered questionnaire records its versions.",
            ),
            models.CheckConstraint(
                condition=Q(timepoint=DISCHARGE) | Q(due_at__isnull=False),
                name="outcomes_response_due_unless_discharge",
                violation_error_message="Only the discharge questionnaire waits for its date.",
            ),
        ]
        indexes = [models.Index(fields=["answered_at", "emailed_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.instrument} at {self.timepoint} in episode {self.episode_id}"

    @property
    def definition(self) -> Instrument:
        return INSTRUMENTS[self.instrument]

    @property
    def label(self) -> str:
        return timepoint_label(self.timepoint)

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def due_from(self, episode: Episode) -> dt.datetime | None:
        """When it is due: its date, or for discharge the moment of discharge (None before)."""
        if self.timepoint == DISCHARGE:
            return episode.discharged_at
        return self.due_at

    def needs_text_pack(self) -> bool:
        return self.definition.licence is not Licence.A
