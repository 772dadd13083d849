"""Exercise libraries as JSON: export, validated import, and the record format.

The format (``mend exercises export``; README, "Exercises")::

    {"format": "mend-exercises", "version": 1, "exercises": [RECORD, ...]}

Each RECORD holds ``slug``, ``name``, ``purpose``, ``regions`` (slugs from the
controlled list), ``steps`` (a list), ``dosage`` (a Dosage as a dict), and
``licence`` and ``author``; optionally ``aliases``, ``summary``,
``equipment`` (names), ``cues``, ``mistakes``, ``precautions``,
``video_url``, ``video_title``, ``tags``, ``evidence``, ``sources``,
``source``, ``source_url``, ``source_id`` and ``licence_url``. Images and
uploaded videos are not part of the format.

An import checks every record first; if any is bad, each bad one is
reported with its position and reason and nothing is written. Otherwise it
runs in one transaction: a record matches an existing exercise by source and
source id (when it has one) or else by slug; a match that is already the
same is skipped, a different one updated, a new one created.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from mend.exercises.dosage import Dosage, DosageError
from mend.exercises.models import (
    OUR_SOURCE,
    REGIONS,
    Equipment,
    Exercise,
    Region,
    validate_video_url,
)

FORMAT = "mend-exercises"
VERSION = 1
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIST_FIELDS = ("aliases", "steps", "cues", "mistakes", "precautions", "sources")
TEXT_LIMITS = {
    "name": 120,
    "summary": 400,
    "video_title": 200,
    "evidence": 5000,
    "source": 100,
    "source_id": 100,
    "licence": 60,
    "author": 300,
}
LINE_LIMIT = 500
PURPOSES = {value for value, _ in Exercise.Purpose.choices}
REGION_SLUGS = {slug for slug, _ in REGIONS}
Progress = Callable[[int, int], None]


class ImportFileError(Exception):
    """The file as a whole cannot be read (not JSON, wrong format or version)."""


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (slug, reason)
    errors: list[str] = field(default_factory=list)  # "Record 3 (slug x): field: reason"

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.skipped)} skipped"
        )


# Validation.


def _text(record: Mapping[str, Any], name: str, errors: list[str], *, required: bool) -> str:
    value = record.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(f"{name}: must be text")
        return ""
    value = value.strip()
    if required and not value:
        errors.append(f"{name}: is required")
    limit = TEXT_LIMITS.get(name)
    if limit and len(value) > limit:
        errors.append(f"{name}: must be at most {limit} characters")
    return value


def _lines(record: Mapping[str, Any], name: str, errors: list[str]) -> list[str]:
    value = record.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(f"{name}: must be a list of text")
        return []
    lines = [item.strip() for item in value if item.strip()]
    if any("\n" in line or len(line) > LINE_LIMIT for line in lines):
        errors.append(f"{name}: each entry must be one line of at most {LINE_LIMIT} characters")
    return lines


def _url(value: str, name: str, errors: list[str]) -> None:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors.append(f"{name}: is not a web address")


def clean_record(record: object) -> tuple[dict[str, Any] | None, list[str]]:
    """A record with defaults filled in and text trimmed, or the reasons it is bad."""
    if not isinstance(record, Mapping):
        return None, ["must be an object"]
    errors: list[str] = []
    known = {
        "slug",
        "name",
        "purpose",
        "regions",
        "equipment",
        "dosage",
        "tags",
        "video_url",
        "licence_url",
        "source_url",
        *LIST_FIELDS,
        *TEXT_LIMITS,
    }
    errors += [f"{name}: unknown field" for name in record if name not in known]
    clean: dict[str, Any] = {
        name: _text(record, name, errors, required=name in ("name", "licence", "author"))
        for name in TEXT_LIMITS
    }
    clean.update({name: _lines(record, name, errors) for name in LIST_FIELDS})
    slug = record.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 120:
        errors.append("slug: must be lowercase letters, digits and hyphens (at most 120)")
    clean["slug"] = slug
    if not clean["steps"]:
        errors.append("steps: give at least one step")
    purpose = record.get("purpose")
    if purpose not in PURPOSES:
        errors.append(f"purpose: must be one of {', '.join(sorted(PURPOSES))}")
    clean["purpose"] = purpose
    regions = record.get("regions", [])
    if not isinstance(regions, list) or not set(regions) <= REGION_SLUGS or not regions:
        errors.append(f"regions: give one or more of {', '.join(sorted(REGION_SLUGS))}")
    clean["regions"] = sorted(set(regions)) if isinstance(regions, list) else []
    for name in ("equipment", "tags"):
        value = record.get(name, [])
        if not isinstance(value, list) or not all(
            isinstance(item, str) and 0 < len(item.strip()) <= 60 for item in value
        ):
            errors.append(f"{name}: must be a list of short names")
            value = []
        clean[name] = sorted({item.strip() for item in value})
    for name in ("video_url", "licence_url", "source_url"):
        clean[name] = _text(record, name, errors, required=False)
        _url(clean[name], name, errors)
    if clean["video_url"]:
        try:
            validate_video_url(clean["video_url"])
        except ValidationError as error:
            errors.append(f"video_url: {error.messages[0]}")
    try:
        clean["dosage"] = Dosage.from_dict(record.get("dosage", None)).to_dict()  # type: ignore[arg-type]
    except DosageError as error:
        errors += [
            f"dosage{'' if name == '__all__' else '.' + name}: {message}"
            for name, message in error.errors.items()
        ]
    if not clean["source"]:
        clean["source"] = OUR_SOURCE
    return (None if errors else clean), errors


def validate(records: object) -> tuple[list[dict[str, Any]], list[str]]:
    """All records cleaned, or every problem found ("Record N (slug s): reason")."""
    if not isinstance(records, list):
        return [], ["exercises: must be a list of records"]
    cleaned, errors = [], []
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        clean, problems = clean_record(record)
        slug = record.get("slug") if isinstance(record, Mapping) else None
        where = f"Record {number}" + (f" (slug {slug!r})" if isinstance(slug, str) else "")
        if isinstance(slug, str) and slug in seen:
            problems.append(f"slug: also used by record {seen[slug]}")
        if isinstance(slug, str):
            seen.setdefault(slug, number)
        errors += [f"{where}: {problem}" for problem in problems]
        if clean is not None:
            cleaned.append(clean)
    return cleaned, errors


def read_document(data: object) -> list[Any]:
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ImportFileError(f'This is not a Mend exercise file (its "format" is not "{FORMAT}").')
    if data.get("version") != VERSION:
        raise ImportFileError(
            f"This file is version {data.get('version')!r}; Mend reads {VERSION}."
        )
    records = data.get("exercises")
    if not isinstance(records, list):
        raise ImportFileError('"exercises" must be a list of records.')
    return records


# Export.


def to_record(exercise: Exercise) -> dict[str, Any]:
    return {
        "slug": exercise.slug,
        "name": exercise.name,
        "aliases": exercise.alias_list,
        "summary": exercise.summary,
        "regions": sorted(region.slug for region in exercise.regions.all()),
        "purpose": exercise.purpose,
        "equipment": sorted(item.name for item in exercise.equipment.all()),
        "steps": exercise.step_list,
        "cues": exercise.cue_list,
        "mistakes": exercise.mistake_list,
        "precautions": exercise.precaution_list,
        "video_url": exercise.video_url,
        "video_title": exercise.video_title,
        "dosage": exercise.default_dosage,
        "tags": sorted(tag.name for tag in exercise.tags.all()),
        "evidence": exercise.evidence,
        "sources": exercise.source_list,
        "source": exercise.source,
        "source_url": exercise.source_url,
        "source_id": exercise.source_id,
        "licence": exercise.licence,
        "licence_url": exercise.licence_url,
        "author": exercise.author,
    }


def export_document(exercises: Iterable[Exercise] | None = None) -> dict[str, Any]:
    found = (
        exercises
        if exercises is not None
        else Exercise.objects.prefetch_related("regions", "equipment", "tags").order_by("slug")
    )
    return {"format": FORMAT, "version": VERSION, "exercises": [to_record(e) for e in found]}


# Import.


def _find(record: Mapping[str, Any]) -> Exercise | None:
    if record["source_id"]:
        found = Exercise.objects.filter(source=record["source"], source_id=record["source_id"])
        return found.first()
    return Exercise.objects.filter(slug=record["slug"]).first()


def _equipment(names: list[str]) -> list[Equipment]:
    items = []
    for name in names:
        item = Equipment.objects.filter(name__iexact=name).first()
        if item is None:
            slug = slugify(name)[:60] or "equipment"
            item = Equipment.objects.create(name=name, slug=slug)
        items.append(item)
    return items


def _save(exercise: Exercise, record: Mapping[str, Any]) -> None:
    for name in (
        "slug",
        "name",
        "summary",
        "purpose",
        "video_url",
        "video_title",
        "evidence",
        "source",
        "source_url",
        "source_id",
        "licence",
        "licence_url",
        "author",
    ):
        setattr(exercise, name, record[name])
    for name in ("aliases", "steps", "cues", "mistakes", "precautions", "sources"):
        setattr(exercise, name, "\n".join(record[name]))
    exercise.default_dosage = record["dosage"]
    exercise.regions.set(Region.objects.filter(slug__in=record["regions"]))
    exercise.equipment.set(_equipment(record["equipment"]))
    exercise.tags.set(record["tags"], clear=True)
    exercise.save()


def _comparable(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as stored (defaults applied), so an unchanged one compares equal."""
    stored = dict(record)
    stored["equipment"] = sorted(name.lower() for name in record["equipment"])
    stored["tags"] = sorted(name.lower() for name in record["tags"])
    return stored


def import_records(
    records: list[Any],
    *,
    only_missing: bool = False,
    progress: Progress | None = None,
    skipped: Iterable[tuple[str, str]] = (),
) -> Report:
    """Check every record, then write them all in one transaction (or none, on any error)."""
    report = Report(skipped=list(skipped))
    cleaned, report.errors = validate(records)
    if report.errors:
        return report
    with transaction.atomic():
        for done, record in enumerate(cleaned, start=1):
            _import_one(record, report, only_missing=only_missing)
            if progress is not None:
                progress(done, len(cleaned))
    return report


def _import_one(record: dict[str, Any], report: Report, *, only_missing: bool) -> None:
    slug = record["slug"]
    existing = _find(record)
    if existing is None:
        if Exercise.objects.filter(slug=slug).exists():
            report.skipped.append((slug, "another exercise (from another source) has this slug"))
            return
        _save(Exercise(), record)
        report.created.append(slug)
        return
    if only_missing:
        report.skipped.append((slug, "already in the library"))
        return
    if _comparable(to_record(existing)) == _comparable(record):
        report.skipped.append((slug, "unchanged"))
        return
    if existing.slug != slug and Exercise.objects.filter(slug=slug).exists():
        report.skipped.append((slug, "another exercise has this slug"))
        return
    _save(existing, record)
    report.updated.append(slug)
