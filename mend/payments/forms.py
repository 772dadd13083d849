from __future__ import annotations

from typing import Any

from django import forms


class StartForm(forms.Form):
    """What a product page posts to start an order: the kind, the owner's ref, how many."""

    kind = forms.CharField(max_length=40, error_messages={"required": "Choose what to buy."})
    ref = forms.CharField(max_length=64, error_messages={"required": "Choose what to buy."})
    quantity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=99,
        error_messages={
            "invalid": "Give a whole number.",
            "min_value": "At least 1.",
            "max_value": "At most 99.",
        },
    )


class CouponForm(forms.Form):
    code = forms.CharField(
        label="Coupon code",
        max_length=40,
        error_messages={"required": "Enter a code.", "max_length": "That code is not valid."},
    )


class PayForm(forms.Form):
    method = forms.ChoiceField(error_messages={"required": "Choose how to pay."})

    def __init__(self, *args: Any, methods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["method"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = methods
        field.error_messages["invalid_choice"] = "Choose one of the ways to pay shown."
