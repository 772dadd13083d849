"""`mend exercises export|import` and the wger importer (the starter library: test_starter)."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mend.exercises import library_io, starter, wger
from mend.exercises.models import Equipment, Exercise

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("exercises", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, data: object, name: str = "library.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def document(*records: dict[str, object]) -> dict[str, object]:
    return {"format": "mend-exercises", "version": 1, "exercises": list(records)}


def test_export_then_import_into_an_empty_library_recreates_it(tmp_path: Path) -> None:
    starter.load_exercises()
    out, _ = run("export")
    exported = json.loads(out)
    Exercise.objects.all().delete()

    output, _errors = run("import", write(tmp_path, exported), "--quiet")

    assert f"{len(exported['exercises'])} created, 0 updated, 0 skipped." in output
    assert library_io.export_document() == exported


def test_import_is_idempotent_and_reports_updates(tmp_path: Path) -> None:
    records = copy.deepcopy(starter.EXERCISES[:3])
    path = write(tmp_path, document(*records))
    run("import", path, "--quiet")

    again, _ = run("import", path, "--quiet")
    assert "0 created, 0 updated, 3 skipped." in again
    assert "skipped  standing-hamstring-stretch: unchanged" in again

    records[0]["summary"] = "Changed."
    changed, _ = run("import", write(tmp_path, document(*records), "b.json"), "--quiet")
    assert "0 created, 1 updated, 2 skipped." in changed
    assert Exercise.objects.get(slug=records[0]["slug"]).summary == "Changed."


def test_import_shows_a_progress_bar(tmp_path: Path) -> None:
    _, err = run("import", write(tmp_path, document(*starter.EXERCISES[:2])))
    assert "[" + "#" * 30 + "] 2/2" in err


def test_a_bad_record_is_reported_with_its_position_and_nothing_is_imported(
    tmp_path: Path,
) -> None:
    good = copy.deepcopy(starter.EXERCISES[0])
    bad = copy.deepcopy(starter.EXERCISES[1])
    bad["dosage"] = {"hold_s": 90, "hold_max_s": 30}
    bad["regions"] = ["elbow", "knee"]
    worse = {"slug": "Not A Slug", "name": ""}
    path = write(tmp_path, document(good, bad, worse))

    with pytest.raises(CommandError, match="nothing was imported"):
        err = StringIO()
        call_command("exercises", "import", path, stdout=StringIO(), stderr=err)
    messages = err.getvalue()

    assert (
        "Record 2 (slug 'straight-knee-calf-stretch'): dosage.hold_max_s: The shortest "
        "hold must not be longer than the longest."
    ) in messages
    assert "Record 2 (slug 'straight-knee-calf-stretch'): regions:" in messages
    assert "Record 3 (slug 'Not A Slug'): slug: must be lowercase" in messages
    assert "Record 3 (slug 'Not A Slug'): name: is required" in messages
    assert Exercise.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not valid JSON"),
        (json.dumps({"format": "other"}), "not a Mend exercise file"),
        (json.dumps({"format": "mend-exercises", "version": 9, "exercises": []}), "version 9"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("import", str(path))


def test_duplicate_slugs_in_one_file_are_reported() -> None:
    record = starter.EXERCISES[0]
    _, errors = library_io.validate([record, record])
    assert errors == ["Record 2 (slug 'standing-hamstring-stretch'): slug: also used by record 1"]


def test_equipment_is_created_once_by_name() -> None:
    library_io.import_records([starter.EXERCISES[1], starter.EXERCISES[2]])  # both use a wall
    assert list(Equipment.objects.values_list("name", flat=True)) == ["Wall"]


# wger.

WGER_EXPORT = {
    "count": 3,
    "results": [
        {
            "id": 91,
            "uuid": "0d2c6b4e-0000-4000-8000-000000000091",
            "category": {"id": 14, "name": "Calves"},
            "muscles": [{"id": 7, "name": "Gastrocnemius", "name_en": "Calves"}],
            "muscles_secondary": [{"id": 15, "name": "Soleus", "name_en": ""}],
            "equipment": [{"id": 3, "name": "Dumbbell"}],
            "license": {
                "id": 2,
                "full_name": "Creative Commons Attribution Share Alike 4",
                "short_name": "CC-BY-SA 4",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/deed.en",
            },
            "license_author": "base-author",
            "translations": [
                {
                    "id": 1,
                    "name": "Wadenheben",
                    "language": 1,
                    "description": "<p>Hoch.</p>",
                    "license_author": "de-author",
                },
                {
                    "id": 2,
                    "name": "Calf Raises",
                    "language": 2,
                    "license_author": "Ana López",
                    "aliases": [{"id": 5, "alias": "Heel raises"}],
                    "description": "<p>Stand on a step.</p><ol><li>Rise up.</li>"
                    "<li>Lower &amp; repeat.</li></ol>",
                },
            ],
        },
        {
            "id": 92,
            "uuid": "0d2c6b4e-0000-4000-8000-000000000092",
            "category": {"id": 10, "name": "Abs"},
            "muscles": [],
            "equipment": [],
            "license": {"id": 2, "short_name": "CC-BY-SA 4", "url": ""},
            "license_author": "x",
            "translations": [{"id": 3, "name": "Crunch", "language": 1, "description": ""}],
        },
    ],
}


def test_wger_import_keeps_licence_and_author_and_skips_other_languages(
    tmp_path: Path,
) -> None:
    output, _ = run("import", write(tmp_path, WGER_EXPORT), "--from", "wger", "--quiet")
    exercise = Exercise.objects.get(source="wger")

    assert "1 created, 0 updated, 1 skipped." in output
    assert "skipped  wger 0d2c6b4e-0000-4000-8000-000000000092: no English text" in output
    assert exercise.name == "Calf Raises" and exercise.slug == "calf-raises-wger"
    assert exercise.licence == "CC-BY-SA 4" and exercise.author == "Ana López"
    assert exercise.licence_url.startswith("https://creativecommons.org/licenses/by-sa/4.0")
    assert exercise.source_id == "0d2c6b4e-0000-4000-8000-000000000091"
    assert exercise.step_list == ["Stand on a step.", "Rise up.", "Lower & repeat."]
    assert exercise.alias_list == ["Heel raises"]
    assert [r.slug for r in exercise.regions.all()] == ["calf-achilles"]

    again, _ = run("import", write(tmp_path, WGER_EXPORT), "--from", "wger", "--quiet")
    assert "0 created, 0 updated, 2 skipped." in again


def test_wger_entry_without_a_licence_stops_the_import(tmp_path: Path) -> None:
    data = copy.deepcopy(WGER_EXPORT)
    del data["results"][0]["license"]
    with pytest.raises(CommandError, match="nothing was imported"):
        run("import", write(tmp_path, data), "--from", "wger", "--quiet")
    assert not Exercise.objects.exists()


def test_wger_description_lines() -> None:
    html = "<p>One<br>two</p>\n<ul><li> three </li></ul>plain"
    assert wger.description_lines(html) == ["One", "two", "three", "plain"]
