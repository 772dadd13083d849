"""The public forms: a comment under an article, a message to the practice.

Both carry the same defences: a honeypot field, and the signed moment the
form was shown (emitted by ``{% form_tokens %}``, checked here).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from mend.community.models import (
    BODY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    WEB_SCHEMES,
    WEBSITE_MAX_LENGTH,
    ContactMessage,
)
from mend.community.services import NOT_REPLYABLE
from mend.core import formstamp

REQUIRED = "Required field missing"
EMAIL_INVALID = "Email address invalid"
WEBSITE_INVALID = "Website address invalid"
UNREADABLE = "Contains characters that could not be read"
RELOAD = "Please reload the page and try again"
TOO_FAST = "That was quicker than a person can type. Please wait a few seconds and send again."
TOO_MANY = "Too many messages from your address. Please try again in a few minutes."
HONEYPOT = "leave_empty"
# A reader may leave the page open for a long while before writing.
STAMP_MAX_AGE = 2 * 24 * 3600

# Control characters (tab and newlines aside) and U+FFFD, which stands in for
# bytes that were not valid UTF-8: nothing a person typed.
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_UNREADABLE_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\ufffd]")


def _readable(value: str) -> None:
    if _UNREADABLE.search(value):
        raise ValidationError(UNREADABLE, code="unreadable")


def _readable_one_line(value: str) -> None:
    if _UNREADABLE_ONE_LINE.search(value):
        raise ValidationError(UNREADABLE, code="unreadable")


def _messages(**extra: str) -> dict[str, str]:
    return {"required": REQUIRED, "null_characters_not_allowed": UNREADABLE, **extra}


def _too_long(label: str, limit: int) -> str:
    return f"{label} is too long ({limit:,} characters at most)"


def name_field() -> forms.CharField:
    return forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        validators=[_readable_one_line],
        error_messages=_messages(max_length=_too_long("Name", NAME_MAX_LENGTH)),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


def email_field(help_text: str) -> forms.EmailField:
    return forms.EmailField(
        label="Email",
        max_length=254,
        help_text=help_text,
        error_messages=_messages(invalid=EMAIL_INVALID, max_length=EMAIL_INVALID),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def text_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=BODY_MAX_LENGTH,
        validators=[_readable],
        error_messages=_messages(max_length=_too_long(label, BODY_MAX_LENGTH)),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class PublicForm(forms.Form):
    """Honeypot and "shown at" checks shared by the public forms."""

    leave_empty = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, now: dt.datetime, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.now = now

    def is_bot(self) -> bool:
        """The honeypot was filled: only software fills a field people cannot see."""
        return self.is_bound and bool(str(self.data.get(HONEYPOT, "")).strip())

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        stamp = str(self.data.get(formstamp.FIELD_NAME, ""))
        age = formstamp.age_seconds(stamp, now=self.now.timestamp(), max_age=STAMP_MAX_AGE)
        if age is None:
            raise ValidationError(RELOAD, code="stamp")
        if age < settings.MEND_FORM_MIN_SECONDS:
            raise ValidationError(TOO_FAST, code="too_fast")
        return cleaned


class CommentForm(PublicForm):
    name = name_field()
    email = email_field("Never shown. Once we have approved a comment from it, yours go live.")
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=WEBSITE_MAX_LENGTH,
        assume_scheme="https",
        validators=[URLValidator(schemes=WEB_SCHEMES)],
        error_messages=_messages(invalid=WEBSITE_INVALID, max_length=WEBSITE_INVALID),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    body = text_field("Comment")
    parent = forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"null_characters_not_allowed": NOT_REPLYABLE},
    )

    field_order = ["name", "email", "website", "body"]

    def clean_parent(self) -> int | None:
        raw = self.cleaned_data.get("parent", "")
        if not raw:
            return None
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            # A hidden field: only a tampered form gets here (the summary shows it).
            raise ValidationError(NOT_REPLYABLE, code="parent")
        return int(raw)


class ContactForm(PublicForm):
    name = name_field()
    email = email_field("We reply to this address.")
    topic = forms.ChoiceField(
        label="Topic",
        choices=[("", "Choose a topic"), *ContactMessage.Topic.choices],
        error_messages=_messages(invalid_choice="Choose one of the topics"),
    )
    message = text_field("Message")

    field_order = ["name", "email", "topic", "message"]
