"""Screens in the back office: a clinic edits the shipped screens or adds its own.

Each saved change to a screen makes a new version; answers already given keep
the version and the wording they were asked in. Answers are patient data and
are read in the front-end pages (the patient's own, the clinician's episode
page), not here.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.views.generic import EditView
from wagtail.admin.viewsets.model import ModelViewSet

from mend.safety import services
from mend.safety.models import Screen


class ScreenEditView(EditView):  # type: ignore[misc]
    def save_instance(self) -> Any:
        before = Screen.objects.get(pk=self.form.instance.pk).content()
        instance = super().save_instance()
        if Screen.objects.get(pk=instance.pk).content() != before:
            services.new_version(instance, now=timezone.now())
        return instance


class ScreenViewSet(ModelViewSet):
    model = Screen
    icon = "warning"
    menu_label = "Safety screens"
    menu_order = 240
    add_to_admin_menu = True
    list_display = ["name", "region", "version", "is_active", "updated_at"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "slug"]
    edit_view_class = ScreenEditView
    copy_view_enabled = False
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("region"), FieldPanel("is_active")],
            heading="Screen",
        ),
        FieldPanel("intro"),
        InlinePanel(
            "questions",
            heading="Questions",
            label="Question",
            help_text="A yes or not sure to any question stops self-guided exercise and shows "
            "the advice for its level. Write sensations, not conditions.",
            min_num=1,
        ),
        FieldPanel("sources"),
    ]


@hooks.register("register_admin_viewset")
def register_screens() -> ScreenViewSet:
    return ScreenViewSet("safety_screens")
