"""What every Mend form shares."""

from __future__ import annotations

from django import forms


def error_summary(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(anchor, message) for the summary above a form, in the form's order.

    Messages of visible fields link to their field; the form's own messages and
    those of hidden fields (a stale stamp, a replayed form) have nowhere to link.
    """
    summary = [("", str(error)) for error in form.non_field_errors()]
    for field in form.hidden_fields():
        summary += [("", str(error)) for error in field.errors]
    for field in form.visible_fields():
        summary += [(field.auto_id, f"{field.label}: {error}") for error in field.errors]
    return summary
