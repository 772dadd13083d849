"""Forms for the booking flow, the manage page and the clinician's pages."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

from mend.booking.models import AvailabilityRule, Clinician, Location, Mode, VisitType, Weekday
from mend.safety.forms import ScreenForm

REQUIRED = "Required field missing"
EMAIL_INVALID = "Email address invalid"
RELOAD = "This form has expired. Please reload the page and try again."
_REQUEST_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\x85\u2028\u2029]")
ONE_LINE = "Please write this on one line."


def _messages(**extra: str) -> dict[str, str]:
    return {
        "required": REQUIRED,
        "null_characters_not_allowed": "Contains unreadable characters",
    } | extra


def _readable(value: str) -> None:
    if _UNREADABLE.search(value):
        raise ValidationError("Contains unreadable characters", code="unreadable")


def _one_line(value: str) -> None:
    # A name goes into every email's greeting and headers: a line break would open them.
    if _LINE_BREAK.search(value):
        raise ValidationError(ONE_LINE, code="line_break")


def new_request_key() -> str:
    return secrets.token_urlsafe(24)


class ContactFields(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=120,
        validators=[_readable, _one_line],
        error_messages=_messages(),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="We send the confirmation and your link to change or cancel here.",
        error_messages=_messages(invalid=EMAIL_INVALID),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DetailsForm(ContactFields):
    phone = forms.CharField(
        label="Phone",
        max_length=40,
        required=False,
        validators=[_readable, _one_line],
        help_text="Only if you would like us to be able to call you.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    request_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, question in enumerate(questions):
            self.fields[f"intake_{index}"] = forms.CharField(
                label=question,
                required=False,
                max_length=2000,
                validators=[_readable],
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean_request_key(self) -> str:
        key = self.cleaned_data.get("request_key", "")
        if self.is_bound and not _REQUEST_KEY.match(key):
            raise ValidationError(RELOAD)
        return key

    def intake_fields(self) -> list[forms.BoundField]:
        return [self[f"intake_{index}"] for index in range(len(self.questions))]

    def answers(self) -> list[dict[str, str]]:
        return [
            {"question": question, "answer": self.cleaned_data.get(f"intake_{index}", "").strip()}
            for index, question in enumerate(self.questions)
        ]


def screen_form(visit_type: VisitType, data: Any = None) -> ScreenForm | None:
    """The visit type's safety questions for the details form, or None if it asks none.
    Prefixed, so a question's key never meets the flow's or the contact fields' names."""
    screen = visit_type.active_intake_screen()
    if screen is None:
        return None
    return ScreenForm(data, screen=screen, prefix="screen")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling",
        max_length=500,
        validators=[_readable],
        error_messages=_messages(),
        help_text="A few words help the clinic, e.g. “feeling better” or “work came up”.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


WEEKDAY_CHOICES = [(str(day.value), day.label) for day in Weekday]
HOUR_CHOICES = [("", "Any time")] + [(f"{hour:02d}:00", f"{hour:02d}:00") for hour in range(6, 22)]


class WaitlistForm(ContactFields):
    weekdays = forms.MultipleChoiceField(
        label="Days that suit you",
        choices=WEEKDAY_CHOICES,
        required=False,
        help_text="Leave all unticked for any day.",
        widget=forms.CheckboxSelectMultiple,
    )
    earliest = forms.ChoiceField(label="Earliest start", choices=HOUR_CHOICES, required=False)
    latest = forms.ChoiceField(label="Latest start", choices=HOUR_CHOICES, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        earliest, latest = data.get("earliest"), data.get("latest")
        if earliest and latest and earliest > latest:
            self.add_error("latest", "The latest start must come after the earliest.")
        return data

    def times(self) -> tuple[time | None, time | None]:
        def read(value: str) -> time | None:
            return time.fromisoformat(value) if value else None

        return read(self.cleaned_data["earliest"]), read(self.cleaned_data["latest"])


class RuleForm(forms.ModelForm):
    class Meta:
        model = AvailabilityRule
        fields = [
            "weekday",
            "start_time",
            "end_time",
            "mode",
            "location",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, clinician: Clinician, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinician = clinician
        self.fields["location"].queryset = clinician.locations.all()
        self.fields["start_time"].help_text = f"In your time zone, {clinician.time_zone}."
        self.fields["end_time"].help_text = ""
        for bound in self.fields.values():
            bound.error_messages.setdefault("required", REQUIRED)
            bound.error_messages["required"] = REQUIRED

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode, location = data.get("mode"), data.get("location")
        if mode == AvailabilityRule.RuleMode.VIRTUAL and location:
            self.add_error("location", "Video-only hours take no location.")
        if mode and mode != AvailabilityRule.RuleMode.VIRTUAL and not location:
            self.add_error("location", "Choose where in-person visits happen.")
        return data


class TimeOffForm(forms.Form):
    start = forms.DateTimeField(
        label="From",
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages=_messages(invalid="Enter a date and time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label="Until",
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages=_messages(invalid="Enter a date and time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label="Note", max_length=200, required=False, validators=[_readable])

    def __init__(self, *args: Any, clinician: Clinician, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(clinician.time_zone)
        self.fields["start"].help_text = f"In your time zone, {clinician.time_zone}."

    def _aware(self, value: datetime) -> datetime:
        # The field made the wall time aware in the site's zone (UTC); it is the clinician's.
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            data["start"], data["end"] = self._aware(start), self._aware(end)
            if data["end"] <= data["start"]:
                self.add_error("end", "Time off must end after it starts.")
        return data


class PlanForm(ContactFields):
    visit_type = forms.ModelChoiceField(
        label="Visit type", queryset=VisitType.objects.none(), error_messages=_messages()
    )
    mode = forms.ChoiceField(label="Kind of visit", choices=Mode.choices)
    location = forms.ModelChoiceField(
        label="Location", queryset=Location.objects.none(), required=False
    )
    first_day = forms.DateField(
        label="First week from",
        error_messages=_messages(invalid="Enter a date."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    at = forms.TimeField(
        label="Time",
        error_messages=_messages(invalid="Enter a time."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    weekdays = forms.MultipleChoiceField(
        label="Days", choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple,
        error_messages=_messages(),
    )  # fmt: skip
    weeks = forms.IntegerField(
        label="Weeks", min_value=1, max_value=26, initial=6, error_messages=_messages()
    )

    def __init__(self, *args: Any, clinician: Clinician, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinician = clinician
        self.fields["visit_type"].queryset = clinician.visit_types.filter(is_active=True)
        self.fields["location"].queryset = clinician.locations.all()
        self.fields["at"].help_text = f"In your time zone, {clinician.time_zone}."
        self.fields["email"].help_text = "The patient's; the plan and its links are sent here."
        self.fields["name"].label = "Patient's name"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        visit_type, mode = data.get("visit_type"), data.get("mode")
        if visit_type and mode and not visit_type.allows(mode):
            self.add_error("mode", f"{visit_type.name} is not offered that way.")
        if mode == Mode.IN_PERSON and not data.get("location"):
            self.add_error("location", "Choose where the visits happen.")
        return data
