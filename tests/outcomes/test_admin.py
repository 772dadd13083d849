"""Outcome measures in the back office: MCID settings are edited, text packs only listed."""

from __future__ import annotations

import pytest
from django.test import Client

from mend.accounts.models import User
from mend.outcomes.models import McidSetting, TextPack

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, admin: User) -> Client:
    client.force_login(admin)
    return client


@pytest.mark.parametrize("section", ["outcomes_mcids", "outcomes_text_packs"])
def test_every_outcomes_listing_opens(
    admin_client: Client, lefs_pack: TextPack, section: str
) -> None:
    assert admin_client.get(f"/admin/{section}/").status_code == 200


def test_an_mcid_setting_is_added_in_the_admin(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/outcomes_mcids/new/",
        {"code": "visa-a", "score": "total", "value": "6.5", "source": "McCormack 2015, IJSPT"},
    )

    assert response.status_code == 302
    setting = McidSetting.objects.get()
    assert (setting.code, setting.score, str(setting.value)) == ("visa-a", "total", "6.50")


def test_an_mcid_setting_names_a_score_the_instrument_has(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/outcomes_mcids/new/",
        {"code": "koos", "score": "total", "value": "8", "source": "Someone"},
    )

    assert response.status_code == 200
    assert "koos has the scores pain, symptoms, adl, sport_rec, qol." in response.content.decode()
    assert not McidSetting.objects.exists()


def test_text_packs_are_inspected_and_deleted_but_not_added_or_edited(
    admin_client: Client, lefs_pack: TextPack
) -> None:
    assert (
        admin_client.get(f"/admin/outcomes_text_packs/inspect/{lefs_pack.pk}/").status_code == 200
    )
    assert admin_client.get("/admin/outcomes_text_packs/new/").status_code in {302, 403}
    assert admin_client.get(f"/admin/outcomes_text_packs/edit/{lefs_pack.pk}/").status_code in {
        302,
        403,
    }
    admin_client.post(f"/admin/outcomes_text_packs/delete/{lefs_pack.pk}/")
    assert not TextPack.objects.exists()
