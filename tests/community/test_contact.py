from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from mend.accounts.models import User
from mend.community import tasks
from mend.community.models import ContactMessage
from mend.core import formstamp
from mend.core.pagecache import CACHE_HEADER
from tests.community.conftest import READER, contact_data

URL = "/contact/"
THANKS = "Thank you for your message. We will reply by email."


@pytest.fixture
def send(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def post(data: dict[str, str] | None = None, **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data or contact_data(), **extra)

    return post


def field_errors(html: str, field_id: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_the_contact_page_shows_the_form(client: Client, db: None) -> None:
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Contact us · Mend</title>" in html and "<h1>Contact us</h1>" in html
    for field_id, label in [("id_name", "Name"), ("id_email", "Email"), ("id_topic", "Topic")]:
        assert f'<label for="{field_id}">{label}</label>' in html
    assert '<label for="id_message">Message</label>' in html
    assert "A video or topic suggestion" in html
    assert f'name="{formstamp.FIELD_NAME}"' in html
    assert response[CACHE_HEADER] == "store"


def test_signed_in_readers_get_an_uncached_page(client: Client, patient: User) -> None:
    client.force_login(patient)
    assert CACHE_HEADER not in client.get(URL)


@override_settings(MEND_PRACTICE_EMAIL="front-desk@clinic.example")
def test_a_message_is_stored_and_emailed_to_the_practice(
    client: Client, send: Callable[..., Any], db: None
) -> None:
    response = send()
    assert response.status_code == 303 and response["Location"] == URL
    assert THANKS in client.get(URL).content.decode()
    message = ContactMessage.objects.get()
    assert (message.name, message.email, message.topic) == ("Sam Okafor", READER, "suggestion")
    assert message.handled is False and message.emailed_at is not None
    [email] = mail.outbox
    assert email.to == ["front-desk@clinic.example"] and email.reply_to == [READER]
    assert email.subject == "A video or topic suggestion from Sam Okafor"
    assert "Could you film the calf raise from the side?" in email.body


def test_the_practice_gets_each_message_once(send: Callable[..., Any], db: None) -> None:
    send()
    message = ContactMessage.objects.get()
    assert tasks.send_contact_message.call(message_id=message.pk) is False
    assert len(mail.outbox) == 1


def test_other_methods_are_not_allowed(client: Client, db: None) -> None:
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_missing_and_invalid_fields_say_so_and_keep_the_input(
    send: Callable[..., Any], db: None
) -> None:
    response = send(contact_data(name="", email="sam(at)mail", topic="", message="Still here"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Required field missing" in field_errors(html, "id_name")
    assert "Email address invalid" in field_errors(html, "id_email")
    assert "Required field missing" in field_errors(html, "id_topic")
    assert field_errors(html, "id_message") == ""
    assert 'value="sam(at)mail"' in html and "Still here" in html
    assert not ContactMessage.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("topic", "billing", "Choose one of the topics"),
        ("message", "m" * 5001, "Message is too long (5,000 characters at most)"),
        ("message", "   ", "Required field missing"),
    ],
)
def test_invalid_values_get_their_message_at_the_field(
    send: Callable[..., Any], db: None, field: str, value: str, message: str
) -> None:
    response = send(contact_data(**{field: value}))
    assert response.status_code == 400
    assert message in field_errors(response.content.decode(), f"id_{field}")
    assert not ContactMessage.objects.exists()


def test_honeypot_looks_like_success_and_stores_nothing(
    client: Client, send: Callable[..., Any], db: None
) -> None:
    response = send(contact_data(leave_empty="yes"))
    assert response.status_code == 303
    assert THANKS in client.get(URL).content.decode()
    assert not ContactMessage.objects.exists() and mail.outbox == []


def test_a_message_sooner_than_the_minimum_time_is_refused(client: Client, db: None) -> None:
    shown = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)  # 09:00 in the site's zone (UTC)
    with time_machine.travel(shown, tick=False):
        token = formstamp.issue()
    with time_machine.travel(shown + dt.timedelta(seconds=2), tick=False):
        response = client.post(URL, contact_data(shown_at=token))
    assert response.status_code == 400
    assert "Please wait a few seconds and send again." in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_a_forged_stamp_asks_to_reload(send: Callable[..., Any], db: None) -> None:
    response = send(contact_data(shown_at="forged"))
    assert response.status_code == 400
    assert "Please reload the page and try again" in response.content.decode()


def test_the_sixth_message_from_one_address_gets_429(send: Callable[..., Any], db: None) -> None:
    for n in range(5):
        assert (
            send(contact_data(message=f"Message {n}"), REMOTE_ADDR="198.51.100.7").status_code
            == 303
        )
    response = send(contact_data(message="Message 6"), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert "Too many messages from your address." in response.content.decode()
    assert ContactMessage.objects.count() == 5


def test_a_message_sent_twice_is_stored_and_emailed_once(
    send: Callable[..., Any], db: None
) -> None:
    data = contact_data()
    assert send(data).status_code == 303 and send(data).status_code == 303
    assert ContactMessage.objects.count() == 1
    assert len(mail.outbox) == 1
