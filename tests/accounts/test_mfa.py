"""Two-factor sign-in: staff must set it up before the admin, the clinic or patient data;
an authenticator app's code or a recovery code (once) completes a sign-in; patients may."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from mend.accounts.models import User
from mend.core import roles
from mend.exercises.models import Program

PASSWORD = "correct horse battery"
SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def _staff_have_mfa() -> None:
    """These tests enrol staff themselves (overrides the fixture in tests/conftest.py)."""


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def enrol(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(client: Client, user: User) -> None:
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


@pytest.fixture
def clinician_signing_in(clinician: User, verified: Callable[[User], User]) -> User:
    return verified(clinician)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/pages/",
        "/clinic/",
        "/clinic/patients/",
        "/clinic/care/",
        "/clinic/programs/",
        "/me/",
        "/me/outcomes/",
        "/book/visits/",
    ],
)
def test_staff_without_mfa_are_sent_to_set_it_up(
    client: Client, clinician: User, path: str
) -> None:
    client.force_login(clinician)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == SETUP


@pytest.mark.parametrize("who", ["editor", "admin", "staff"])
def test_every_kind_of_staff_is_sent(
    client: Client, make_user: Callable[..., User], editor: User, who: str
) -> None:
    user = {
        "editor": editor,
        "admin": make_user("boss@clinic.example", is_superuser=True),
        "staff": make_user("desk@clinic.example", is_staff=True),
    }[who]
    client.force_login(user)
    assert client.get("/admin/")["Location"] == SETUP


def test_a_post_is_refused_too_and_changes_nothing(client: Client, clinician: User) -> None:
    client.force_login(clinician)
    response = client.post("/clinic/programs/new/", {"name": "Calf loading"})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert not Program.objects.exists()


@pytest.mark.parametrize("path", ["/accounts/logout/", "/accounts/2fa/", "/health/"])
def test_staff_without_mfa_may_still_sign_out_and_reach_mfa(
    client: Client, clinician: User, path: str
) -> None:
    client.force_login(clinician)
    assert client.get(path).status_code == 200


def test_the_public_site_stays_open(client: Client, clinician: User, article) -> None:
    client.force_login(clinician)
    assert client.get(article.url).status_code == 200
    assert client.get("/exercises/").status_code == 200


def test_a_patient_is_never_forced(client: Client, patient: User) -> None:
    client.force_login(patient)
    assert client.get("/me/").status_code == 200
    assert client.get("/me/care/").status_code == 200


def test_a_patient_may_set_mfa_up_from_the_account_menu(client: Client, patient: User) -> None:
    client.force_login(patient)
    assert 'href="/accounts/2fa/"' in client.get("/me/").content.decode()
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200 and SETUP in page.content.decode()


def test_setting_up_mfa_asks_for_the_password_again(client: Client, patient: User) -> None:
    client.force_login(patient)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_the_setup_page_draws_its_qr_code_in_the_page(
    client: Client, clinician_signing_in: User
) -> None:
    sign_in(client, clinician_signing_in)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    html = client.get(SETUP).content.decode()
    assert '<figure class="mfa-qr"' in html and "<svg" in html
    assert "data:image/svg+xml;base64" not in html  # the site's policy forbids data: images
    assert 'id="authenticator_secret"' in html


def test_a_clinician_sets_up_totp_and_reaches_the_clinic(
    client: Client, clinician_signing_in: User
) -> None:
    sign_in(client, clinician_signing_in)
    assert client.get("/clinic/patients/")["Location"] == SETUP
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get(SETUP)
    secret = client.session["mfa.totp.secret"]

    wrong = client.post(SETUP, {"code": "000000" if code_for(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=clinician_signing_in).exists()

    response = client.post(SETUP, {"code": code_for(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert 'href="/clinic/patients/"' in codes  # back to where they were going
    assert client.get("/clinic/patients/").status_code == 200


def test_with_totp_a_correct_code_signs_in_and_a_wrong_one_does_not(
    client: Client, clinician_signing_in: User
) -> None:
    secret = enrol(clinician_signing_in)
    sign_in(client, clinician_signing_in)
    assert "_auth_user_id" not in client.session  # the password alone is not enough
    client.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert "_auth_user_id" not in client.session

    client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert client.session["_auth_user_id"] == str(clinician_signing_in.pk)
    assert client.get("/clinic/patients/").status_code == 200


def test_a_recovery_code_signs_in_once(client: Client, clinician_signing_in: User) -> None:
    enrol(clinician_signing_in)
    recovery = RecoveryCodes.activate(clinician_signing_in)
    code = recovery.get_unused_codes()[0]

    sign_in(client, clinician_signing_in)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.session["_auth_user_id"] == str(clinician_signing_in.pk)

    client.post("/accounts/logout/")
    sign_in(client, clinician_signing_in)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert "_auth_user_id" not in client.session
    assert "Incorrect code" in response.content.decode()


def test_turning_mfa_off_asks_for_reauthentication(client: Client, patient: User) -> None:
    enrol(patient)
    client.force_login(patient)
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_staff_cannot_remove_their_only_authenticator(
    client: Client, clinician_signing_in: User
) -> None:
    secret = enrol(clinician_signing_in)
    sign_in(client, clinician_signing_in)
    client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert "Staff accounts must keep two-factor sign-in" in response.content.decode()
    assert Authenticator.objects.filter(
        user=clinician_signing_in, type=Authenticator.Type.TOTP
    ).exists()


def test_a_patient_may_turn_mfa_off(client: Client, patient: User, verified) -> None:
    verified(patient)
    secret = enrol(patient)
    sign_in(client, patient)
    client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(user=patient, type=Authenticator.Type.TOTP).exists()


def test_passkeys_are_bound_to_the_configured_address(rf, settings) -> None:
    from allauth.core import context

    from mend.accounts.adapter import MFAAdapter

    settings.BASE_URL = "https://clinic.example:8443"
    request = rf.get("/", HTTP_HOST="evil.example")
    with context.request_context(request):
        assert MFAAdapter().get_public_key_credential_rp_entity()["id"] == "clinic.example"


def test_roles_that_count_as_staff(make_user: Callable[..., User], patient: User) -> None:
    from mend.accounts.staff import is_staff_member

    assert is_staff_member(make_user("c@clinic.example", role=roles.CLINICIAN))
    assert is_staff_member(make_user("e@clinic.example", role=roles.EDITOR))
    assert is_staff_member(make_user("s@clinic.example", is_staff=True))
    assert not is_staff_member(patient)


# Not named "page": that is the browser tests' fixture, and would make these browser tests.
@pytest.mark.parametrize(
    "address", ["/accounts/2fa/", "/accounts/2fa/webauthn/", "/accounts/2fa/totp/activate/"]
)
def test_a_patients_two_factor_pages_open(client: Client, patient: User, address: str) -> None:
    client.force_login(patient)
    response = client.get(address, follow=True)
    assert response.status_code == 200
