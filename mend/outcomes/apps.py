from __future__ import annotations

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mend.outcomes"
    label = "outcomes"
    verbose_name = "Outcome measures"
