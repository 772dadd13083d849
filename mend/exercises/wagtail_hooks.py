"""The exercise library in the back office: exercises and equipment as snippets.

Editors write and change exercises here (searchable, filterable); the
dosage is edited as fields and stored as a validated Dosage.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from mend.exercises.forms import ExerciseAdminForm
from mend.exercises.models import Equipment, Exercise


def _rows(*names: str) -> FieldRowPanel:
    return FieldRowPanel([FieldPanel(name) for name in names])


class ExerciseViewSet(SnippetViewSet):
    model = Exercise
    icon = "pick"
    menu_label = "Exercises"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "purpose", "source", "licence", "updated_at"]
    list_filter = ["purpose", "regions", "source"]
    ordering = ["name"]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("name"),
                    FieldPanel("slug"),
                    FieldPanel("aliases"),
                    FieldPanel("summary"),
                    FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("purpose"),
                    FieldPanel("equipment", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("tags"),
                    FieldPanel("steps"),
                    FieldPanel("cues"),
                    FieldPanel("mistakes"),
                    FieldPanel("precautions"),
                ],
                heading="Exercise",
            ),
            ObjectList(
                [
                    _rows("sets", "reps", "rm_target"),
                    _rows("hold_s", "hold_max_s"),
                    FieldPanel("hold_movement"),
                    _rows("sides", "side_label"),
                    _rows("rest_s", "rest_max_s"),
                    FieldPanel("tempo"),
                    _rows("load_kind", "load_value"),
                    FieldPanel("progression"),
                    _rows("times_per_day", "days_per_week", "weeks"),
                    FieldPanel("timing"),
                    FieldPanel("activity_label"),
                    MultiFieldPanel(
                        [FieldPanel("pain_max_during"), FieldPanel("pain_settle")],
                        heading="Pain rule",
                    ),
                    FieldPanel("notes"),
                ],
                heading="Dosage",
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("video_url"),
                            FieldPanel("video_file"),
                            FieldPanel("video_captions"),
                            FieldPanel("video_poster"),
                            FieldPanel("video_title"),
                        ],
                        heading="Video",
                    ),
                    InlinePanel("images", heading="Images", label="Image"),
                ],
                heading="Video and images",
            ),
            ObjectList(
                [
                    FieldPanel("evidence"),
                    FieldPanel("sources"),
                    MultiFieldPanel(
                        [
                            FieldPanel("source"),
                            FieldPanel("source_url"),
                            FieldPanel("source_id"),
                            FieldPanel("author"),
                            FieldPanel("licence"),
                            FieldPanel("licence_url"),
                        ],
                        heading="Source and licence",
                    ),
                ],
                heading="Evidence and licence",
            ),
        ],
        base_form_class=ExerciseAdminForm,
    )


class EquipmentViewSet(SnippetViewSet):
    model = Equipment
    icon = "cog"
    menu_label = "Equipment"
    list_display = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


register_snippet(ExerciseViewSet)
register_snippet(EquipmentViewSet)


@hooks.register("before_delete_snippet")
def keep_exercises_in_programs(request: HttpRequest, instances: list[Any]) -> HttpResponse | None:
    """Programs point at their exercises; an exercise in use stays, so their history reads."""
    used = [
        item for item in instances if isinstance(item, Exercise) and item.program_items.exists()
    ]
    if not used:
        return None
    names = ", ".join(exercise.name for exercise in used)
    messages.error(
        request,
        f"{names}: used in patients' programs, so it cannot be deleted. Edit it instead.",
    )
    return redirect(Exercise.snippet_viewset.get_url_name("list"))
