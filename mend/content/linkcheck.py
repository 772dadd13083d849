"""Content checks run when an editor saves: no malformed links or addresses.

The page Mend grew from printed a contact address with no top-level domain;
these checks name such an address so the editor can fix it before publishing.
"""

from __future__ import annotations

import html
import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
# Anything shaped like user@host in running text, so "info@clinic" is caught.
_ADDRESS_LIKE = re.compile(r"[\w.+'-]+@[\w.-]*[\w-]")
_validate_email = EmailValidator()
_validate_url = URLValidator(schemes=["http", "https"])


def problems_in_text(text: str) -> list[str]:
    """Messages for each malformed email address in plain text."""
    return [_email_problem(found) for found in _ADDRESS_LIKE.findall(text) if not _is_email(found)]


def problems_in_html(source: str) -> list[str]:
    """Messages for each malformed link or email address in rich text (HTML)."""
    found: list[str] = []
    for double, single in _HREF.findall(source):
        href = html.unescape(double or single).strip()
        problem = _href_problem(href)
        if problem:
            found.append(problem)
    found += problems_in_text(html.unescape(_TAG.sub(" ", source)))
    return list(dict.fromkeys(found))


def check_text(text: str) -> None:
    _raise(problems_in_text(text))


def check_html(source: str) -> None:
    _raise(problems_in_html(source))


def _raise(problems: list[str]) -> None:
    if problems:
        raise ValidationError(" ".join(problems))


def _href_problem(href: str) -> str | None:
    if href.lower().startswith("mailto:"):
        address = href[7:].split("?")[0]
        return None if _is_email(address) else _email_problem(address)
    if href.lower().startswith(("http://", "https://")):
        try:
            _validate_url(href)
        except ValidationError:
            return f"The link “{href}” is not a valid web address."
        return None
    if href.startswith(("/", "#", "tel:")):
        return None
    return f"The link “{href}” is not a valid web address (use http:// or https://)."


def _is_email(address: str) -> bool:
    try:
        _validate_email(address)
    except ValidationError:
        return False
    return True


def _email_problem(address: str) -> str:
    return (
        f"The email address “{address}” is not valid (is its domain complete, like example.org?)."
    )
