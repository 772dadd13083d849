"""The public exercise library, the back office and the exercise block in articles."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client

from mend.accounts.models import User
from mend.content.models import ArticlePage
from mend.core.pagecache import CACHE_HEADER, PageCacheApp
from mend.exercises import links
from mend.exercises.models import Exercise
from tests.wsgi import wsgi_get

MakeExercise = Callable[..., Exercise]


def names(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/exercises/[^"]+/">([^<]+)</a></h2>', html)


@pytest.fixture
def library(make_exercise: MakeExercise) -> list[Exercise]:
    slugs = [
        "standing-hamstring-stretch",
        "straight-knee-calf-stretch",
        "heel-raise-floor",
        "seated-calf-raise",
        "glute-bridge",
        "sit-to-stand",
    ]
    return [make_exercise(slug) for slug in slugs]


def test_library_lists_exercises_with_the_licence_note(client: Client, library) -> None:
    html = client.get("/exercises/").content.decode()

    assert names(html) == sorted(e.name for e in library)
    assert "CC BY 4.0" in html and 'href="https://creativecommons.org/licenses/by/4.0/"' in html


def test_library_search_finds_names_aliases_and_tags(client: Client, library) -> None:
    found = names(client.get("/exercises/?q=calf+raise").content.decode())
    assert found[0] == "Seated calf raise" and "Sit to stand" not in found
    assert names(client.get("/exercises/?q=bridging").content.decode()) == ["Glute bridge"]
    assert "No exercise matches" in client.get("/exercises/?q=zzzqqq").content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=knee", ["Sit to stand"]),
        ("purpose=stretch", ["Standing hamstring stretch", "Straight-knee calf stretch"]),
        ("equipment=chair", ["Seated calf raise", "Sit to stand"]),
        ("tag=hamstring", ["Standing hamstring stretch"]),
        (
            "region=calf-achilles&purpose=strengthen",
            ["Heel raise on the floor", "Seated calf raise"],
        ),
    ],
)
def test_library_filters(client: Client, library, query: str, expected: list[str]) -> None:
    assert names(client.get(f"/exercises/?{query}").content.decode()) == expected


def test_an_unknown_filter_is_reported_at_its_field_and_ignored(client: Client, library) -> None:
    response = client.get("/exercises/?region=nowhere&q=" + "x" * 300)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Choose a region from the list." in html
    assert 'aria-describedby="filter-region_error"' in html
    assert "Search for at most 200 characters." in html
    assert len(names(html)) == len(library)


def test_detail_page_shows_the_exercise_as_data(client: Client, stretch: Exercise) -> None:
    response = client.get("/exercises/standing-hamstring-stretch/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<li>Hinge forward from the hips so your chest moves toward the floor.</li>" in html
    assert "Dosage:</strong> 2 reps · hold 30 s each rep · each leg" in html
    assert "Curling the back to reach further: not harmful" in html
    assert "Pain where the Achilles meets the heel bone" in html  # the insertional warning
    assert "Thigh and hamstring" in html and "Calf and Achilles" in html
    assert 'rel="license">CC-BY-4.0</a>' in html and "Mend contributors" in html
    assert 'href="/exercises/standing-hamstring-stretch/start/"' in html
    assert response[CACHE_HEADER] == "store"


def test_imported_exercise_names_its_source_licence_and_author(
    client: Client, make_exercise: MakeExercise
) -> None:
    make_exercise(
        "glute-bridge",
        slug="bridge-wger",
        source="wger",
        source_id="abc-1",
        source_url="https://wger.de/",
        licence="CC-BY-SA 4",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        author="Jane Doe",
    )
    html = client.get("/exercises/bridge-wger/").content.decode()

    assert 'From <a href="https://wger.de/">wger</a>, by Jane Doe' in html
    assert 'rel="license">CC-BY-SA 4</a>' in html


def test_unknown_exercise_is_404(client: Client, db: None) -> None:
    assert client.get("/exercises/nope/").status_code == 404


def test_library_pages_take_get_only(client: Client, stretch: Exercise) -> None:
    assert client.post("/exercises/").status_code == 405
    assert client.post("/exercises/standing-hamstring-stretch/").status_code == 405


# The back office.


def test_editor_finds_and_edits_an_exercise_in_the_admin(
    client: Client, editor: User, stretch: Exercise
) -> None:
    client.force_login(editor)
    listing = client.get("/admin/snippets/exercises/exercise/?q=hamstring")
    assert listing.status_code == 200 and "Standing hamstring stretch" in listing.content.decode()

    edit_url = f"/admin/snippets/exercises/exercise/edit/{stretch.pk}/"
    form = client.get(edit_url)
    assert form.status_code == 200
    assert 'name="hold_s"' in form.content.decode()  # the dosage as fields, not JSON
    data = _admin_data(stretch, hold_s="20", hold_max_s="40")
    response = client.post(edit_url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    stretch.refresh_from_db()
    assert stretch.default_dosage["hold_s"] == 20 and stretch.default_dosage["hold_max_s"] == 40


def test_admin_reports_a_bad_dosage_at_its_field_and_saves_nothing(
    client: Client, editor: User, stretch: Exercise
) -> None:
    client.force_login(editor)
    edit_url = f"/admin/snippets/exercises/exercise/edit/{stretch.pk}/"
    response = client.post(edit_url, _admin_data(stretch, hold_s="90", hold_max_s="30"))

    assert response.status_code == 200
    assert "The shortest hold must not be longer than the longest." in response.content.decode()
    stretch.refresh_from_db()
    assert stretch.default_dosage["hold_s"] == 30


def _admin_data(exercise: Exercise, **dosage: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": exercise.name,
        "slug": exercise.slug,
        "aliases": exercise.aliases,
        "summary": exercise.summary,
        "regions": [r.pk for r in exercise.regions.all()],
        "purpose": exercise.purpose,
        "equipment": [],
        "tags": "hamstring",
        "steps": exercise.steps,
        "cues": "",
        "mistakes": "",
        "precautions": "",
        "video_url": "",
        "video_title": "",
        "evidence": "",
        "sources": "",
        "source": exercise.source,
        "source_url": "",
        "source_id": "",
        "author": exercise.author,
        "licence": exercise.licence,
        "licence_url": exercise.licence_url,
        "sides": "each",
        "side_label": "leg",
        "activity_label": "activity",
        "pain_max_during": "5",
        "pain_settle": "on",
        "reps": "2",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(dosage)
    return data


def test_patients_cannot_reach_the_admin(client: Client, patient: User) -> None:
    client.force_login(patient)
    response = client.get("/admin/snippets/exercises/exercise/")
    assert response.status_code in (302, 403)


# The exercise block in an article.


def test_article_block_shows_the_exercise_with_the_article_dosage(
    client: Client, make_article, stretch: Exercise
) -> None:
    dosage = {
        "hold_s": 30,
        "hold_max_s": 60,
        "sides": "each",
        "side_label": "leg",
        "hold_movement": "gently turn the leg in and out",
        "timing": ["before_activity", "after_activity"],
        "activity_label": "runs",
    }
    article: ArticlePage = make_article(
        "Achilles", body=[("exercise", {"exercise": stretch, "dosage": dosage})]
    )
    html = client.get(article.url).content.decode()

    assert "<li>Press the front heel down into the floor: straight down, not forward.</li>" in html
    assert (
        "Hold 30–60 s · each leg · gently turn the leg in and out while holding · "
        "before and after runs"
    ) in html
    start = re.search(r'href="(/exercises/standing-hamstring-stretch/start/\?[^"]+)"', html)
    assert start is not None
    token = parse_qs(urlsplit(start.group(1).replace("&amp;", "&")).query)[links.PARAM][0]
    assert links.dosage_from_token(token).hold_max_s == 60


def test_article_block_without_override_uses_the_library_dosage(
    client: Client, make_article, stretch: Exercise
) -> None:
    article = make_article("Stretch", body=[("exercise", {"exercise": stretch, "dosage": {}})])
    html = client.get(article.url).content.decode()

    assert "2 reps · hold 30 s each rep · each leg" in html
    assert 'href="/exercises/standing-hamstring-stretch/start/"' in html


def test_block_refuses_an_impossible_dosage() -> None:
    from wagtail.blocks import StructBlockValidationError

    from mend.exercises.blocks import DosageBlock

    block = DosageBlock()
    value = block.to_python({"hold_s": 60, "hold_max_s": 30})
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(value)
    assert "hold_max_s" in caught.value.block_errors


def test_editing_an_exercise_retires_cached_pages(stretch: Exercise) -> None:
    app = PageCacheApp(get_wsgi_application())
    path = "/exercises/standing-hamstring-stretch/"
    wsgi_get(app, path)  # now cached for anonymous readers
    stretch.summary = "A brand new summary."
    stretch.save()

    assert "A brand new summary." in wsgi_get(app, path).text


def test_editors_get_the_exercise_block_in_the_page_editor(
    client: Client, editor: User, make_article, stretch: Exercise
) -> None:
    article = make_article("With block", body=[("exercise", {"exercise": stretch, "dosage": {}})])
    client.force_login(editor)
    response = client.get(f"/admin/pages/{article.pk}/edit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Exercise from the library" in html and "Dosage for this article (optional)" in html


def test_editor_adds_an_exercise_in_the_admin(client: Client, editor: User, stretch) -> None:
    client.force_login(editor)
    template = Exercise(
        name="Towel calf stretch",
        slug="towel-calf-stretch",
        purpose="stretch",
        steps="Sit with legs out.\nLoop a towel round the foot.\nPull gently.",
    )
    data = _admin_data(template, hold_s="30")
    data.update(regions=[stretch.regions.first().pk], tags="calf", author="Dr. Ada Reyes")

    response = client.post("/admin/snippets/exercises/exercise/add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    created = Exercise.objects.get(slug="towel-calf-stretch")
    assert created.step_list == [
        "Sit with legs out.",
        "Loop a towel round the foot.",
        "Pull gently.",
    ]
    assert created.dosage.describe() == "2 reps · hold 30 s each rep · each leg"
    assert [tag.name for tag in created.tags.all()] == ["calf"]
    assert created.regions.count() == 1


def test_an_exercise_used_in_a_program_cannot_be_deleted(
    client: Client, editor: User, make_program, stretch: Exercise, heel_drop: Exercise
) -> None:
    make_program(stretch)
    client.force_login(editor)
    response = client.post(f"/admin/snippets/exercises/exercise/delete/{stretch.pk}/", follow=True)

    assert response.status_code == 200
    assert "used in patients&#x27; programs, so it cannot be deleted" in response.content.decode()
    assert Exercise.objects.filter(pk=stretch.pk).exists()
    client.post(f"/admin/snippets/exercises/exercise/delete/{heel_drop.pk}/")
    assert not Exercise.objects.filter(pk=heel_drop.pk).exists()  # unused: deleted
