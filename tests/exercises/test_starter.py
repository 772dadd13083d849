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


# The clinical review's corrections, kept as properties of the data.

STARTER = {record["slug"]: record for record in starter.EXERCISES}


def test_every_achilles_red_flag_names_a_tear_a_clot_an_infection_and_medicines() -> None:
    flagged = [r for r in starter.EXERCISES if any("pop or snap" in p for p in r["precautions"])]

    assert len(flagged) >= 9
    for record in flagged:
        text = " ".join(record["precautions"])
        assert "gap or dent" in text and "red and hot" in text and "fever" in text
        assert "blood clot" in text and "call the emergency number" in text
        assert "fluoroquinolone" in text and "steroid injection" in text


def test_no_exercise_fixes_a_weight_beside_a_repetition_maximum() -> None:
    for record in starter.EXERCISES:
        dosage = record["dosage"]
        assert not (dosage.get("rm_target") and dosage.get("load")), record["slug"]
    assert "lift about 15 times" in STARTER["seated-calf-raise"]["dosage"]["notes"]


def test_the_floor_heel_raise_keeps_insertional_pain_on_the_floor_and_cites_its_source() -> None:
    record = STARTER["heel-raise-floor"]

    assert "stay on the flat floor" in record["dosage"]["progression"]
    assert any(line.startswith("Cook JL, Purdam CR.") for line in record["sources"])


def test_daily_heel_drops_build_up_and_are_an_alternative_to_heavy_slow_raises() -> None:
    for slug in ("eccentric-heel-drop-straight-knee", "eccentric-heel-drop-bent-knee"):
        record = STARTER[slug]
        assert record["dosage"]["progression"].startswith("Build up over one to two weeks")
        assert "an alternative to the heavy, slow calf raises" in record["evidence"]


def test_the_plantar_fascia_stretch_is_dosed_as_in_its_trial() -> None:
    record = STARTER["seated-plantar-fascia-stretch"]

    assert record["dosage"] | {"notes": ""} == {
        "reps": 10,
        "hold_s": 10,
        "times_per_day": 3,
        "notes": "",
    }
    assert [line.split(" ")[0] for line in record["sources"]] == ["DiGiovanni", "Martin"]


def test_the_quadriceps_set_defers_to_the_surgeons_protocol_and_names_warning_signs() -> None:
    text = " ".join(STARTER["quadriceps-set"]["precautions"])

    assert "follow your surgeon's or physical therapist's protocol" in text
    assert "blood clot" in text and "call the emergency number" in text
    assert "red, hot or weeping" in text
