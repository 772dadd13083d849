"""Every learner URL checks the enrolment: a stranger gets 404, an anonymous reader is
asked to sign in, a learner whose access ended is told so; the pages are no-store."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mend.accounts.models import User
from mend.courses import services
from mend.courses.models import CourseQuestionnaire, Enrolment, LessonProgress
from tests.courses.conftest import NOW


def learner_urls(enrolment: Enrolment) -> list[tuple[str, str]]:
    slug = enrolment.course.slug
    row = CourseQuestionnaire.objects.filter(enrolment=enrolment).first()
    assert row is not None
    return [
        ("get", reverse("courses:course", args=[slug])),
        ("get", reverse("courses:resume", args=[slug])),
        ("get", reverse("courses:certificate", args=[slug])),
        ("get", reverse("courses:questionnaire", args=[slug, row.pk])),
        ("get", reverse("courses:lesson", args=[slug, "welcome"])),
        ("post", reverse("courses:exercises", args=[slug, "moving-again"])),
        ("post", reverse("courses:done", args=[slug, "welcome"])),
    ]


def test_stranger_gets_404_on_every_learner_url(
    client: Client, stranger: User, enrolment: Enrolment
) -> None:
    client.force_login(stranger)
    for method, url in learner_urls(enrolment):
        assert getattr(client, method)(url).status_code == 404, url
    assert not LessonProgress.objects.exists()


def test_anonymous_reader_is_sent_to_sign_in(client: Client, enrolment: Enrolment) -> None:
    for method, url in learner_urls(enrolment):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_clinician_of_the_learner_sees_no_learner_pages(
    client: Client, clinician: User, enrolment: Enrolment
) -> None:
    # The learner's pages are the learner's own, even for a clinician who may see progress.
    client.force_login(clinician)
    assert client.get(reverse("courses:course", args=["low-back"])).status_code == 404


def test_learner_pages_are_no_store(client: Client, patient: User, enrolment: Enrolment) -> None:
    client.force_login(patient)
    for url in (
        reverse("courses:course", args=["low-back"]),
        reverse("courses:lesson", args=["low-back", "welcome"]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_unknown_lesson_is_404(client: Client, patient: User, enrolment: Enrolment) -> None:
    client.force_login(patient)
    assert client.get(reverse("courses:lesson", args=["low-back", "nope"])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_pages_refuse_other_methods(
    client: Client, patient: User, enrolment: Enrolment, method: str
) -> None:
    client.force_login(patient)
    url = reverse("courses:course", args=["low-back"])
    assert getattr(client, method)(url).status_code == 405


def test_actions_refuse_get(client: Client, patient: User, enrolment: Enrolment) -> None:
    client.force_login(patient)
    assert client.get(reverse("courses:done", args=["low-back", "welcome"])).status_code == 405
    assert client.get(reverse("courses:join", args=["low-back"])).status_code == 405


def test_revoked_learner_is_told_access_ended(
    client: Client, patient: User, enrolment: Enrolment
) -> None:
    services.revoke(enrolment, now=NOW)
    client.force_login(patient)

    for method, url in learner_urls(enrolment):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    html = client.get(reverse("courses:course", args=["low-back"])).content.decode()
    assert "Your access to this course has ended" in html
    assert "The text of" not in html


def test_visible_to(
    patient: User, stranger: User, clinician: User, enrolment: Enrolment, make_user
) -> None:
    from mend.care import services as care

    assert list(Enrolment.objects.visible_to(patient)) == [enrolment]
    assert not Enrolment.objects.visible_to(stranger).exists()
    assert not Enrolment.objects.visible_to(clinician).exists()
    care.open_or_join(patient=patient, clinician=clinician, now=NOW, source="admin")
    assert list(Enrolment.objects.visible_to(clinician)) == [enrolment]
    services.mark_done(enrolment, enrolment.course.lessons().get(slug="welcome"), now=NOW)
    assert LessonProgress.objects.visible_to(clinician).count() == 1
    assert not LessonProgress.objects.visible_to(stranger).exists()
