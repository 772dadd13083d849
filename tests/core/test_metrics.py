"""/metrics: request counts and latency by view, emails sent and failed, the task queue."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage, get_connection
from django.test import Client
from django_tasks import task
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# 09:00 UTC on Tuesday 1 December 2026.
NINE = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@task()
def remember(text: str) -> str:
    return text


def scrape(client: Client, **extra: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_requests_are_counted_and_timed_by_view(client: Client) -> None:
    key = {"view": "health", "method": "GET"}
    before = scrape(client)

    for _ in range(3):
        client.get("/health/")
    client.post("/health/")

    after = scrape(client)
    counted = "django_http_responses_total_by_status_view_method_total"
    assert (
        value(after, counted, status="200", **key) - value(before, counted, status="200", **key)
        == 3
    )
    assert (
        value(after, counted, status="405", view="health", method="POST")
        - value(before, counted, status="405", view="health", method="POST")
        == 1
    )
    timed = "django_http_requests_latency_seconds_by_view_method_count"
    assert value(after, timed, **key) - value(before, timed, **key) == 3


def test_an_address_not_allowed_gets_404(client: Client, settings: Any) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.MEND_METRICS_ALLOW = ["127.0.0.1", "10.0.0.0/8"]

    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    # Behind the trusted proxy, the client's address counts, not the proxy's.
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert client.get("/metrics", **forwarded).status_code == 404


def test_an_empty_allow_list_lets_nobody_in(client: Client, settings: Any) -> None:
    settings.MEND_METRICS_ALLOW = []

    assert client.get("/metrics").status_code == 404


def test_the_queue_gauges_follow_the_tasks_waiting(client: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    with time_machine.travel(NINE, tick=False):
        assert value(scrape(client), "mend_task_queue_waiting") == 0
        remember.enqueue("one")
        remember.enqueue("two")
        remember.using(run_after=NINE + dt.timedelta(hours=1)).enqueue("later")
    with time_machine.travel(NINE + dt.timedelta(seconds=90), tick=False):
        samples = scrape(client)

    assert value(samples, "mend_task_queue_waiting") == 2
    assert value(samples, "mend_task_queue_oldest_seconds") == 90


def test_no_queue_gauges_without_the_database_queue(client: Client) -> None:
    samples = scrape(client)  # the test settings run tasks at once

    assert ("mend_task_queue_waiting", ()) not in samples


class Inbox:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """Mail through the counting backend to a real SMTP server on loopback."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "mend.core.metrics.CountingEmailBackend"
    settings.MEND_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def _email(to: str = "pat@mail.example") -> EmailMessage:
    return EmailMessage(subject="Your visit", body="See you soon.", to=[to])


def test_emails_sent_are_counted(client: Client, smtp: Inbox) -> None:
    before = scrape(client)

    _email().send()
    get_connection().send_messages([_email(), _email()])

    after = scrape(client)
    assert smtp.count == 3
    assert value(after, "mend_emails_sent_total") - value(before, "mend_emails_sent_total") == 3
    assert value(after, "mend_emails_failed_total") == value(before, "mend_emails_failed_total")


def test_emails_the_server_refuses_are_counted_as_failed(
    client: Client, smtp: Inbox, settings: Any
) -> None:
    settings.EMAIL_PORT = _free_port()  # nobody listens: the connection is refused
    before = scrape(client)

    with pytest.raises((smtplib.SMTPException, OSError)):
        get_connection().send_messages([_email(), _email()])
    assert get_connection(fail_silently=True).send_messages([_email()]) == 0

    after = scrape(client)
    assert value(after, "mend_emails_failed_total") - value(before, "mend_emails_failed_total") == 3
    assert value(after, "mend_emails_sent_total") == value(before, "mend_emails_sent_total")
