"""Forms: a dosage (front end and Wagtail admin), programs, assignments and session logs.

The dosage fields are built once (``dosage_fields``) and mixed into both the
clinician's item form and the Exercise snippet's admin form, so both speak
``Dosage`` and report its messages at the field they concern.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from wagtail.admin.forms import WagtailAdminModelForm

from mend.accounts.models import User
from mend.care.models import Episode
from mend.exercises import progress
from mend.exercises.dosage import (
    NON_FIELD_ERRORS,
    SIDE_LABELS,
    Dosage,
    DosageError,
    LoadKind,
    Sides,
    Timing,
)
from mend.exercises.models import (
    PAIN_SCALE,
    Exercise,
    ProgramItem,
    time_zone_names,
)
from mend.outcomes.instruments import INSTRUMENTS

NOTE_MAX_LENGTH = 1000
MAX_WEEKS = 52
PAIN_MESSAGE = "Rate it with a whole number from 0 (none) to 10 (the worst you can imagine)."
EFFORT_MESSAGE = "Rate it with a whole number from 0 (no effort) to 10 (the hardest you can)."
SIDES_CHOICES = [
    (Sides.NONE.value, "No sides (both together, or not a one-sided exercise)"),
    (Sides.EACH.value, "Each side in turn"),
    (Sides.LEFT.value, "Left side only"),
    (Sides.RIGHT.value, "Right side only"),
    (Sides.ALTERNATING.value, "Alternating sides every repetition"),
]
TIMING_CHOICES = [
    (Timing.BEFORE_ACTIVITY.value, "Before the activity"),
    (Timing.DURING_ACTIVITY.value, "During the activity"),
    (Timing.AFTER_ACTIVITY.value, "After the activity"),
    (Timing.MORNING.value, "In the morning"),
    (Timing.EVENING.value, "In the evening"),
]
LOAD_CHOICES = [
    ("", "None given"),
    (LoadKind.BODYWEIGHT.value, "Bodyweight"),
    (LoadKind.KG.value, "Kilograms"),
    (LoadKind.LB.value, "Pounds"),
    (LoadKind.BAND.value, "Resistance band (give its colour)"),
    (LoadKind.RPE.value, "Effort, RPE 1–10"),
]
WEEKDAY_CHOICES = [(str(day), name) for day, name in enumerate(progress.WEEKDAY_NAMES)]
# Dosage errors about a sub-object are shown at the form field that holds it.
_ERROR_FIELDS = {"load": "load_value", "pain_rule": "pain_max_during", NON_FIELD_ERRORS: None}


def _number(label: str, low: int, high: int, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        error_messages={"invalid": "Give a whole number."},
        widget=forms.NumberInput(attrs={"min": low, "max": high, "inputmode": "numeric"}),
    )


def dosage_fields() -> dict[str, forms.Field]:
    """Fresh form fields for every part of a Dosage (names match Dosage, or say which part)."""
    return {
        "sets": _number("Sets", 1, 20),
        "reps": _number("Repetitions per set", 1, 200, "Per side when sides alternate."),
        "rm_target": _number(
            "Or a repetition maximum (RM)", 1, 30, "e.g. 8 for a weight you can lift 8 times."
        ),
        "hold_s": _number("Hold (seconds)", 1, 600, "The shortest hold; the timer uses it."),
        "hold_max_s": _number("Longest hold (seconds)", 1, 600, "For a range such as 30–60 s."),
        "hold_movement": forms.CharField(
            label="Movement while holding",
            required=False,
            max_length=200,
            help_text="e.g. turn the leg in and out",
        ),
        "sides": forms.ChoiceField(label="Sides", choices=SIDES_CHOICES, initial=Sides.NONE.value),
        "side_label": forms.ChoiceField(
            label="A side is a", choices=[(key, key) for key in SIDE_LABELS], initial="side"
        ),
        "rest_s": _number("Rest between sets (seconds)", 0, 900, "Empty: rest until ready."),
        "rest_max_s": _number("Longest rest (seconds)", 0, 900),
        "tempo": forms.CharField(
            label="Tempo",
            required=False,
            max_length=12,
            help_text="Seconds lowering-pause-lifting-pause, e.g. 3-0-3-0 (X: explosive).",
        ),
        "load_kind": forms.ChoiceField(label="Load", choices=LOAD_CHOICES, required=False),
        "load_value": forms.CharField(
            label="Load amount or band colour", required=False, max_length=30
        ),
        "progression": forms.CharField(
            label="Progression",
            required=False,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="e.g. add 5 kg when pain-free.",
        ),
        "times_per_day": _number("Times a day", 1, 10),
        "days_per_week": _number("Days a week", 1, 7),
        "timing": forms.MultipleChoiceField(
            label="When",
            choices=TIMING_CHOICES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        ),
        "activity_label": forms.CharField(
            label="The activity",
            max_length=40,
            initial="activity",
            help_text="What “before / during / after” refers to, e.g. runs.",
        ),
        "weeks": _number("Program length (weeks)", 1, MAX_WEEKS),
        "pain_max_during": forms.IntegerField(
            label="Highest acceptable pain during (0–10)",
            initial=5,
            error_messages={"invalid": "Give a whole number.", "required": "Give a number 0–10."},
            widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
        ),
        "pain_settle": forms.BooleanField(
            label="Pain must settle by the next morning", required=False, initial=True
        ),
        "notes": forms.CharField(
            label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
        ),
    }


DOSAGE_FIELD_NAMES = tuple(dosage_fields())
_PLAIN = (
    "sets",
    "reps",
    "rm_target",
    "hold_s",
    "hold_max_s",
    "rest_s",
    "rest_max_s",
    "times_per_day",
    "days_per_week",
    "weeks",
)
_TEXT = ("hold_movement", "tempo", "progression", "notes")


def dosage_initial(dosage: Dosage) -> dict[str, Any]:
    data = dosage.to_dict()
    initial: dict[str, Any] = {name: data[name] for name in (*_PLAIN, *_TEXT)}
    initial.update(
        sides=data["sides"],
        side_label=data["side_label"],
        timing=data["timing"],
        activity_label=data["activity_label"],
        pain_max_during=dosage.pain_rule.max_during,
        pain_settle=dosage.pain_rule.settle_by_next_morning,
    )
    if dosage.load is not None:
        value = dosage.load.value
        initial["load_kind"] = dosage.load.kind.value
        initial["load_value"] = (
            value if isinstance(value, str) else "" if value is None else (f"{value:g}")
        )
    return initial


class DosageMixin:
    """Builds ``self.dosage`` from the dosage fields in ``clean()``; errors go to their field."""

    cleaned_data: dict[str, Any]
    dosage: Dosage | None = None

    def build_dosage(self) -> Dosage | None:
        data = self.cleaned_data
        if any(name not in data for name in ("sides", "side_label", "pain_max_during")):
            return None  # a field error is already shown
        raw: dict[str, object] = {
            name: data.get(name) for name in _PLAIN if data.get(name) is not None
        }
        raw.update({name: data.get(name, "").strip() for name in _TEXT})
        raw.update(
            sides=data["sides"],
            side_label=data["side_label"],
            timing=data.get("timing", []),
            activity_label=(data.get("activity_label") or "").strip(),
            pain_rule={
                "max_during": data["pain_max_during"],
                "settle_by_next_morning": bool(data.get("pain_settle")),
            },
        )
        load = self._load(data)
        if load is False:
            return None
        raw["load"] = load
        try:
            self.dosage = Dosage.from_dict(raw)
        except DosageError as error:
            for name, message in error.errors.items():
                field = _ERROR_FIELDS.get(name, name)
                self.add_error(field if field in DOSAGE_FIELD_NAMES else None, message)
            return None
        return self.dosage

    def _load(self, data: dict[str, Any]) -> dict[str, object] | bool | None:
        kind = data.get("load_kind") or ""
        value = (data.get("load_value") or "").strip()
        if not kind:
            if value:
                self.add_error("load_kind", "Choose what the amount is: kg, lb, a band or RPE.")
                return False
            return None
        if kind in (LoadKind.KG, LoadKind.LB, LoadKind.RPE):
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                self.add_error("load_value", "Give the amount as a number, e.g. 2.5.")
                return False
            return {"kind": kind, "value": number}
        return {"kind": kind, "value": value if kind == LoadKind.BAND else None}


class _DosageFormBase(DosageMixin, forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        self.build_dosage()
        return cleaned


# The fields are added with type() so that this form and the admin form share one definition.
DosageForm = type("DosageForm", (_DosageFormBase,), {"__module__": __name__, **dosage_fields()})


class _ExerciseAdminFormBase(DosageMixin, WagtailAdminModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.default_dosage:
            try:
                initial = dosage_initial(Dosage.from_dict(self.instance.default_dosage))
            except DosageError:
                initial = {}
            for name, value in initial.items():
                self.initial.setdefault(name, value)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        dosage = self.build_dosage()
        if dosage is not None:
            self.instance.default_dosage = dosage.to_dict()
        return cleaned


ExerciseAdminForm = type(
    "ExerciseAdminForm", (_ExerciseAdminFormBase,), {"__module__": __name__, **dosage_fields()}
)


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Give the program a name."})
    goal = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the patient is working towards, in their words if you can.",
    )
    weekdays = forms.MultipleChoiceField(
        label="Days",
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=[str(day) for day in range(7)],
        error_messages={
            "required": "Choose at least one day.",
            "invalid_choice": "Choose days of the week from the list.",
        },
    )
    sessions_per_day = forms.IntegerField(
        label="Sessions a day",
        min_value=1,
        max_value=4,
        initial=1,
        error_messages={
            "min_value": "From 1 to 4 sessions a day.",
            "max_value": "From 1 to 4 sessions a day.",
            "invalid": "Give a whole number from 1 to 4.",
        },
    )


def _measure_choices() -> list[tuple[str, str]]:
    return [(code, instrument.name) for code, instrument in INSTRUMENTS.items()]


ProgramForm.base_fields["measures"] = forms.MultipleChoiceField(
    label="Outcome measures",
    required=False,
    choices=_measure_choices,
    widget=forms.CheckboxSelectMultiple,
    help_text="Asked in the patient's episode when you assign the program: at baseline, at "
    "weeks 2, 6 and 12 and at discharge. The first ticked is the main measure. A licensed "
    "measure is asked once the clinic has loaded its text.",
    error_messages={"invalid_choice": "Choose measures from the list."},
)


class NewProgramForm(ProgramForm):
    is_template = forms.BooleanField(
        label="Save as a template (to assign to several patients)", required=False
    )


class AddItemForm(forms.Form):
    exercise = forms.ModelChoiceField(
        queryset=Exercise.objects.all(),
        empty_label="Choose an exercise",
        error_messages={
            "required": "Choose an exercise from the library.",
            "invalid_choice": "Choose an exercise from the library.",
        },
    )


def _episode_label(episode: Episode) -> str:
    patient = episode.patient
    name = patient.get_public_name()
    about = f": {episode.reason}" if episode.reason else ""
    return f"{name} ({patient.email}){about}"


class AssignForm(forms.Form):
    episode = forms.ModelChoiceField(
        label="Patient",
        queryset=Episode.objects.none(),
        help_text="Patients in your care: they booked a visit with you or accepted your "
        "invitation.",
        error_messages={
            "required": "Choose the patient.",
            "invalid_choice": "Choose a patient in your care.",
        },
    )
    start_date = forms.DateField(
        label="First day",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the first day.", "invalid": "Give a date."},
    )
    weeks = forms.IntegerField(
        label="Length in weeks",
        required=False,
        min_value=1,
        max_value=MAX_WEEKS,
        help_text="Empty: until you finish it.",
        error_messages={
            "min_value": f"From 1 to {MAX_WEEKS} weeks.",
            "max_value": f"From 1 to {MAX_WEEKS} weeks.",
            "invalid": "Give a whole number of weeks.",
        },
    )
    time_zone = forms.ChoiceField(
        label="Patient's time zone", help_text="Decides when the patient's day starts."
    )
    note = forms.CharField(
        label="Note for the patient",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    screen_first = forms.BooleanField(
        label="Ask the safety questions before the first session",
        required=False,
        initial=True,
        help_text="The red-flag screen for the program's body region. A yes or not sure stops "
        "the program and flags it for you.",
    )

    def __init__(self, *args: Any, clinician: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinician = clinician
        episodes = Episode.objects.active().filter(clinician=clinician).select_related("patient")
        self.fields["episode"].queryset = episodes
        self.fields["episode"].label_from_instance = _episode_label
        self.fields["time_zone"].choices = [(name, name) for name in sorted(time_zone_names())]
        self.fields["time_zone"].initial = settings.TIME_ZONE


class SuddenForm(forms.Form):
    answer = forms.ChoiceField(
        label="Did something sudden happen?",
        choices=[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
        widget=forms.RadioSelect,
        help_text="For example: a pop or snap at the back of the ankle, new swelling of the "
        "calf, or you cannot rise on tiptoe or put weight on the leg.",
        error_messages={"required": "Choose yes, no or not sure."},
    )


class ShareForm(forms.Form):
    """Which clinician in the patient's care sees a self-started routine; empty: nobody."""

    episode = forms.ModelChoiceField(
        label="Share with",
        queryset=Episode.objects.none(),
        required=False,
        empty_label="Nobody: keep it to myself",
        error_messages={"invalid_choice": "Choose a clinician you are in the care of."},
    )

    def __init__(self, *args: Any, episodes: list[Episode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = Episode.objects.filter(pk__in=[e.pk for e in episodes])
        self.fields["episode"].label_from_instance = lambda e: e.clinician.get_public_name()


def item_choices(items: list[ProgramItem]) -> list[tuple[str, str]]:
    return [
        (str(item.position), f"{item.exercise.name}: {item.dosage_value.describe()}")
        for item in items
    ]


def _rating(label: str, message: str, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=PAIN_SCALE[0],
        max_value=PAIN_SCALE[1],
        error_messages={key: message for key in ("required", "invalid", "min_value", "max_value")},
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
    )


class LogForm(forms.Form):
    done = forms.TypedMultipleChoiceField(
        label="What did you do?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one exercise you did.",
            "invalid_choice": "Tick exercises from this program only.",
        },
    )
    pain_during = _rating("Pain during the exercises (0–10)", PAIN_MESSAGE)
    pain_now = _rating("Pain now (0–10)", PAIN_MESSAGE)
    effort = _rating("Effort (0–10)", EFFORT_MESSAGE, required=False)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything your clinician should know.",
        error_messages={"max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters."},
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "Please reload the page and try again.",
            "invalid": "Please reload the page and try again.",
        },
    )

    def __init__(self, *args: Any, items: list[ProgramItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = item_choices(items)
        self.fields["pain_during"].help_text = "0 = no pain, 10 = the worst you can imagine."


class SettledForm(forms.Form):
    settled = forms.TypedChoiceField(
        choices=[("yes", "Yes, it settled"), ("no", "No, it is still sore")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Answer yes or no.", "invalid_choice": "Answer yes or no."},
    )
    morning_pain = forms.TypedChoiceField(
        label="Pain this morning",
        required=False,
        choices=[("", "–")] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Rate it from 0 to 10."},
    )
    morning_stiffness = forms.TypedChoiceField(
        label="Stiffness this morning",
        required=False,
        choices=[("", "–")] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Rate it from 0 to 10."},
    )


class StartForm(forms.Form):
    time_zone = forms.CharField(required=False, max_length=64)

    def zone(self) -> str:
        name = self.cleaned_data.get("time_zone", "") if self.is_valid() else ""
        return name if name in time_zone_names() else str(settings.TIME_ZONE)
