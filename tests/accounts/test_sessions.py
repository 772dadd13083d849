"""How long a sign-in lasts: staff are signed out after MEND_STAFF_IDLE_MINUTES (15) idle,
everyone after MEND_SESSION_SECONDS (12 hours) from signing in, however active."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from mend.accounts.models import User
from mend.exercises.models import Program

# Declared here, not only through the cast's fixtures: a test that asks for its user with
# getfixturevalue would otherwise be ordered among tests without a database, after the
# transactional ones have emptied the tables migrations filled (the roles).
pytestmark = pytest.mark.django_db

# 09:00 UTC on Monday 2 November 2026 (10:00 in Berlin): the sign-in.
SIGN_IN = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def _staff_stay_signed_in_while_the_clock_moves() -> None:
    """These tests use the real idle limit (overrides the fixture in tests/conftest.py)."""


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(SIGN_IN, tick=False)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def later(time_machine: TimeMachineFixture, **delta: Any) -> None:
    time_machine.move_to(SIGN_IN + dt.timedelta(**delta), tick=False)


def test_idle_staff_are_signed_out_after_15_minutes_and_told_why(
    client: Client, clinician: User, time_machine: TimeMachineFixture
) -> None:
    signed_in(client, clinician)
    later(time_machine, minutes=15, seconds=1)  # 10:15:01 in Berlin
    response = client.get("/clinic/patients/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fclinic%2Fpatients%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 15 minutes without activity" in page


def test_staff_at_work_stay_signed_in(
    client: Client, clinician: User, time_machine: TimeMachineFixture
) -> None:
    signed_in(client, clinician)
    for minutes in (10, 20, 30, 40):  # a request every 10 minutes
        later(time_machine, minutes=minutes)
        assert client.get("/clinic/patients/").status_code == 200


def test_activity_is_written_at_most_once_a_minute(
    client: Client, clinician: User, time_machine: TimeMachineFixture
) -> None:
    signed_in(client, clinician)
    later(time_machine, minutes=1)
    client.get("/clinic/patients/")
    seen = client.session["mend.last_seen"]
    later(time_machine, minutes=1, seconds=30)
    client.get("/clinic/patients/")
    assert client.session["mend.last_seen"] == seen


def test_the_idle_limit_is_a_setting(
    client: Client, clinician: User, time_machine: TimeMachineFixture, settings: Any
) -> None:
    settings.MEND_STAFF_IDLE_MINUTES = 30
    signed_in(client, clinician)
    later(time_machine, minutes=20)
    assert client.get("/clinic/patients/").status_code == 200
    later(time_machine, minutes=51)
    assert client.get("/clinic/patients/").status_code == 302


def test_an_idle_patient_stays_signed_in(
    client: Client, patient: User, time_machine: TimeMachineFixture
) -> None:
    signed_in(client, patient)
    later(time_machine, hours=3)  # 13:00 in Berlin
    assert client.get("/me/").status_code == 200
    assert client.session["_auth_user_id"] == str(patient.pk)


@pytest.mark.parametrize("who", ["patient", "clinician"])
def test_the_absolute_limit_ends_everyones_sign_in_however_active(
    client: Client, request: pytest.FixtureRequest, time_machine: TimeMachineFixture, who: str
) -> None:
    user = request.getfixturevalue(who)
    signed_in(client, user)
    page = "/me/" if who == "patient" else "/clinic/patients/"
    for minutes in range(10, 12 * 60, 10):  # busy all day: a request every 10 minutes
        later(time_machine, minutes=minutes)
        assert client.get(page).status_code == 200
    later(time_machine, hours=12, seconds=1)  # 21:00:01 in Berlin
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_sign_out_by_the_limits_keeps_nothing_of_a_post(
    client: Client, clinician: User, time_machine: TimeMachineFixture
) -> None:
    signed_in(client, clinician)
    later(time_machine, minutes=16)
    response = client.post("/clinic/programs/new/", {"name": "Calf loading"})
    assert response["Location"] == "/accounts/login/"
    assert not Program.objects.exists()


def test_htmx_requests_are_told_to_load_the_sign_in_page(
    client: Client, clinician: User, time_machine: TimeMachineFixture
) -> None:
    signed_in(client, clinician)
    later(time_machine, minutes=16)
    response = client.get("/clinic/patients/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_changing_mfa_asks_for_the_password_again_after_five_minutes(
    client: Client, patient: User, verified: Any, time_machine: TimeMachineFixture
) -> None:
    verified(patient)
    client.post("/accounts/login/", {"login": patient.email, "password": "correct horse battery"})
    client.post("/accounts/reauthenticate/", {"password": "correct horse battery"})
    later(time_machine, minutes=4)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    later(time_machine, minutes=5, seconds=1)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
