from __future__ import annotations

from django import forms

from mend.core.forms import error_summary


class Sample(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="Email")

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("Please reload the page")


def test_summary_links_visible_fields_and_lists_the_rest_in_form_order() -> None:
    form = Sample(data={"email": "nope"})
    assert not form.is_valid()

    assert error_summary(form) == [
        ("", "Please reload the page"),
        ("", "This field is required."),
        ("id_name", "Name: This field is required."),
        ("id_email", "Email: Enter a valid email address."),
    ]


def test_a_valid_form_has_no_summary() -> None:
    form = Sample(data={"token": "t", "name": "Jo", "email": "jo@mail.example"})
    form.clean = lambda: form.cleaned_data  # type: ignore[method-assign]
    assert form.is_valid()
    assert error_summary(form) == []
