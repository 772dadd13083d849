from __future__ import annotations

from django import forms

from mend.care.models import BREAK_GLASS_REASON_MIN
from mend.core.regions import REGIONS


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Patient's email address",
        help_text="They accept by signing in with this address; nothing is shared before.",
        error_messages={
            "required": "Give the patient's email address.",
            "invalid": "Give a valid email address.",
        },
    )
    reason = forms.CharField(
        label="Reason for care",
        required=False,
        max_length=200,
        help_text="In plain words; the patient reads it in the invitation.",
        error_messages={"max_length": "At most 200 characters."},
    )
    region = forms.ChoiceField(
        label="Body region", required=False, choices=[("", "Not given"), *REGIONS]
    )


class DischargeForm(forms.Form):
    note = forms.CharField(
        label="Discharge note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "At most 2000 characters."},
    )


class BreakGlassForm(forms.Form):
    patient = forms.EmailField(
        label="Patient's email address",
        error_messages={
            "required": "Give the patient's email address.",
            "invalid": "Give a valid email address.",
        },
    )
    reason = forms.CharField(
        label="Why you need this record now",
        min_length=BREAK_GLASS_REASON_MIN,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit log; the practice is told you opened a record.",
        error_messages={
            "required": "Say why you need this record.",
            "min_length": f"Say why in at least {BREAK_GLASS_REASON_MIN} characters.",
            "max_length": "At most 1000 characters.",
        },
    )
