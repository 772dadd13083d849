"""Editors build courses in the Wagtail admin: a lesson is saved as a draft, and its slug
must be the only one in the course (the learner's address has no module in it)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from wagtail.test.utils.form_data import nested_form_data, streamfield

from mend.accounts.models import User
from mend.courses.models import CoursePage, LessonPage


def lesson_form(slug: str, **extra: Any) -> dict[str, Any]:
    return nested_form_data(
        {
            "title": "Another lesson",
            "slug": slug,
            "summary": "",
            "body": streamfield([]),
            "video_url": "",
            "video_title": "",
            "release_rule": "enrolment",
            "release_days": "0",
            "release_date": "",
            **extra,
        }
    )


def test_editor_adds_a_lesson_as_a_draft_and_a_slug_used_in_the_course_is_refused(
    client: Client, editor: User, course: CoursePage
) -> None:
    second_module = course.modules()[1]
    client.force_login(editor)
    url = f"/admin/pages/add/courses/lessonpage/{second_module.pk}/"

    refused = client.post(url, lesson_form("welcome"))  # the first module has "welcome"
    client.post(url, lesson_form("stretching"))

    assert refused.status_code == 200
    assert "Another lesson of this course has this slug." in refused.content.decode()
    draft = LessonPage.objects.get(slug="stretching")
    assert not draft.live
    assert LessonPage.objects.filter(slug="welcome").count() == 1


def test_a_dated_lesson_needs_its_date(client: Client, editor: User, course: CoursePage) -> None:
    client.force_login(editor)
    module = course.modules()[0]
    url = f"/admin/pages/add/courses/lessonpage/{module.pk}/"

    response = client.post(url, lesson_form("dated", release_rule="date"))

    assert response.status_code == 200
    assert "Choose the date the lesson opens." in response.content.decode()
    assert not LessonPage.objects.filter(slug="dated").exists()
