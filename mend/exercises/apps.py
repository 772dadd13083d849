from __future__ import annotations

from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "mend.exercises"
    label = "exercises"
    verbose_name = "Exercises"

    def ready(self) -> None:
        from mend.exercises import checks, signals  # noqa: F401  (registers them)
