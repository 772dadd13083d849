"""Whatever arrives in the public forms, the answer is a page with messages, never a 500."""

from __future__ import annotations

from urllib.parse import quote_plus

import pytest
from django.core import mail
from django.test import Client

from mend.community.models import Comment, ContactMessage
from mend.content.models import ArticlePage
from mend.core import formstamp
from tests.community.conftest import comment_data, comment_url, contact_data

# Each payload as it travels in the request body (already form-encoded).
PAYLOADS: dict[str, bytes] = {
    "empty": b"",
    "10,000 characters": b"x" * 10_000,
    "html": quote_plus('<b>bold</b><img src=x onerror="alert(1)">').encode(),
    "script": quote_plus("<script>alert(1)</script>").encode(),
    "nul byte": b"a%00b",
    "percent-encoded non-UTF-8": b"%FF%FE%C3%28",
    "raw undecodable bytes": b"\xff\xfe\xc3\x28",
}
COMMENT_FIELDS = ["name", "email", "website", "body", "parent", formstamp.FIELD_NAME]
CONTACT_FIELDS = ["name", "email", "topic", "message", formstamp.FIELD_NAME]


def encode(data: dict[str, str | bytes]) -> bytes:
    return b"&".join(
        key.encode() + b"=" + (value if isinstance(value, bytes) else quote_plus(value).encode())
        for key, value in data.items()
    )


def post_raw(client: Client, url: str, body: bytes, address: str = "192.0.2.1") -> object:
    return client.generic(
        "POST",
        url,
        data=body,
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR=address,
    )


def assert_refused_with_messages(response: object) -> None:
    assert 400 <= response.status_code < 500  # type: ignore[attr-defined]
    content = response.content  # type: ignore[attr-defined]
    assert b'class="error-summary"' in content
    assert b"<script>alert(1)</script>" not in content
    assert b"<b>bold</b>" not in content


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_every_comment_field_bad_at_once(
    client: Client, article: ArticlePage, payload: bytes
) -> None:
    body = encode({**dict.fromkeys(COMMENT_FIELDS, payload), "leave_empty": ""})
    assert_refused_with_messages(post_raw(client, comment_url(article), body))
    assert not Comment.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_every_contact_field_bad_at_once(client: Client, db: None, payload: bytes) -> None:
    body = encode({**dict.fromkeys(CONTACT_FIELDS, payload), "leave_empty": ""})
    assert_refused_with_messages(post_raw(client, "/contact/", body))
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("field", [*COMMENT_FIELDS, "leave_empty"])
def test_each_comment_field_alone_never_breaks_the_page(
    client: Client, article: ArticlePage, field: str
) -> None:
    for number, (name, payload) in enumerate(PAYLOADS.items()):
        data: dict[str, str | bytes] = {**comment_data(), field: payload}
        response = post_raw(client, comment_url(article), encode(data), f"192.0.2.{number}")
        assert response.status_code in {303, 400}, name  # type: ignore[attr-defined]
        if response.status_code == 400:  # type: ignore[attr-defined]
            assert_refused_with_messages(response)


@pytest.mark.parametrize("field", [*CONTACT_FIELDS, "leave_empty"])
def test_each_contact_field_alone_never_breaks_the_page(
    client: Client, db: None, field: str
) -> None:
    for number, (name, payload) in enumerate(PAYLOADS.items()):
        data: dict[str, str | bytes] = {**contact_data(), field: payload}
        response = post_raw(client, "/contact/", encode(data), f"192.0.2.{number}")
        assert response.status_code in {303, 400}, name  # type: ignore[attr-defined]
        if response.status_code == 400:  # type: ignore[attr-defined]
            assert_refused_with_messages(response)


@pytest.mark.parametrize(
    "name", ["a\x00b", "\ufffd\ufffd", "Sam\nBcc: x@evil.example", "tab\there"]
)
def test_unreadable_characters_in_a_name_are_refused(client: Client, db: None, name: str) -> None:
    response = client.post("/contact/", contact_data(name=name))
    assert response.status_code == 400
    assert "Contains characters that could not be read" in response.content.decode()
    assert not ContactMessage.objects.exists()
