from __future__ import annotations

from django import forms

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
