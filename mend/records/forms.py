from __future__ import annotations

from django import forms


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: my account will be closed and this cannot be undone.",
        error_messages={"required": "Tick the box to confirm you want your account deleted."},
    )


class CarryOutForm(forms.Form):
    confirm = forms.BooleanField(
        label="Carry out this erasure now.",
        error_messages={"required": "Tick the box to confirm."},
    )
