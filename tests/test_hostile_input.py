"""Hostile input into every form Mend has: a message at the field, never a 500, nothing stored.

The forms are found, not listed: each member of the cast (anonymous, the patient, the
clinician, the editor of the demo clinic) opens every page the URLconf names without a
parameter, follows the site's own links from there, and keeps every `<form method="post">`
it is shown. Each payload then goes into each field of each form, one field at a time, the
other fields keeping the values the page gave them. Every post runs in a savepoint that is
rolled back, so one accepted post does not change what the next one sees.

A post may be accepted (a comment may well say `<script>`: it is shown escaped) or refused.
What must never happen: a 500 (an exception), the payload's markup echoed unescaped, or a
refusal (4xx) that still wrote a row, or a 400 page without a message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup, Tag
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from mend.accounts.models import User
from mend.booking import demo as booking_demo
from mend.content import demo

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)  # a Tuesday morning

PAYLOADS: dict[str, str | bytes] = {
    "script": '<script>alert("mend-hostile")</script>',
    "html": '"><img src=x onerror=alert("mend-hostile")>',
    "nul": "before\x00after",
    "10,000 characters": "x" * 10_000,
    "non-UTF-8": b"\xff\xfe\xc3\x28 bytes",
    "line breaks": "one\r\ntwo\nBcc: someone@mail.example",
    "forged id": "999999999999",
}
# What a text payload must not come back as, unescaped.
MARKUP = ("<script>alert(", "<img src=x onerror")

# Never opened or posted: Wagtail's own admin, files, feeds, and signing out.
SKIP_PATHS = re.compile(
    r"^/(admin|documents|static|media|_util)/|logout|\.(pdf|ics|csv|xml|txt|json)$|/feed/?$"
)
HONEYPOT = "leave_empty"  # mend.community.forms: a person leaves it empty
MAX_PAGES = 150  # per member of the cast
MAX_VARIANTS = 3  # links to one path with different query strings
# Rows written whatever the outcome of a post (sessions; the access log of who looked).
UNCOUNTED = re.compile(r"^(sessions\.|.*audit|.*access)", re.IGNORECASE)


@dataclass
class Form:
    page: str
    action: str
    fields: list[tuple[str, str]]
    targets: list[str]

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        try:
            route = resolve(urlsplit(self.action).path).route
        except Resolver404:
            route = self.action
        return route, tuple(sorted(self.targets))


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    posts: int = 0
    forms: list[str] = field(default_factory=list)

    def add(self, form: Form, target: str, payload: str, what: str) -> None:
        self.problems.append(
            f"{form.action} (form on {form.page}) field {target!r} {payload}: {what}"
        )


def _static_paths() -> Iterator[str]:
    """Every path in the URLconf without a parameter."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[str]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
                yield "/" + route.lstrip("^").rstrip("$")

    yield "/"
    yield from walk(get_resolver(), "")


def _fields(form: Tag) -> tuple[list[tuple[str, str]], list[str]]:
    """The fields the browser would send for this form as shown, and the ones to attack."""
    sent: list[tuple[str, str]] = []
    targets: list[str] = []
    radios: dict[str, str] = {}
    submitted = False
    for element in form.find_all(["input", "textarea", "select", "button"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        kind = (element.get("type") or "text").lower()
        if element.name == "button" or kind in {"submit", "image"}:
            if not submitted:  # the first named button, as a click on it would send
                sent.append((name, element.get("value", "")))
                submitted = True
            continue
        if kind in {"reset", "file"}:
            continue
        if name not in targets and name != "csrfmiddlewaretoken":
            targets.append(name)
        if element.name == "textarea":
            sent.append((name, element.get_text() or _plausible(name, "text", element)))
        elif element.name == "select":
            options = element.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            sent.extend((name, o.get("value", o.get_text())) for o in chosen)
        elif kind == "radio":
            if element.has_attr("checked") or name not in radios:
                radios[name] = element.get("value", "on")
        elif kind == "checkbox":
            if element.has_attr("checked"):
                sent.append((name, element.get("value", "on")))
        else:
            value = element.get("value", "")
            sent.append((name, value or _plausible(name, kind, element)))
    sent.extend(radios.items())
    return sent, targets


def _plausible(name: str, kind: str, element: Tag) -> str:
    """What a person would type into an empty field, so the other fields are valid."""
    if kind == "hidden" or name == HONEYPOT:
        return ""
    if kind == "email" or "email" in name or name == "login":
        return "pat.rivera@mail.example"
    if kind == "password":
        return "Wistful-kettle-orbit-42"
    if kind == "number":
        return str(element.get("min") or 1)
    if kind == "date":
        return (NOW.date() + dt.timedelta(days=7)).isoformat()
    if kind == "time":
        return "10:00"
    if kind == "datetime-local":
        return f"{(NOW.date() + dt.timedelta(days=7)).isoformat()}T10:00"
    if kind == "url":
        return "https://example.org/"
    if kind == "tel":
        return "+1 555 0100"
    return "A plain sentence."


def _forms_and_links(page: str, html: str) -> tuple[list[Form], list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    forms = []
    for tag in soup.find_all("form"):
        if (tag.get("method") or "get").lower() != "post":
            continue
        action = urldefrag(urljoin(page, tag.get("action") or page)).url
        if urlsplit(action).netloc not in {"", "testserver"} or SKIP_PATHS.search(action):
            continue
        sent, targets = _fields(tag)
        if targets:  # a bare button (sign out, delete) has nothing to attack
            forms.append(
                Form(
                    page=page,
                    action=urlsplit(action)._replace(netloc="", scheme="").geturl(),
                    fields=sent,
                    targets=targets,
                )
            )
    links = []
    for anchor in soup.find_all("a", href=True):
        url = urldefrag(urljoin(page, anchor["href"])).url
        parts = urlsplit(url)
        if parts.netloc in {"", "testserver"} and parts.path.startswith("/"):
            links.append(parts._replace(scheme="", netloc="").geturl())
    return forms, links


def _crawl(client: Client) -> list[Form]:
    queue = list(dict.fromkeys(_static_paths()))
    seen: set[str] = set()
    variants: dict[str, int] = {}
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or SKIP_PATHS.search(path):
            continue
        if variants.get(path, 0) >= MAX_VARIANTS:
            continue
        seen.add(url)
        variants[path] = variants.get(path, 0) + 1
        try:
            response = client.get(url)
        except Exception as error:  # a page that breaks on GET is a 500 for its reader
            pytest.fail(f"GET {url} raises {error!r}"[:500])
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        found, links = _forms_and_links(url, response.content.decode("utf-8", "replace"))
        for form in found:
            forms.setdefault(form.key, form)
        queue.extend(link for link in links if link not in seen)
    return list(forms.values())


def _counted_tables() -> list[tuple[str, str]]:
    return [
        (model._meta.label, model._meta.db_table)
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed and not UNCOUNTED.match(model._meta.label)
    ]


def _row_counts(tables: list[tuple[str, str]]) -> dict[str, int]:
    """Rows in every table Mend and its libraries write, in one query."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*) FROM {quote(table)}"  # noqa: S608 (Django's own table names)
        for i, (_, table) in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {tables[i][0]: n for i, n in cursor.fetchall()}


def _body(form: Form, target: str, payload: str | bytes) -> str:
    pairs: list[tuple[str, str | bytes]] = [(n, v) for n, v in form.fields if n != target]
    pairs.append((target, payload))
    return urlencode(pairs)


def _attack(client: Client, form: Form, findings: Findings) -> None:
    tables = _counted_tables()
    before = _row_counts(tables)
    with transaction.atomic():
        cache.clear()
        baseline = client.post(
            form.action,
            data=urlencode(form.fields),
            content_type="application/x-www-form-urlencoded",
        ).status_code
        transaction.set_rollback(True)
    findings.forms.append(f"{form.action} {baseline}")
    for target in form.targets:
        for label, payload in PAYLOADS.items():
            findings.posts += 1
            cache.clear()  # the rate limits count in the cache
            with transaction.atomic():
                try:
                    response = client.post(
                        form.action,
                        data=_body(form, target, payload),
                        content_type="application/x-www-form-urlencoded",
                    )
                except Exception as error:  # the test client re-raises what would be a 500
                    findings.add(
                        form, target, label, f"raises {type(error).__name__}: {error}"[:300]
                    )
                    transaction.set_rollback(True)
                    continue
                status = response.status_code
                after = _row_counts(tables) if 400 <= status < 500 else before
                transaction.set_rollback(True)
            text = response.content.decode("utf-8", "replace")
            if status >= 500:
                findings.add(form, target, label, f"answers {status}")
            if isinstance(payload, str) and any(m in text for m in MARKUP if m in payload):
                findings.add(form, target, label, "echoes the markup unescaped")
            grew = sorted(label_ for label_, n in after.items() if n > before.get(label_, 0))
            if grew:
                findings.add(form, target, label, f"answers {status} but wrote rows in {grew}")
            is_html = "html" in response.get("Content-Type", "")
            if status == 400 and is_html and not re.search(r"errorlist|role=\"alert\"", text):
                findings.add(form, target, label, "answers 400 without a message")


@pytest.fixture
def demo_clinic(db: None) -> dict[str, User]:
    with time_machine.travel(NOW, tick=False):
        demo.load(today=NOW.date())
        booking_demo.load(now=NOW)
    return {a.key: User.objects.get(email=a.email) for a in demo.ACCOUNTS}


# A form two members of the cast are shown alike is attacked once, by the first.
ATTACKED: set[tuple[str, tuple[str, ...]]] = set()


@pytest.mark.slow
@pytest.mark.parametrize("member", ["anonymous", "pat", "sam", "ada"])
def test_hostile_input_into_every_form_gets_an_answer_never_a_500_and_stores_nothing_refused(
    member: str, demo_clinic: dict[str, User], client: Client, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = False
    with time_machine.travel(NOW, tick=False) as clock:
        if member != "anonymous":
            client.force_login(demo_clinic[member])
        forms = _crawl(client)
        clock.shift(dt.timedelta(minutes=2))  # past the forms' too-fast-for-a-person check
        findings = Findings()
        for form in forms:
            if form.key not in ATTACKED:
                ATTACKED.add(form.key)
                _attack(client, form, findings)
    assert forms, "the crawl found no form at all"
    report = "\n".join(findings.problems)
    assert not findings.problems, (
        f"{len(findings.problems)} problems in {findings.posts} posts:\n{report}"
    )
