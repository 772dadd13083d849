from __future__ import annotations

from typing import Any

from django import forms

from mend.safety import screening
from mend.safety.models import ANSWER_CHOICES, Screen

ANSWER_PLEASE = "Answer this question: yes, no or not sure."
CHECKED_LABEL = (
    "A doctor or physical therapist has checked me since I was told to stop, and said I may "
    "exercise again."
)


class ScreenForm(forms.Form):
    """One yes / no / not sure question per field, named by the question's key."""

    def __init__(self, *args: Any, screen: Screen, ask_checked: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.screen = screen
        self.questions = screen.question_list()
        for question in self.questions:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "answers"}),
                help_text=question.hint,
                error_messages={"required": ANSWER_PLEASE, "invalid_choice": ANSWER_PLEASE},
            )
        if ask_checked:
            self.fields["checked"] = forms.BooleanField(
                label=CHECKED_LABEL,
                error_messages={"required": "Confirm you have been checked, or book a visit."},
            )

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data[q.key] for q in self.questions}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[q.key] for q in self.questions]

    def outcome(self) -> screening.Outcome:
        return screening.evaluate(self.questions, self.answers())
