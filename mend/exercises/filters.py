"""The library's search and filters (/exercises/?q=&region=&purpose=&equipment=&tag=)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Case, IntegerField, QuerySet, Value, When
from taggit.models import Tag

from mend.exercises.models import Equipment, Exercise, Region

QUERY_MAX_LENGTH = 200
FIELDS = ("q", "region", "purpose", "equipment", "tag")


class LibraryFilter(forms.Form):
    q = forms.CharField(
        label="Search exercises",
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": f"Search for at most {QUERY_MAX_LENGTH} characters."},
    )
    region = forms.ChoiceField(label="Body region", required=False)
    purpose = forms.ChoiceField(
        label="Purpose", required=False, choices=[("", "Any purpose"), *Exercise.Purpose.choices]
    )
    equipment = forms.ChoiceField(label="Equipment", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, auto_id="filter-%s")
        self.fields["region"].choices = [("", "Any region")] + [
            (region.slug, region.name) for region in Region.objects.all()
        ]
        self.fields["equipment"].choices = [("", "Any equipment")] + [
            (item.slug, item.name) for item in Equipment.objects.all()
        ]
        used = Tag.objects.filter(exercises_exercisetag_items__isnull=False).distinct()
        self.fields["tag"].choices = [("", "Any tag")] + [
            (tag.slug, tag.name) for tag in used.order_by("name")
        ]
        for name, message in (
            ("region", "Choose a region from the list."),
            ("purpose", "Choose a purpose from the list."),
            ("equipment", "Choose equipment from the list."),
            ("tag", "Choose a tag from the list."),
        ):
            self.fields[name].error_messages["invalid_choice"] = message

    def _value(self, name: str) -> str:
        if not self.is_bound or name in self.errors:
            return ""
        return str(self.cleaned_data.get(name) or "").replace("\x00", "").strip()

    @property
    def active(self) -> bool:
        return any(self._value(name) for name in FIELDS)

    def results(self) -> QuerySet[Exercise]:
        exercises = Exercise.objects.prefetch_related("regions")
        if self.is_bound:
            self.is_valid()  # invalid filters are reported at their field and ignored
        if region := self._value("region"):
            exercises = exercises.filter(regions__slug=region)
        if purpose := self._value("purpose"):
            exercises = exercises.filter(purpose=purpose)
        if equipment := self._value("equipment"):
            exercises = exercises.filter(equipment__slug=equipment)
        if tag := self._value("tag"):
            exercises = exercises.filter(tags__slug=tag)
        if query := self._value("q"):
            ranked = [hit.pk for hit in Exercise.objects.search(query, operator="and")]
            order = Case(
                *[When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ranked)],
                output_field=IntegerField(),
            )
            exercises = (
                exercises.filter(pk__in=ranked).order_by(order) if ranked else (exercises.none())
            )
        return exercises

    def query_string(self) -> str:
        """The filters for page links, without the page number."""
        return urlencode({name: self._value(name) for name in FIELDS if self._value(name)})
