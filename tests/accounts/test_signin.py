"""allauth is the only sign-in: Wagtail's logins send people to it and sign nobody in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mend.accounts.models import User

PASSWORD = "correct horse battery"


@pytest.fixture
def boss(make_user: Callable[..., User], verified: Callable[[User], User]) -> User:
    return verified(make_user("boss@clinic.example", is_staff=True, is_superuser=True))


def test_the_admin_sends_people_to_allauths_sign_in(client: Client, db: None) -> None:
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/pages/")


@pytest.mark.parametrize("path", ["/admin/login/", "/_util/login/"])
def test_wagtails_login_redirects_to_allauth_keeping_next(client: Client, path: str) -> None:
    response = client.get(path, {"next": "/admin/"})
    assert response.status_code == 303
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_login_redirect_drops_a_next_on_another_site(client: Client) -> None:
    response = client.get("/admin/login/", {"next": "https://evil.example/"})
    assert response["Location"] == "/accounts/login/"


@pytest.mark.parametrize("path", ["/admin/login/", "/_util/login/"])
def test_a_password_posted_to_wagtails_login_creates_no_session(
    client: Client, boss: User, path: str
) -> None:
    response = client.post(path, {"username": boss.email, "password": PASSWORD})
    assert response.status_code == 303
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_wagtails_password_reset_is_gone(client: Client, boss: User) -> None:
    assert client.get("/admin/password_reset/").status_code == 404
    assert client.post("/admin/password_reset/", {"email": boss.email}).status_code == 404


def test_allauths_sign_in_works(
    client: Client, patient: User, verified: Callable[..., User]
) -> None:
    verified(patient)
    client.post("/accounts/login/", {"login": patient.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(patient.pk)


def test_allauths_sign_in_stops_guessing_after_a_few_failures(
    client: Client, patient: User, verified: Callable[..., User]
) -> None:
    verified(patient)
    for _ in range(5):
        client.post("/accounts/login/", {"login": patient.email, "password": "wrong guess"})
    response = client.post("/accounts/login/", {"login": patient.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_staff_change_their_email_and_password_through_allauth_only(
    client: Client, boss: User
) -> None:
    client.force_login(boss)
    html = client.get("/admin/account/").content.decode()
    assert 'name="name_email-email"' not in html
    assert 'name="password-new_password1"' not in html
