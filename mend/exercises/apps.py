from __future__ import annotations

from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "mend.exercises"
    label = "exercises"
    verbose_name = "Exercises"
