"""The starter library: a Mend exercise file shipped in the package, loaded by the importer."""

from __future__ import annotations

import fnmatch
import json
import tomllib
from pathlib import Path

import pytest

from mend.content.demo_articles import ARTICLES
from mend.exercises import library_io, starter
from mend.exercises.models import CC_BY, CC_BY_URL, OUR_AUTHOR, OUR_SOURCE, Exercise

ROOT = Path(__file__).resolve().parents[2]


def shipped_document() -> object:
    return json.loads(starter.STARTER_LIBRARY.read_text(encoding="utf-8"))


def test_the_data_file_is_a_mend_exercise_file_with_no_errors() -> None:
    records = library_io.read_document(shipped_document())
    cleaned, errors = library_io.validate(records)

    assert errors == []
    assert len(cleaned) == len(records) == len(starter.EXERCISES) == 20


def test_every_record_names_its_source_licence_and_author_in_the_file() -> None:
    for record in library_io.read_document(shipped_document()):
        assert record["source"] == OUR_SOURCE, record["slug"]
        assert record["licence"] == CC_BY and record["licence_url"] == CC_BY_URL
        assert record["author"] == OUR_AUTHOR


def test_the_demo_and_its_articles_find_their_exercises_in_the_file() -> None:
    slugs = {record["slug"] for record in starter.EXERCISES}
    in_articles = {
        value["exercise"]
        for article in ARTICLES
        for kind, value in article["body"]  # type: ignore[attr-defined]
        if kind == "exercise"
    }
    in_programs = {slug for slug, _ in starter.DEMO_ITEMS} | {"knee-rocking", "cat-camel"}
    achilles = {
        "standing-hamstring-stretch",
        "straight-knee-calf-stretch",
        "bent-knee-calf-stretch",
        "eccentric-heel-drop-straight-knee",
        "eccentric-heel-drop-bent-knee",
        "heel-raise-floor",
        "heel-raise-off-step",
        "seated-calf-raise",
        "isometric-calf-hold",
    }
    assert in_articles | in_programs | achilles <= slugs


def test_the_package_data_ships_the_file() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["mend.exercises"]
    inside = starter.STARTER_LIBRARY.relative_to(ROOT / "mend" / "exercises").as_posix()
    assert any(fnmatch.fnmatch(inside, pattern) for pattern in patterns)


@pytest.mark.django_db
def test_loading_adds_every_exercise_as_written_in_the_file() -> None:
    report = starter.load_exercises()

    assert report.errors == [] and report.skipped == []
    assert report.created == [record["slug"] for record in starter.EXERCISES]
    # Importing the file again over the loaded library finds every record already stored.
    again = library_io.import_records(starter.EXERCISES)
    assert again.created == again.updated == []
    assert {reason for _, reason in again.skipped} == {"unchanged"}


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    starter.load_exercises()
    before = library_io.export_document()

    second = starter.load_exercises()

    assert second.created == second.updated == [] and second.errors == []
    assert len(second.skipped) == len(starter.EXERCISES)
    assert library_io.export_document() == before


@pytest.mark.django_db
def test_loading_keeps_a_clinics_edits() -> None:
    starter.load_exercises()
    Exercise.objects.filter(slug="glute-bridge").update(summary="Our own words.")

    starter.load_exercises()

    assert Exercise.objects.get(slug="glute-bridge").summary == "Our own words."


@pytest.mark.django_db
def test_loading_adds_an_exercise_the_library_lacks() -> None:
    starter.load_exercises()
    Exercise.objects.filter(slug="wall-sit").delete()

    report = starter.load_exercises()

    assert report.created == ["wall-sit"]
