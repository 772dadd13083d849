"""Forms: the clinician's "ask this measure" form and the patient's questionnaire.

The questionnaire is built from the instrument and its text (Mend's own for
tier A, the clinic's pack for B and C): one set of radio buttons per item, so
it works without JavaScript and with the keyboard. Every item may be left out,
as on paper; scoring.py decides what can still be scored. PSFS is the
exception: the patient names activities the first time and rates each one.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings

from mend.outcomes.instruments import INSTRUMENTS, NOT_APPLICABLE, PSFS, Instrument
from mend.outcomes.models import MAX_WEEKS, text_for
from mend.outcomes.services import MAX_ACTIVITIES, MAX_ACTIVITY_LENGTH, MIN_ACTIVITIES
from mend.outcomes.textpack import Pack

DEFAULT_WEEKS = "2, 6, 12"
PSFS_AGAIN = (
    "Rate the activities you named the first time again: how well can you do each one "
    "today, from 0 to 10? 0 means you are unable to do it, 10 means you can do it as well as "
    "before the problem."
)
WEEKS = re.compile(r"\s*(\d{1,3}\s*(,\s*\d{1,3}\s*)*)?,?\s*")


def instrument_choices() -> tuple[list[tuple[str, str]], list[Instrument]]:
    """The measures a clinician can ask now, and the licensed ones waiting for their text."""
    ready, waiting = [], []
    for instrument in INSTRUMENTS.values():
        if text_for(instrument) is None:
            waiting.append(instrument)
        else:
            ready.append((instrument.code, f"{instrument.name} ({instrument.code.upper()})"))
    return ready, waiting


def zone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in zoneinfo.available_timezones() if "/" in name)
    return [(name, name.replace("_", " ")) for name in [*names, "UTC"]]


class AttachForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Measure",
        error_messages={
            "required": "Choose a measure.",
            "invalid_choice": "Choose one of the measures listed.",
        },
    )
    at_baseline = forms.BooleanField(label="Ask it now, as the baseline", required=False)
    follow_up_weeks = forms.CharField(
        label="Follow-up weeks",
        required=False,
        max_length=100,
        help_text="Weeks after the episode opened, separated by commas, e.g. 2, 6, 12.",
    )
    at_discharge = forms.BooleanField(label="Ask it again at discharge", required=False)
    is_main = forms.BooleanField(
        label="This is the episode's main measure",
        required=False,
        help_text="The one whose change is reviewed; it replaces any earlier main measure.",
    )
    review_week = forms.IntegerField(
        label="Review week",
        min_value=1,
        max_value=MAX_WEEKS,
        help_text="The follow-up at which its change is reviewed.",
        error_messages={"required": "Give the review week.", "invalid": "Give a whole number."},
    )
    time_zone = forms.ChoiceField(
        label="Patient's time zone",
        help_text="A follow-up falls due at the start of the patient's day.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ready, self.waiting = instrument_choices()
        self.fields["instrument"].choices = [("", "Choose a measure"), *ready]
        self.fields["time_zone"].choices = zone_choices()

    @classmethod
    def initial_for(cls, *, has_main: bool) -> dict[str, Any]:
        return {
            "at_baseline": True,
            "follow_up_weeks": DEFAULT_WEEKS,
            "at_discharge": True,
            "is_main": not has_main,
            "review_week": 6,
            "time_zone": settings.TIME_ZONE,
        }

    def clean_follow_up_weeks(self) -> list[int]:
        text = self.cleaned_data["follow_up_weeks"]
        if not WEEKS.fullmatch(text):
            raise forms.ValidationError("Give whole numbers of weeks separated by commas.")
        return [int(part) for part in text.split(",") if part.strip()]


class AnswerForm(forms.Form):
    """One questionnaire; ``answers`` and ``activities`` are what the service takes."""

    def __init__(
        self,
        data: Any = None,
        *,
        instrument: Instrument,
        pack: Pack,
        activities: list[str] | None = None,
    ) -> None:
        super().__init__(data)
        self.instrument = instrument
        self.pack = pack
        self.known_activities = activities or []
        self.naming = instrument.code == PSFS.code and not self.known_activities
        if instrument.code == PSFS.code:
            self._psfs_fields()
        else:
            for item in instrument.items:
                self.fields[item.id] = self._rating(item.id, pack.items[item.id].text)
        self.answers: dict[str, object] = {}
        self.activities: list[str] = []

    @property
    def instructions(self) -> str:
        return PSFS_AGAIN if self.known_activities else self.pack.instructions

    def _rating(self, item_id: str, label: str, help_text: str = "") -> forms.ChoiceField:
        item = self.instrument.item(item_id)
        assert item is not None
        if item.branch:
            help_text = self.pack.branches.get(item.branch, "") or (
                "Answer only the version of this question that fits you."
            )
        return forms.ChoiceField(
            label=label,
            help_text=help_text,
            required=False,
            choices=list(self.pack.items[item_id].options),
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose one of the answers listed."},
        )

    def _psfs_fields(self) -> None:
        if self.naming:
            for n in range(1, MAX_ACTIVITIES + 1):
                self.fields[f"activity_{n}"] = forms.CharField(
                    label=f"Activity {n}",
                    required=n <= MIN_ACTIVITIES,
                    max_length=MAX_ACTIVITY_LENGTH,
                    error_messages={
                        "required": f"Name an activity here: at least {MIN_ACTIVITIES} are needed.",
                        "max_length": f"At most {MAX_ACTIVITY_LENGTH} characters.",
                    },
                )
                self.fields[f"a{n}"] = self._rating(
                    f"a{n}", f"How well can you do activity {n} today?"
                )
            return
        for n, name in enumerate(self.known_activities, start=1):
            self.fields[f"a{n}"] = self._rating(f"a{n}", f"{name}: how well can you do it today?")

    def item_rows(self) -> list[tuple[forms.BoundField | None, forms.BoundField]]:
        """(activity name field or None, rating field), in the order they are asked."""
        rows: list[tuple[forms.BoundField | None, forms.BoundField]] = []
        for name in self.fields:
            if name.startswith("activity_"):
                continue
            named = f"activity_{name[1:]}" if self.naming else None
            rows.append((self[named] if named else None, self[name]))
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.naming:
            self._pair_activities(data)
        else:
            self.answers = {
                item_id: _answer(data[item_id]) for item_id in self.fields if data.get(item_id)
            }
            self.activities = list(self.known_activities)
        if not self.errors and not self.answers:
            raise forms.ValidationError("Answer at least one question.")
        return data

    def _pair_activities(self, data: dict[str, Any]) -> None:
        """Named activities with their ratings, numbered again from 1 if one was skipped."""
        for n in range(1, MAX_ACTIVITIES + 1):
            name, rating = data.get(f"activity_{n}", "").strip(), data.get(f"a{n}")
            if name and not rating:
                self.add_error(f"a{n}", "Rate this activity from 0 to 10.")
            elif rating and not name:
                self.add_error(f"activity_{n}", "Name the activity you rated.")
            elif name:
                self.activities.append(name)
                self.answers[f"a{len(self.activities)}"] = _answer(rating)


def _answer(value: str) -> object:
    return value if value == NOT_APPLICABLE else int(value)
