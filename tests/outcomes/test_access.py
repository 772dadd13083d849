"""Who may see what: schedules and responses are seen through their episode only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode
from mend.outcomes.models import Response, Schedule

from .conftest import NOW, discharge

pytestmark = pytest.mark.django_db

LATER = NOW + dt.timedelta(days=50)


@pytest.fixture
def cast(
    patient: User, clinician: User, other_clinician: User, stranger: User, admin: User
) -> dict[str, object]:
    return {
        "patient": patient,
        "clinician": clinician,
        "other clinician": other_clinician,
        "stranger": stranger,
        "admin": admin,
        "anonymous": AnonymousUser(),
    }


def seen(user: object, *, now: dt.datetime) -> tuple[int, int]:
    return (
        Response.objects.visible_to(user, now=now).count(),
        Schedule.objects.visible_to(user, now=now).count(),
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("patient", True),
        ("clinician", True),
        ("admin", False),
        ("other clinician", False),
        ("stranger", False),
        ("anonymous", False),
    ],
)
def test_an_active_episode_is_seen_by_its_patient_and_its_clinician(
    attach: Callable[..., Schedule], cast: dict[str, object], who: str, sees: bool
) -> None:
    attach("nprs")

    assert seen(cast[who], now=NOW) == ((5, 1) if sees else (0, 0))


def test_an_admin_sees_it_only_by_break_glass(
    attach: Callable[..., Schedule], admin: User, patient: User
) -> None:
    attach("nprs")
    care.break_glass(admin=admin, patient_email=patient.email, reason="Audit of a complaint",
                     now=NOW)  # fmt: skip

    assert seen(admin, now=NOW) == (5, 1)
    assert seen(admin, now=NOW + dt.timedelta(days=1)) == (0, 0)  # the grant has ended


def test_the_clinician_still_sees_inside_the_access_window(
    attach: Callable[..., Schedule], episode: Episode, clinician: User
) -> None:
    attach("nprs")
    discharge(episode, at=NOW + dt.timedelta(days=20))

    assert seen(clinician, now=NOW + dt.timedelta(days=49)) == (5, 1)  # 29 days after


def test_the_clinician_sees_nothing_once_the_window_has_passed(
    attach: Callable[..., Schedule], episode: Episode, clinician: User, patient: User
) -> None:
    attach("nprs")
    discharge(episode, at=NOW + dt.timedelta(days=20))

    assert seen(clinician, now=NOW + dt.timedelta(days=51)) == (0, 0)  # 31 days after
    assert seen(patient, now=NOW + dt.timedelta(days=51)) == (5, 1)


def test_the_window_follows_the_setting(
    attach: Callable[..., Schedule], episode: Episode, clinician: User, settings: object
) -> None:
    settings.MEND_CARE_ACCESS_DAYS = 5  # type: ignore[attr-defined]
    attach("nprs")
    discharge(episode, at=NOW)

    assert seen(clinician, now=NOW + dt.timedelta(days=4)) == (5, 1)
    assert seen(clinician, now=NOW + dt.timedelta(days=6)) == (0, 0)


def test_of_patient_is_only_the_patients_own_rows(
    attach: Callable[..., Schedule], clinician: User, patient: User
) -> None:
    attach("nprs")

    assert Response.objects.of_patient(patient).count() == 5
    assert Response.objects.of_patient(clinician).count() == 0
    assert Response.objects.of_patient(AnonymousUser()).count() == 0


# The pages


def response_urls(response: Response) -> list[tuple[str, str]]:
    return [
        ("get", f"/me/outcomes/{response.pk}/"),
        ("post", f"/me/outcomes/{response.pk}/answer/"),
    ]


def clinic_urls(episode: Episode) -> list[tuple[str, str]]:
    return [
        ("get", f"/clinic/outcomes/{episode.pk}/"),
        ("post", f"/clinic/outcomes/{episode.pk}/measures/"),
    ]


def snapshot() -> tuple[object, ...]:
    return (
        list(Response.objects.values_list("pk", "answered_at", "answers")),
        list(Schedule.objects.values_list("pk", "instrument")),
    )


@pytest.mark.parametrize("who", ["stranger", "other clinician"])
def test_outsiders_get_404_everywhere_and_change_nothing(
    client: Client,
    attach: Callable[..., Schedule],
    episode: Episode,
    cast: dict[str, User],
    who: str,
) -> None:
    baseline = attach("nprs").responses.get(timepoint="baseline")
    client.force_login(cast[who])
    before = snapshot()
    for method, url in response_urls(baseline) + clinic_urls(episode):
        data = {"pain": "3", "instrument": "psfs", "review_week": "6", "time_zone": "UTC"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert snapshot() == before


def test_the_clinician_cannot_open_the_patients_answer_form(
    client: Client, attach: Callable[..., Schedule], clinician: User
) -> None:
    baseline = attach("nprs").responses.get(timepoint="baseline")
    client.force_login(clinician)

    assert client.get(f"/me/outcomes/{baseline.pk}/").status_code == 404
    assert client.post(f"/me/outcomes/{baseline.pk}/answer/", {"pain": "3"}).status_code == 404
    assert not Response.objects.filter(answered_at__isnull=False).exists()


def test_the_patient_cannot_open_the_clinicians_page(
    client: Client, episode: Episode, patient: User
) -> None:
    client.force_login(patient)

    for method, url in clinic_urls(episode):
        assert getattr(client, method)(url).status_code == 404


def test_the_clinician_gets_404_once_the_window_has_passed(
    client: Client, attach: Callable[..., Schedule], episode: Episode, clinician: User,
    time_machine: object,
) -> None:  # fmt: skip
    attach("nprs")
    discharge(episode, at=NOW)
    client.force_login(clinician)

    time_machine.move_to(NOW + dt.timedelta(days=29), tick=False)  # type: ignore[attr-defined]
    assert client.get(f"/clinic/outcomes/{episode.pk}/").status_code == 200
    time_machine.move_to(NOW + dt.timedelta(days=31), tick=False)  # type: ignore[attr-defined]
    assert client.get(f"/clinic/outcomes/{episode.pk}/").status_code == 404


def test_anonymous_posts_are_404_and_pages_ask_to_sign_in_for_any_id(
    client: Client, attach: Callable[..., Schedule], episode: Episode
) -> None:
    baseline = attach("nprs").responses.get(timepoint="baseline")
    before = snapshot()

    assert client.post(f"/me/outcomes/{baseline.pk}/answer/", {"pain": "3"}).status_code == 404
    for method, url in clinic_urls(episode):
        assert getattr(client, method)(url).status_code == 404
    # The due email links here; signing in comes first, the same for every id.
    for pk in (baseline.pk, 999_999):
        response = client.get(f"/me/outcomes/{pk}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert snapshot() == before


def test_a_forged_huge_id_is_404(client: Client, patient: User) -> None:
    client.force_login(patient)

    assert client.get("/me/outcomes/" + "9" * 30 + "/").status_code == 404
