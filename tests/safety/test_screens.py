"""Screens as versioned data: the shipped set, editing in the back office, the public page,
who sees answers, and what a positive answer sets off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode, Flag
from mend.safety import services
from mend.safety.models import Screen, ScreenResult

pytestmark = pytest.mark.django_db

# 09:00 on Wednesday 4 November 2026, UTC.
NOW = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
CONDITION_NAMES = ("rupture", "thrombosis", "dvt", "cauda", "aneurysm", "sepsis", "syndrome")


def answers(screen: Screen, **positive: str) -> dict[str, str]:
    return {q.key: positive.get(q.key.replace("-", "_"), "no") for q in screen.question_list()}


@pytest.fixture
def calf() -> Screen:
    return Screen.objects.get(slug="achilles-calf")


@pytest.fixture
def episode(patient: User, clinician: User) -> Episode:
    return care.open_or_join(patient=patient, clinician=clinician, now=NOW, source="admin")


def test_the_shipped_screens_are_there_and_valid() -> None:
    shipped = services.shipped.document()
    assert services.check_document(shipped) == []
    regions = dict(Screen.objects.values_list("slug", "region"))
    assert regions == {
        "achilles-calf": "calf-achilles", "low-back": "low-back", "knee": "knee", "general": "",
    }  # fmt: skip
    for screen in Screen.objects.all():
        assert screen.source_list(), f"{screen.slug} carries its sources"
        for question in screen.question_list():
            assert not any(name in question.text.lower() for name in CONDITION_NAMES), question


def test_the_screens_ask_what_the_review_asked_for() -> None:
    def text(slug: str) -> str:
        return " ".join(q.text for q in Screen.objects.get(slug=slug).question_list()).lower()

    calf, back, knee = text("achilles-calf"), text("low-back"), text("knee")
    for sign in ("pop", "tiptoe", "gap or dent", "one calf swollen", "fever", "ciprofloxacin",
                 "steroid", "wake you at night", "numbness"):  # fmt: skip
        assert sign in calf
    for sign in ("passing urine", "when you wipe", "both legs", "tearing", "inject drugs",
                 "immune", "after the age of 50", "cancer", "fall"):  # fmt: skip
        assert sign in back
    assert "child or teenager" in knee and "limp" in knee


def test_loading_adds_what_is_missing_and_never_changes_a_clinics_screen(calf: Screen) -> None:
    calf.name = "Our calf questions"
    calf.save()
    Screen.objects.filter(slug="knee").delete()

    assert services.load_screens() == ["knee"]
    assert services.load_screens() == []
    assert Screen.objects.get(slug="achilles-calf").name == "Our calf questions"


def test_a_bad_screens_document_is_refused_whole() -> None:
    bad = {"screens": [{"slug": "x", "name": "X", "region": "moon", "questions": []}]}
    with pytest.raises(services.SafetyError, match="unknown region"):
        services.load_screens(bad)
    assert not Screen.objects.filter(slug="x").exists()


def test_the_screen_for_a_region_falls_back_to_the_general_one(calf: Screen) -> None:
    assert services.screen_for(["thigh-hamstring", "calf-achilles"]) == calf
    assert services.screen_for(["shoulder"]).slug == "general"
    calf.is_active = False
    calf.save()
    assert services.screen_for(["calf-achilles"]).slug == "general"


# The public page (the guide)


def test_anyone_can_answer_a_screen_and_sees_the_advice_for_its_level(
    client: Client, calf: Screen
) -> None:
    page = client.get("/safety/achilles-calf/").content.decode()
    assert "sudden pop or snap" in page and 'value="unsure"' in page

    response = client.post("/safety/achilles-calf/", answers(calf, pop="unsure"))

    html = response.content.decode()
    assert response.status_code == 200 and "Get medical care today" in html
    assert "sudden pop or snap" in html  # what they answered, repeated
    assert "cannot tell what is causing your symptoms" in html
    assert not ScreenResult.objects.exists()  # an anonymous reader's answers are not kept
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("positive", "heading", "extra"),
    [
        ({"chest_breath": "yes"}, "Call 911 now", 'href="tel:911"'),
        ({"night": "yes"}, "See a physical therapist or doctor in the next few days", "/book/"),
        ({}, "Nothing in your answers needs care first", "/book/"),
    ],
)
def test_each_level_has_its_advice(
    client: Client, calf: Screen, positive: dict[str, str], heading: str, extra: str
) -> None:
    html = client.post("/safety/achilles-calf/", answers(calf, **positive)).content.decode()
    assert heading in html and extra in html


def test_an_unanswered_question_gets_a_message_at_it_and_nothing_is_kept(
    client: Client, patient: User, calf: Screen
) -> None:
    client.force_login(patient)
    given = answers(calf)
    del given["gap"]

    response = client.post("/safety/achilles-calf/", given)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_gap_0"' in html or 'href="#id_gap"' in html
    assert "Answer this question: yes, no or not sure." in html
    assert not ScreenResult.objects.exists()


def test_a_signed_in_readers_answers_are_their_own_and_flag_nobody(
    client: Client, patient: User, episode: Episode, calf: Screen
) -> None:
    client.force_login(patient)
    client.post("/safety/achilles-calf/", answers(calf, pop="yes"))

    result = ScreenResult.objects.get()
    assert (result.patient, result.episode, result.level) == (patient, None, "urgent")
    assert result.purpose == ScreenResult.Purpose.GUIDE and not Flag.objects.exists()
    assert "sudden pop" in client.get("/me/safety/").content.decode()


def test_an_inactive_or_unknown_screen_is_404(client: Client, calf: Screen) -> None:
    calf.is_active = False
    calf.save()
    assert client.get("/safety/achilles-calf/").status_code == 404
    assert client.get("/safety/nope/").status_code == 404
    assert client.put("/safety/general/").status_code == 405


# Recording, flags and the clinician


def test_a_positive_answer_in_an_episode_flags_it_and_emails_the_clinician_once(
    patient: User,
    clinician: User,
    episode: Episode,
    calf: Screen,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = services.record(
            patient=patient, screen=calf, answers=answers(calf, pop="unsure", night="yes"),
            purpose="routine", episode=episode, now=NOW,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.record(
            patient=patient, screen=calf, answers=answers(calf, gap="yes"), purpose="routine",
            episode=episode, now=NOW,
        )  # fmt: skip

    assert result.level == "urgent"
    assert [item["key"] for item in result.positive_answers()] == ["pop", "night"]
    flag = Flag.objects.get()  # once per cause until cleared
    assert flag.cause == Flag.Cause.RED_FLAG and "sudden pop" in flag.detail
    assert flag.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [clinician.email]
    assert "pop" not in message.body and patient.email not in message.body
    assert f"#episode-{episode.pk}" in message.body


def test_all_no_flags_nothing(patient: User, episode: Episode, calf: Screen) -> None:
    result = services.record(
        patient=patient, screen=calf, answers=answers(calf), purpose="routine", episode=episode,
        now=NOW,
    )  # fmt: skip
    assert result.is_clear and not Flag.objects.exists() and not mail.outbox


def test_answers_are_refused_for_someone_elses_episode_and_without_an_account(
    stranger: User, episode: Episode, calf: Screen
) -> None:
    with pytest.raises(services.SafetyError, match="not yours"):
        services.record(
            patient=stranger, screen=calf, answers=answers(calf), purpose="routine",
            episode=episode, now=NOW,
        )  # fmt: skip
    with pytest.raises(services.SafetyError, match="Sign in"):
        services.record(patient=None, screen=calf, answers=answers(calf), purpose="guide", now=NOW)
    assert not ScreenResult.objects.exists()


def test_who_sees_a_result(
    client: Client, patient: User, clinician: User, other_clinician: User, stranger: User,
    episode: Episode, calf: Screen,
) -> None:  # fmt: skip
    result = services.record(
        patient=patient, screen=calf, answers=answers(calf, pop="yes"), purpose="routine",
        episode=episode, now=NOW,
    )  # fmt: skip
    private = services.record(
        patient=patient, screen=calf, answers=answers(calf), purpose="guide", now=NOW
    )
    assert set(ScreenResult.objects.visible_to(patient)) == {result, private}
    assert set(ScreenResult.objects.visible_to(clinician)) == {result}
    assert not ScreenResult.objects.visible_to(other_clinician).exists()
    assert not ScreenResult.objects.visible_to(stranger).exists()

    url = f"/clinic/care/{episode.pk}/safety/"
    client.force_login(clinician)
    page = client.get(url)
    assert page.status_code == 200 and "sudden pop" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    for outsider in (other_clinician, stranger):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get("/me/safety/").status_code == 302


def test_the_clinic_page_links_a_red_flag_to_its_answers(
    client: Client, patient: User, clinician: User, episode: Episode, calf: Screen
) -> None:
    services.record(
        patient=patient, screen=calf, answers=answers(calf, pop="yes"), purpose="routine",
        episode=episode, now=NOW,
    )  # fmt: skip
    client.force_login(clinician)
    html = client.get("/clinic/care/").content.decode()
    assert "Red-flag screen answered yes or not sure" in html
    assert f'href="/clinic/care/{episode.pk}/safety/"' in html


# Versions


def test_editing_a_screen_in_the_admin_makes_a_new_version_and_old_answers_keep_theirs(
    admin_client: Client, patient: User, calf: Screen
) -> None:
    before = services.record(
        patient=patient, screen=calf, answers=answers(calf), purpose="guide", now=NOW
    )
    questions = [
        {"id": q.pk, "text": q.text, "level": q.level, "hint": q.hint, "key": q.key}
        for q in calf.questions.all()
    ]
    questions[0]["text"] = "Since the pain began, any chest pain or breathlessness?"
    data = nested_form_data(
        {
            "name": calf.name, "slug": calf.slug, "region": calf.region, "is_active": "on",
            "intro": calf.intro, "sources": calf.sources,
            "questions": inline_formset(questions, initial=len(questions), min=1),
        }
    )  # fmt: skip

    response = admin_client.post(f"/admin/safety_screens/edit/{calf.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    calf.refresh_from_db()
    assert calf.version == 2
    assert calf.question_list()[0].text.startswith("Since the pain began, any chest pain")
    after = services.record(
        patient=patient, screen=calf, answers=answers(calf), purpose="guide", now=NOW
    )
    before.refresh_from_db()
    assert (before.screen_version, after.screen_version) == (1, 2)
    assert before.asked[0]["text"].startswith("Since the leg pain began, have you had chest pain")
    assert after.asked[0]["text"].startswith("Since the pain began, any chest pain")


def test_saving_a_screen_unchanged_keeps_its_version(admin_client: Client, calf: Screen) -> None:
    questions = [
        {"id": q.pk, "text": q.text, "level": q.level, "hint": q.hint, "key": q.key}
        for q in calf.questions.all()
    ]
    data = nested_form_data(
        {
            "name": calf.name, "slug": calf.slug, "region": calf.region, "is_active": "on",
            "intro": calf.intro, "sources": calf.sources,
            "questions": inline_formset(questions, initial=len(questions), min=1),
        }
    )  # fmt: skip
    assert admin_client.post(f"/admin/safety_screens/edit/{calf.pk}/", data).status_code == 302
    calf.refresh_from_db()
    assert calf.version == 1


def test_a_second_active_screen_for_a_region_is_refused(admin_client: Client) -> None:
    data = nested_form_data(
        {
            "name": "Another calf", "slug": "another-calf", "region": "calf-achilles",
            "is_active": "on", "intro": "", "sources": "",
            "questions": inline_formset(
                [{"text": "Pain?", "level": "soon", "hint": "", "key": "p"}], min=1
            ),
        }
    )  # fmt: skip
    response = admin_client.post("/admin/safety_screens/new/", data)
    assert response.status_code == 200
    assert "Another active screen already covers this region." in response.content.decode()
    assert not Screen.objects.filter(slug="another-calf").exists()


def test_changing_a_screen_retires_cached_pages(calf: Screen) -> None:
    from mend.core import pagecache

    before = pagecache._generation()
    question = calf.questions.first()
    question.text = "Did it start with a sudden snap?"
    question.save()
    assert pagecache._generation() != before
