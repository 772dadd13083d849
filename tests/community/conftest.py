from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from mend.community import trust
from mend.community.models import Comment
from mend.core import formstamp

READER = "reader@mail.example"


def stamp(seconds_ago: float = 60) -> str:
    """A "form shown at" stamp as the page would have issued it, long enough ago."""
    return formstamp.issue(now=time.time() - seconds_ago)


def comment_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Sam Okafor",
        "email": READER,
        "website": "",
        "body": "The eccentric heel drops helped me after six weeks.",
        "parent": "",
        "leave_empty": "",
        formstamp.FIELD_NAME: stamp(),
    }
    data.update(overrides)
    return data


def contact_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Sam Okafor",
        "email": READER,
        "topic": "suggestion",
        "message": "Could you film the calf raise from the side?",
        "leave_empty": "",
        formstamp.FIELD_NAME: stamp(),
    }
    data.update(overrides)
    return data


def comment_url(page: Page) -> str:
    return reverse("community:post_comment", args=[page.pk])


@pytest.fixture
def post_comment(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST the comment form, running what the view queues for after the commit."""

    def post(page: Page, data: dict[str, str] | None = None, **extra: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(comment_url(page), data or comment_data(), **extra)

    return post


@pytest.fixture
def make_comment(db: None) -> Callable[..., Comment]:
    def make(page: Page, **fields: Any) -> Comment:
        fields.setdefault("name", "Robin Hale")
        fields.setdefault("email", "robin@mail.example")
        fields.setdefault("body", "Thank you, this helped.")
        fields.setdefault("status", Comment.Status.APPROVED)
        fields.setdefault("created_at", timezone.now() - dt.timedelta(days=1))
        if fields["status"] == Comment.Status.APPROVED:
            fields.setdefault("approved_at", fields["created_at"])
        return Comment.objects.create(page=page, **fields)

    return make


@pytest.fixture
def trusted_browser(client: Client, article: Page, make_comment: Callable[..., Comment]) -> Comment:
    """This browser posted a comment from READER that an editor has since approved."""
    earlier = make_comment(article, email=READER)
    client.cookies[trust.COOKIE] = trust.signed([earlier.pk])
    return earlier
