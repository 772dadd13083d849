"""The exercise block for article bodies: a library exercise, optionally with its own dosage."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from mend.exercises import links
from mend.exercises.dosage import SIDE_LABELS, Dosage, DosageError
from mend.exercises.forms import SIDES_CHOICES, TIMING_CHOICES

_NUMBERS = (
    "sets",
    "reps",
    "hold_s",
    "hold_max_s",
    "rest_s",
    "times_per_day",
    "days_per_week",
    "weeks",
)


class DosageBlock(blocks.StructBlock):
    """The common parts of a dosage; all empty means "use the exercise's own"."""

    sets = blocks.IntegerBlock(required=False)
    reps = blocks.IntegerBlock(required=False, label="Repetitions per set")
    hold_s = blocks.IntegerBlock(required=False, label="Hold (seconds)")
    hold_max_s = blocks.IntegerBlock(required=False, label="Longest hold (seconds)")
    hold_movement = blocks.CharBlock(
        required=False,
        max_length=200,
        label="Movement while holding",
        help_text="e.g. turn the leg in and out",
    )
    sides = blocks.ChoiceBlock(choices=SIDES_CHOICES, required=False)
    side_label = blocks.ChoiceBlock(
        choices=[(key, key) for key in SIDE_LABELS], required=False, label="A side is a"
    )
    rest_s = blocks.IntegerBlock(required=False, label="Rest between sets (seconds)")
    times_per_day = blocks.IntegerBlock(required=False)
    days_per_week = blocks.IntegerBlock(required=False)
    timing = blocks.MultipleChoiceBlock(choices=TIMING_CHOICES, required=False, label="When")
    activity_label = blocks.CharBlock(
        required=False, max_length=40, label="The activity", help_text="e.g. runs"
    )
    weeks = blocks.IntegerBlock(required=False, label="Program length (weeks)")

    class Meta:
        icon = "time"
        form_classname = "struct-block dosage-block"

    def to_dosage(self, value: Any) -> Dosage | None:
        """The dosage the editor gave, or None when every field is empty."""
        data: dict[str, object] = {}
        for name in _NUMBERS:
            if value.get(name) is not None:
                data[name] = value[name]
        for name in ("hold_movement", "sides", "side_label", "activity_label"):
            if value.get(name):
                data[name] = value[name]
        if value.get("timing"):
            data["timing"] = list(value["timing"])
        return Dosage.from_dict(data) if data else None

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        try:
            self.to_dosage(value)
        except DosageError as error:
            block_errors = {
                name: ValidationError(message)
                for name, message in error.errors.items()
                if name in self.child_blocks
            }
            others = [m for name, m in error.errors.items() if name not in self.child_blocks]
            raise blocks.StructBlockValidationError(
                block_errors=block_errors, non_block_errors=others
            ) from None
        return value


class ExerciseBlock(blocks.StructBlock):
    exercise = SnippetChooserBlock("exercises.Exercise")
    dosage = DosageBlock(
        required=False,
        label="Dosage for this article (optional)",
        help_text="Leave every field empty to use the exercise's own dosage.",
    )

    class Meta:
        icon = "pick"
        template = "exercises/blocks/exercise.html"
        label = "Exercise from the library"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> Any:
        context = super().get_context(value, parent_context=parent_context)
        exercise = value.get("exercise")
        if exercise is None:  # deleted from the library
            return context
        try:
            own = self.child_blocks["dosage"].to_dosage(value.get("dosage") or {})
        except DosageError:  # saved before a rule changed: fall back to the library's dosage
            own = None
        context["exercise"] = exercise
        context["dosage"] = own or exercise.dosage
        context["start_url"] = links.start_url(exercise.slug, own)
        return context
