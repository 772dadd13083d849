from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from mend.accounts.models import User
from mend.core import roles

LINK = re.compile(r"http://testserver(/accounts/[^\s]+)")


def test_roles_exist_as_groups(db: None) -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


def test_editors_may_use_the_admin(client: Client, editor: User, patient: User) -> None:
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    client.force_login(patient)
    assert client.get("/admin/").status_code == 302


def test_sign_up_verify_log_out_and_log_in(client: Client, db: None) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@mail.example",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@mail.example")
    assert not user.emailaddress_set.get().verified

    confirm = LINK.search(mail.outbox[-1].body).group(1)
    client.post(confirm)
    assert user.emailaddress_set.get().verified

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    client.post("/accounts/login/", {"login": "new@mail.example", "password": "a long pass phrase"})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unverified_account_cannot_sign_in(client: Client, db: None) -> None:
    client.post(
        "/accounts/signup/",
        {
            "email": "slow@mail.example",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )
    client.post("/accounts/logout/")
    client.post(
        "/accounts/login/", {"login": "slow@mail.example", "password": "a long pass phrase"}
    )
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client: Client, patient: User) -> None:
    patient.emailaddress_set.create(email=patient.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": patient.email})
    link = LINK.search(mail.outbox[-1].body).group(1)

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "another long phrase", "password2": "another long phrase"},
    )

    patient.refresh_from_db()
    assert patient.check_password("another long phrase")


def test_sign_up_refuses_a_bad_email_without_storing(client: Client, db: None) -> None:
    response = client.post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x" * 12, "password2": "x" * 12}
    )
    assert response.status_code == 200
    assert not User.objects.exists()


@pytest.mark.parametrize("email", ["", "   "])
def test_users_need_an_email(db: None, email: str) -> None:
    with pytest.raises(ValueError):
        User.objects.create_user(email=email)
