"""The pages: answering at /me/outcomes/, results with charts, the clinician's episode page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode
from mend.outcomes.models import Response, Schedule, TextPack

from .conftest import NOW, discharge, lefs_answers

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"


@pytest.fixture(autouse=True)
def clock(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def as_patient(client: Client, patient: User) -> Client:
    client.force_login(patient)
    return client


@pytest.fixture
def as_clinician(client: Client, clinician: User) -> Client:
    client.force_login(clinician)
    return client


def baseline_of(schedule: Schedule) -> Response:
    return schedule.responses.get(timepoint="baseline")


def stored() -> list[tuple[object, ...]]:
    return list(Response.objects.values_list("pk", "answered_at", "answers", "psfs_activities"))


# The patient's questionnaires


def test_my_outcomes_lists_what_is_due(as_patient: Client, attach: Callable[..., Schedule]) -> None:
    baseline = baseline_of(attach("nprs"))

    page = as_patient.get("/me/outcomes/")

    assert page.status_code == 200
    assert page["Cache-Control"] == NO_STORE
    assert f'href="/me/outcomes/{baseline.pk}/"' in page.content.decode()


def test_nprs_is_a_fieldset_of_eleven_labelled_radios(
    as_patient: Client, attach: Callable[..., Schedule]
) -> None:
    baseline = baseline_of(attach("nprs"))

    page = as_patient.get(f"/me/outcomes/{baseline.pk}/")
    html = page.content.decode()

    assert page.status_code == 200
    assert page["Cache-Control"] == NO_STORE
    assert "<legend>How much pain do you have right now?" in html
    assert len(re.findall(r'<input type="radio" name="pain"', html)) == 11
    assert (
        '<label for="id_pain_0" class="anchored"><input type="radio" name="pain" value="0"' in html
    )
    assert "0: no pain</label>" in html
    assert '<label for="id_pain_5"><input type="radio" name="pain" value="5"' in html
    assert f'action="/me/outcomes/{baseline.pk}/answer/"' in html
    assert "<script" not in html.split("<main", 1)[1]  # the form needs no JavaScript


def test_answering_stores_the_score_and_shows_it_on_a_chart(
    as_patient: Client, attach: Callable[..., Schedule]
) -> None:
    baseline = baseline_of(attach("nprs"))

    answered = as_patient.post(f"/me/outcomes/{baseline.pk}/answer/", {"pain": "6"})

    assert answered.status_code == 303
    assert answered["Location"] == "/me/outcomes/"
    baseline.refresh_from_db()
    assert (baseline.answers, baseline.scores) == ({"pain": 6}, {"total": 6.0})
    results = as_patient.get("/me/outcomes/").content.decode()
    assert 'role="img"' in results
    assert "<td>6</td>" in results
    assert "Higher is worse" in results


def test_a_follow_up_is_shown_with_its_meaning(
    as_patient: Client, attach: Callable[..., Schedule], patient: User, clock: TimeMachineFixture
) -> None:
    schedule = attach("nprs")
    as_patient.post(f"/me/outcomes/{baseline_of(schedule).pk}/answer/", {"pain": "6"})
    clock.move_to(NOW + dt.timedelta(weeks=6), tick=False)
    as_patient.force_login(patient)  # the first session has expired by now
    week_6 = schedule.responses.get(timepoint="week-6")

    as_patient.post(f"/me/outcomes/{week_6.pk}/answer/", {"pain": "3"})

    results = as_patient.get("/me/outcomes/").content.decode()
    assert "<td>-3</td><td>meaningful improvement</td>" in results
    assert "At the week 6 review:</strong> meaningful improvement" in results


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"pain": "11"}, "Choose one of the answers listed."),
        ({"pain": "x"}, "Choose one of the answers listed."),
        ({}, "Answer at least one question."),
    ],
)
def test_bad_input_is_shown_at_the_field_and_stores_nothing(
    as_patient: Client, attach: Callable[..., Schedule], data: dict[str, str], says: str
) -> None:
    baseline = baseline_of(attach("nprs"))
    before = stored()

    page = as_patient.post(f"/me/outcomes/{baseline.pk}/answer/", data)

    assert page.status_code == 400
    assert page["Cache-Control"] == NO_STORE
    assert says in page.content.decode()
    assert stored() == before


def test_an_error_sits_inside_its_question(
    as_patient: Client, attach: Callable[..., Schedule]
) -> None:
    baseline = baseline_of(attach("nprs"))

    html = as_patient.post(f"/me/outcomes/{baseline.pk}/answer/", {"pain": "11"}).content.decode()

    question = html[html.index('<fieldset class="field choices') : html.index("</fieldset>")]
    assert 'id="id_pain_error"' in question and 'aria-invalid="true"' in question
    assert 'href="#id_pain"' in html  # the summary links to it


def test_an_answered_questionnaire_says_so_and_takes_no_second_answer(
    as_patient: Client, attach: Callable[..., Schedule]
) -> None:
    baseline = baseline_of(attach("nprs"))
    as_patient.post(f"/me/outcomes/{baseline.pk}/answer/", {"pain": "6"})

    assert "You answered this on" in as_patient.get(f"/me/outcomes/{baseline.pk}/").content.decode()
    again = as_patient.post(f"/me/outcomes/{baseline.pk}/answer/", {"pain": "2"})
    assert again.status_code == 409
    assert Response.objects.get(pk=baseline.pk).answers == {"pain": 6}


def test_an_upcoming_questionnaire_has_no_form(
    as_patient: Client, attach: Callable[..., Schedule]
) -> None:
    week_2 = attach("nprs").responses.get(timepoint="week-2")

    html = as_patient.get(f"/me/outcomes/{week_2.pk}/").content.decode()

    assert "not open yet" in html and '<form class="outcome-form"' not in html
    assert as_patient.post(f"/me/outcomes/{week_2.pk}/answer/", {"pain": "2"}).status_code == 409


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/me/outcomes/{pk}/"),
        ("get", "/me/outcomes/{pk}/answer/"),
        ("delete", "/me/outcomes/"),
    ],
)
def test_wrong_methods_are_405(
    as_patient: Client, attach: Callable[..., Schedule], method: str, url: str
) -> None:
    baseline = baseline_of(attach("nprs"))

    assert getattr(as_patient, method)(url.format(pk=baseline.pk)).status_code == 405


# PSFS


def test_psfs_baseline_names_and_rates_activities(
    as_patient: Client, attach: Callable[..., Schedule], clock: TimeMachineFixture, patient: User
) -> None:
    schedule = attach("psfs")
    baseline = baseline_of(schedule)
    form = as_patient.get(f"/me/outcomes/{baseline.pk}/").content.decode()
    assert 'name="activity_1"' in form and 'name="activity_5"' in form

    answered = as_patient.post(
        f"/me/outcomes/{baseline.pk}/answer/",
        {"activity_1": "Stairs", "a1": "3", "activity_2": "Running", "a2": "1",
         "activity_3": "Gardening", "a3": "5", "activity_4": "", "a4": "",
         "activity_5": "Kneeling", "a5": "2"},
    )  # fmt: skip

    assert answered.status_code == 303
    baseline.refresh_from_db()
    assert baseline.psfs_activities == ["Stairs", "Running", "Gardening", "Kneeling"]
    assert baseline.answers == {"a1": 3, "a2": 1, "a3": 5, "a4": 2}
    clock.move_to(NOW + dt.timedelta(weeks=2), tick=False)
    as_patient.force_login(patient)  # the first session has expired by now
    week_2 = schedule.responses.get(timepoint="week-2")
    follow_up = as_patient.get(f"/me/outcomes/{week_2.pk}/").content.decode()
    assert "<legend>Running: how well can you do it today?</legend>" in follow_up
    assert "Rate the activities you named the first time again" in follow_up
    assert "<legend>Kneeling: how well can you do it today?</legend>" in follow_up
    assert 'name="activity_1"' not in follow_up and 'name="a5"' not in follow_up


def test_a_psfs_rating_without_its_activity_is_refused_at_the_field(
    as_patient: Client, attach: Callable[..., Schedule]
) -> None:
    baseline = baseline_of(attach("psfs"))
    before = stored()

    page = as_patient.post(
        f"/me/outcomes/{baseline.pk}/answer/",
        {"activity_1": "Stairs", "a1": "3", "activity_2": "Running", "a2": "1",
         "activity_3": "Gardening", "a3": "5", "a4": "4"},
    )  # fmt: skip

    assert page.status_code == 400
    assert 'href="#id_activity_4"' in page.content.decode()
    assert "Name the activity you rated." in page.content.decode()
    assert stored() == before


def test_psfs_needs_three_activities_named(
    as_patient: Client, attach: Callable[..., Schedule]
) -> None:
    baseline = baseline_of(attach("psfs"))

    page = as_patient.post(
        f"/me/outcomes/{baseline.pk}/answer/", {"activity_1": "Stairs", "a1": "3"}
    )

    assert page.status_code == 400
    assert "Name an activity here: at least 3 are needed." in page.content.decode()
    assert 'href="#id_activity_3"' in page.content.decode()
    assert not Response.objects.filter(answered_at__isnull=False).exists()


# Licensed instruments


def test_a_licensed_form_shows_the_clinics_text_and_its_holder(
    as_patient: Client, attach: Callable[..., Schedule], lefs_pack: TextPack
) -> None:
    baseline = baseline_of(attach("lefs"))

    html = as_patient.get(f"/me/outcomes/{baseline.pk}/").content.decode()

    assert "<legend>Placeholder question i20.</legend>" in html
    assert "Placeholder answer 4</label>" in html
    assert "Questionnaire text © Example Holder" in html


def test_an_unscorable_answer_reads_cannot_be_scored_never_a_number(
    as_patient: Client, attach: Callable[..., Schedule], lefs_pack: TextPack
) -> None:
    baseline = baseline_of(attach("lefs"))
    data = {item: str(value) for item, value in lefs_answers(count=19).items()}

    answered = as_patient.post(f"/me/outcomes/{baseline.pk}/answer/", data, follow=True)

    html = answered.content.decode()
    assert "cannot be scored: 19 of 20 answered; needs all 20" in html
    assert "Week" not in re.sub(r"<[^>]+>", "", html.split("<tbody>")[1].split("</tbody>")[0])
    assert "×" in html  # drawn as a cross on the chart


def test_without_its_pack_a_licensed_questionnaire_is_not_shown(
    as_patient: Client, attach: Callable[..., Schedule], lefs_pack: TextPack
) -> None:
    baseline = baseline_of(attach("lefs"))
    lefs_pack.delete()
    before = stored()

    html = as_patient.get(f"/me/outcomes/{baseline.pk}/").content.decode()
    assert "not available yet" in html and "Placeholder" not in html
    data = {item: str(value) for item, value in lefs_answers().items()}
    assert as_patient.post(f"/me/outcomes/{baseline.pk}/answer/", data).status_code == 409
    assert stored() == before


# The clinician's episode page


def attach_data(**changes: str) -> dict[str, str]:
    data = {
        "instrument": "psfs",
        "at_baseline": "on",
        "follow_up_weeks": "2, 6, 12",
        "at_discharge": "on",
        "is_main": "on",
        "review_week": "6",
        "time_zone": "Europe/Berlin",
    }
    data.update(changes)
    return data


def test_the_clinician_sees_results_beside_the_attach_form(
    as_clinician: Client, attach: Callable[..., Schedule], episode: Episode, patient: User
) -> None:
    schedule = attach("nprs")
    Response.objects.filter(pk=baseline_of(schedule).pk).update(
        answered_at=NOW, answers={"pain": 7}, scores={"total": 7.0},
        instrument_version="mend-1 (right now)", scoring_version="1",
    )  # fmt: skip

    page = as_clinician.get(f"/clinic/outcomes/{episode.pk}/")
    html = page.content.decode()

    assert page.status_code == 200
    assert page["Cache-Control"] == NO_STORE
    assert "Numeric Pain Rating Scale" in html and "main measure" in html
    assert "<td>7</td>" in html
    assert "Ostelo 2008" in html
    assert f'action="/clinic/outcomes/{episode.pk}/measures/"' in html
    assert '<option value="nprs">' in html and '<option value="lefs">' not in html
    assert "waiting for their text pack" in html


def test_attaching_from_the_page_creates_the_schedule(
    as_clinician: Client, episode: Episode
) -> None:
    answered = as_clinician.post(f"/clinic/outcomes/{episode.pk}/measures/", attach_data())

    assert answered.status_code == 303
    assert answered["Location"] == f"/clinic/outcomes/{episode.pk}/"
    schedule = Schedule.objects.get()
    assert (schedule.instrument, schedule.follow_up_weeks, schedule.time_zone) == (
        "psfs",
        [2, 6, 12],
        "Europe/Berlin",
    )
    assert schedule.responses.count() == 5


@pytest.mark.parametrize(
    ("changes", "status", "says"),
    [
        ({"follow_up_weeks": "two, six"}, 400, "Give whole numbers of weeks"),
        ({"instrument": "odi"}, 400, "Choose one of the measures listed."),
        ({"review_week": "4"}, 409, "The review week must be one of the follow-up weeks."),
        ({"follow_up_weeks": "2, 2"}, 409, "Give each follow-up week once."),
    ],
)
def test_a_bad_schedule_is_shown_at_its_field_and_stores_nothing(
    as_clinician: Client, episode: Episode, changes: dict[str, str], status: int, says: str
) -> None:
    page = as_clinician.post(f"/clinic/outcomes/{episode.pk}/measures/", attach_data(**changes))

    assert page.status_code == status
    assert says in page.content.decode()
    assert not Schedule.objects.exists() and not Response.objects.exists()


def test_a_discharged_episode_shows_results_but_takes_no_new_measure(
    as_clinician: Client, attach: Callable[..., Schedule], episode: Episode
) -> None:
    attach("nprs")
    discharge(episode, at=NOW)

    html = as_clinician.get(f"/clinic/outcomes/{episode.pk}/").content.decode()
    assert "no new measures are asked" in html and "Ask this measure" not in html
    refused = as_clinician.post(f"/clinic/outcomes/{episode.pk}/measures/", attach_data())
    assert refused.status_code == 409
    assert "This episode is discharged: measures are added to open episodes." in (
        refused.content.decode()
    )
    assert Schedule.objects.count() == 1


def test_an_admin_needs_break_glass_for_the_page(
    client: Client, admin: User, episode: Episode
) -> None:
    client.force_login(admin)
    assert client.get(f"/clinic/outcomes/{episode.pk}/").status_code == 404


def test_an_admin_by_break_glass_sees_the_page_but_does_not_attach(
    client: Client, admin: User, episode: Episode
) -> None:
    client.force_login(admin)
    care.break_glass(admin=admin, patient_email=episode.patient.email,
                     reason="Covering for the clinician", now=timezone.now())  # fmt: skip

    html = client.get(f"/clinic/outcomes/{episode.pk}/").content.decode()

    assert "Only the episode's clinician asks measures in it." in html
    refused = client.post(f"/clinic/outcomes/{episode.pk}/measures/", attach_data())
    assert refused.status_code == 409
    assert "Only the episode&#x27;s clinician adds measures to it." in refused.content.decode()
    assert not Schedule.objects.exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [("put", "/clinic/outcomes/{pk}/"), ("get", "/clinic/outcomes/{pk}/measures/")],
)
def test_clinic_wrong_methods_are_405(
    as_clinician: Client, episode: Episode, method: str, url: str
) -> None:
    assert getattr(as_clinician, method)(url.format(pk=episode.pk)).status_code == 405


# Earlier episodes


def test_earlier_episodes_are_a_line_each_with_their_results_a_click_away(
    as_patient: Client, attach: Callable[..., Schedule], episode: Episode, clinician: User,
    patient: User, client: Client, stranger: User,
) -> None:  # fmt: skip
    attach("nprs")
    discharge(episode, at=NOW + dt.timedelta(days=30))
    later = Episode.objects.create(
        patient=patient, clinician=clinician, reason="Knee", opened_at=NOW + dt.timedelta(days=60)
    )
    attach("psfs", episode=later, now=NOW + dt.timedelta(days=60))

    html = as_patient.get("/me/outcomes/").content.decode()

    assert "Your results with Dr. Sam Okafor: Knee" in html  # the current episode in full
    assert "Earlier care" in html
    assert f'href="/me/outcomes/episodes/{episode.pk}/"' in html
    old = as_patient.get(f"/me/outcomes/episodes/{episode.pk}/")
    assert old.status_code == 200 and old["Cache-Control"] == NO_STORE
    assert "Numeric Pain Rating Scale" in old.content.decode()
    for who in (stranger, clinician):
        client.force_login(who)
        assert client.get(f"/me/outcomes/episodes/{episode.pk}/").status_code == 404
