"""One id per request, in the response and every log line; one JSON line per request; no
link secret in any of it."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application
from django.test import Client

from mend.content.models import ArticlePage
from mend.core import metrics
from mend.core.pagecache import PageCacheApp
from mend.core.redact import SECRET_PREFIXES, redact
from mend.core.requestlog import JsonFormatter, RedactFilter, RequestIdFilter, RequestLogApp
from tests.wsgi import wsgi_get

pytestmark = pytest.mark.django_db

NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The console handler as MEND_LOG_FORMAT=json configures it, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter())
    root, request_logger = logging.getLogger(), logging.getLogger("mend.request")
    level = request_logger.level
    root.addHandler(handler)
    request_logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        request_logger.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def request_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in lines(stream) if line["logger"] == "mend.request"]


def test_settings_put_the_id_and_the_redaction_on_every_line() -> None:
    console = django_settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["request_id", "redact"]
    middleware = django_settings.MIDDLEWARE
    assert middleware.index("mend.core.requestlog.RequestLogMiddleware") == (
        middleware.index("mend.core.security.SecurityMiddleware") + 1
    )


def test_one_json_line_per_request_with_its_id(client: Client, json_log: io.StringIO) -> None:
    response = client.get("/health/")

    (line,) = request_lines(json_log)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/health/"
    assert line["status"] == 200
    assert line["view"] == "health"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")


def test_each_request_gets_its_own_id(client: Client) -> None:
    assert client.get("/health/")["X-Request-ID"] != client.get("/health/")["X-Request-ID"]


def test_every_line_of_a_request_carries_its_id(client: Client, json_log: io.StringIO) -> None:
    response = client.get("/no-such-page-here/")

    assert response.status_code == 404
    logged = lines(json_log)
    not_found = [line for line in logged if line["logger"] == "django.request"]
    assert not_found, "Django logs a 404"
    assert {line["request_id"] for line in logged} == {response["X-Request-ID"]}


def test_a_trusted_proxys_id_is_kept(client: Client, settings: Any) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]

    response = client.get("/health/", REMOTE_ADDR="127.0.0.1", HTTP_X_REQUEST_ID="nginx-42.abc")

    assert response["X-Request-ID"] == "nginx-42.abc"


def test_an_id_from_anyone_else_is_replaced(client: Client, settings: Any) -> None:
    settings.MEND_TRUSTED_PROXIES = ["127.0.0.1"]

    response = client.get("/health/", REMOTE_ADDR="203.0.113.7", HTTP_X_REQUEST_ID="forged")

    assert response["X-Request-ID"] != "forged"


def test_an_unreadable_id_from_the_proxy_is_replaced(client: Client) -> None:
    response = client.get("/health/", REMOTE_ADDR="127.0.0.1", HTTP_X_REQUEST_ID="a b\nc")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_the_path_is_logged_without_its_query(client: Client, json_log: io.StringIO) -> None:
    client.get("/health/?q=knee+pain")

    assert request_lines(json_log)[0]["path"] == "/health/"
    assert "knee" not in json_log.getvalue()


@pytest.mark.parametrize(
    "path",
    [
        "/book/manage/sEcReT-manage.token/",
        "/book/manage/sEcReT-manage.token/visit.ics",
        "/book/offer/sEcReT-offer/",
        "/book/link/sEcReT-link/",
        "/clinic/feed/sEcReT-feed/calendar.ics",
        "/accounts/confirm-email/sEcReT:confirm-key/",
        "/accounts/password/reset/key/1x-sEcReT-reset-key/",
    ],
)
def test_no_link_secret_reaches_the_log(client: Client, json_log: io.StringIO, path: str) -> None:
    client.get(path)

    text = json_log.getvalue()
    assert "sEcReT" not in text
    assert "[redacted]" in request_lines(json_log)[0]["path"]


def test_pages_without_a_secret_are_logged_as_they_are() -> None:
    assert redact("/accounts/password/reset/key/done/") == "/accounts/password/reset/key/done/"
    assert redact("/book/") == "/book/"
    assert redact("GET /book/manage/abc/x HTTP/1.1") == "GET /book/manage/[redacted]/x HTTP/1.1"


def _nginx_map(variable: str) -> re.Pattern[str]:
    """The regex of deploy/nginx.conf's map over ``variable``, in Python's syntax."""
    conf = NGINX_CONF.read_text()
    found = re.search(rf"map \${variable} \$\w+ \{{\s*\"~(.+?)\" \"", conf)
    assert found, f"deploy/nginx.conf has no map over ${variable}"
    return re.compile(found.group(1).replace("(?<", "(?P<"))


@pytest.mark.parametrize("variable", ["request_uri", "http_referer"])
def test_nginx_redacts_every_prefix_mend_redacts(variable: str) -> None:
    pattern = _nginx_map(variable)
    base = "https://mend.example.org" if variable == "http_referer" else ""
    for prefix in SECRET_PREFIXES:
        path = f"{base}{prefix}sEcReT-value/next?x=1"
        assert pattern.match(path), f"deploy/nginx.conf does not redact {prefix}"
    assert pattern.match(f"{base}/accounts/password/reset/key/done/") is None
    assert pattern.match(f"{base}/book/") is None


@pytest.fixture
def wsgi_app() -> RequestLogApp:
    """mend/wsgi.py's stack (built before json_log: Django's setup configures logging)."""
    return RequestLogApp(PageCacheApp(get_wsgi_application()))


def test_cached_pages_are_logged_and_counted_outside_django(
    wsgi_app: RequestLogApp, article: ArticlePage, json_log: io.StringIO
) -> None:
    app = wsgi_app
    hits = metrics.PAGE_CACHE_HITS.labels(status="200")
    before = hits._value.get()

    first = wsgi_get(app, article.url)
    second = wsgi_get(app, article.url)

    assert first.status == second.status == "200 OK"
    first_id, second_id = first.headers["x-request-id"], second.headers["x-request-id"]
    assert len(first_id) == len(second_id) == 1 and first_id != second_id
    logged = request_lines(json_log)
    assert [(line["view"], line["request_id"]) for line in logged] == [
        ("wagtail_serve", first_id[0]),
        ("page cache", second_id[0]),
    ]
    assert hits._value.get() == before + 1


def test_a_record_with_a_traceback_stays_one_line() -> None:
    try:
        raise ValueError("bad /book/manage/sEcReT/ value")
    except ValueError:
        record = logging.getLogger("mend.test").makeRecord(
            "mend.test", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )

    text = JsonFormatter().format(record)

    assert "\n" not in text
    line = json.loads(text)
    assert line["level"] == "ERROR" and line["message"] == "failed"
    assert "ValueError" in line["exception"] and "sEcReT" not in line["exception"]
