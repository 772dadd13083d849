"""Prometheus metrics at /metrics, for the addresses in MEND_METRICS_ALLOW only.

Requests: django-prometheus's middleware (counts by view, method and status,
latency by view). Pages the anonymous page cache serves without Django:
``mend_page_cache_hits_total`` and ``mend_page_cache_hit_seconds`` (counted by
``mend.core.requestlog.RequestLogApp``). Emails: ``mend_emails_sent_total`` and
``mend_emails_failed_total``, counted by ``CountingEmailBackend``, which every
email goes through before the backend EMAIL_URL chose. The task queue:
``mend_task_queue_waiting`` and ``mend_task_queue_oldest_seconds``, read from
the database when the page is scraped.

Counters live in each process. With PROMETHEUS_MULTIPROC_DIR set (``mend
serve`` sets it), every process of a machine, the task worker included, writes
its counters there and any of them reports the machine's sums; otherwise each
process reports its own (README, "Health and metrics").
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mend.core import clientip
from mend.core.http import no_store

logger = logging.getLogger(__name__)

EMAILS_SENT = Counter("mend_emails_sent", "Emails handed to the mail server.")
EMAILS_FAILED = Counter("mend_emails_failed", "Emails the mail server did not take.")
PAGE_CACHE_HITS = Counter(
    "mend_page_cache_hits", "Responses the page cache served without Django.", ["status"]
)
PAGE_CACHE_SECONDS = Histogram(
    "mend_page_cache_hit_seconds",
    "Time to serve a page from the page cache.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, float("inf")),
)


_HITS_BY_STATUS: dict[int, Any] = {}


def page_cache_hit(*, status: int, seconds: float) -> None:
    counter = _HITS_BY_STATUS.get(status)
    if counter is None:
        counter = _HITS_BY_STATUS[status] = PAGE_CACHE_HITS.labels(status=str(status))
    counter.inc()
    PAGE_CACHE_SECONDS.observe(seconds)


class CountingEmailBackend(BaseEmailBackend):
    """Counts what the real backend (MEND_EMAIL_BACKEND) sends and fails to send."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        backend = import_string(settings.MEND_EMAIL_BACKEND)
        self.inner = backend(fail_silently=fail_silently, **kwargs)

    def open(self) -> Any:
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        try:
            sent = int(self.inner.send_messages(messages) or 0)
        except Exception:
            EMAILS_FAILED.inc(len(messages))
            raise
        EMAILS_SENT.inc(sent)
        if sent < len(messages):  # failed silently
            EMAILS_FAILED.inc(len(messages) - sent)
        return sent


class QueueCollector(Collector):
    """The database task queue, read at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from mend.core import health

        if not health.uses_database_queue():
            return
        try:
            state = health.queue(now=timezone.now())
        except Exception:  # the database is down: /health/ready/ says so; report no queue
            logger.warning("The task queue could not be read for /metrics", exc_info=True)
            return
        yield GaugeMetricFamily(
            "mend_task_queue_waiting", "Tasks due to run that no worker has taken.", state.waiting
        )
        yield GaugeMetricFamily(
            "mend_task_queue_oldest_seconds",
            "How long the oldest task due to run has waited.",
            state.oldest_seconds,
        )


_AT_SCRAPE = CollectorRegistry(auto_describe=False)
_AT_SCRAPE.register(QueueCollector())


def _allowed(address: str) -> bool:
    if not address:
        return False
    parsed = ipaddress.ip_address(address)
    return any(
        parsed.version == network.version and parsed in network
        for network in (ipaddress.ip_network(v, strict=False) for v in settings.MEND_METRICS_ALLOW)
    )


def _process_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(clientip.client_address(request)):
        raise Http404("No such page.")
    body = generate_latest(_process_registry()) + generate_latest(_AT_SCRAPE)
    return no_store(HttpResponse(body, content_type=CONTENT_TYPE_LATEST))
