"""One id per request, in its response and in every log line written while it runs.

``RequestLogMiddleware`` (right after ``mend.core.security``, which has found the
client's real address) takes the id a trusted proxy sent in ``X-Request-ID`` or
makes one, keeps it in a context variable for ``RequestIdFilter``, echoes it in
the response and logs one line per request to ``mend.request``: method, path
(without its query, and with secrets redacted), status, duration, view.

Pages the anonymous page cache serves never reach Django. ``RequestLogApp``
wraps the whole WSGI stack (mend/wsgi.py): it gives every request its id before
the page cache runs, and logs and counts the requests Django did not see.

``JsonFormatter`` writes a record as one JSON object (MEND_LOG_FORMAT=json);
``RedactFilter`` keeps link secrets out of every line (``mend.core.redact``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any, cast

from django.http import HttpRequest, HttpResponse

from mend.core import clientip
from mend.core.redact import redact

logger = logging.getLogger("mend.request")

HEADER = "X-Request-ID"
ENVIRON_ID = "mend.request_id"  # set by RequestLogApp, read by the middleware
ENVIRON_LOGGED = "mend.request_logged"  # set by the middleware: Django logged this one
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_request_id: ContextVar[str] = ContextVar("mend_request_id", default="")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def current_request_id() -> str:
    return _request_id.get()


def _incoming_or_new(meta: dict[str, Any]) -> str:
    """A trusted proxy's id (nginx's $request_id, a load balancer's), else a new one."""
    sent = str(meta.get("HTTP_X_REQUEST_ID") or "")
    if sent and _VALID_ID.fullmatch(sent):
        request = cast(HttpRequest, SimpleNamespace(META=meta))  # clientip reads META only
        if clientip.from_trusted_proxy(request):
            return sent
    return os.urandom(16).hex()


def log_request(
    *, method: str, path: str, status: int, started: float, view: str, request_id: str
) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    path = redact(path)
    logger.info(
        "%s %s %s %sms",
        method,
        path,
        status,
        duration_ms,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "view": view,
            "request_id": request_id,
        },
    )


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request.META.get(ENVIRON_ID) or _incoming_or_new(request.META)
        request.META[ENVIRON_ID] = request_id
        outer = _request_id.get()
        _request_id.set(request_id)
        try:
            response = self.get_response(request)
        except BaseException:
            _request_id.set(outer)
            raise
        response[HEADER] = request_id
        match = request.resolver_match
        log_request(
            method=request.method or "",
            path=request.path,
            status=response.status_code,
            started=started,
            view=(match.view_name if match else "") or "",
            request_id=request_id,
        )
        request.META[ENVIRON_LOGGED] = True
        # Django logs a 4xx or 5xx after the middleware has returned: the id stays until
        # the server closes the response.
        response._resource_closers.append(lambda: _request_id.set(outer))
        return response


class RequestLogApp:
    """WSGI wrapper around the page cache: the id for every request, and the log line and
    count for the ones the page cache answered without Django."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = _incoming_or_new(environ)
        environ[ENVIRON_ID] = request_id
        seen: dict[str, int] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"] = int(status.split(" ", 1)[0])
            # A stored page must not repeat the id of the request that rendered it.
            headers = [(n, v) for n, v in headers if n.lower() != "x-request-id"]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        # Set, not reset by token: the server may iterate the body in another context.
        _request_id.set(request_id)
        try:
            result = self.app(environ, start)
        except BaseException:
            _request_id.set("")
            raise
        if isinstance(result, list):  # the whole body, made already (the page cache's)
            self._done(environ, started, seen)
            return result
        return self._finish(result, environ, started, seen)

    def _finish(
        self, result: Iterable[bytes], environ: dict[str, Any], started: float, seen: dict[str, int]
    ) -> Iterator[bytes]:
        _request_id.set(str(environ[ENVIRON_ID]))
        try:
            yield from result
        finally:
            if hasattr(result, "close"):
                result.close()
            self._done(environ, started, seen)

    @classmethod
    def _done(cls, environ: dict[str, Any], started: float, seen: dict[str, int]) -> None:
        if not environ.get(ENVIRON_LOGGED):
            cls._served_without_django(environ, started, seen.get("status", 0))
        _request_id.set("")

    @staticmethod
    def _served_without_django(environ: dict[str, Any], started: float, status: int) -> None:
        from mend.core import metrics

        metrics.page_cache_hit(status=status, seconds=time.perf_counter() - started)
        log_request(
            method=str(environ.get("REQUEST_METHOD", "")),
            path=str(environ.get("PATH_INFO", "")),
            status=status,
            started=started,
            view="page cache",
            request_id=str(environ[ENVIRON_ID]),
        )


class RequestIdFilter(logging.Filter):
    """Every record gets ``request_id``: its request's, or "-" outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get() or "-"
        return True


class RedactFilter(logging.Filter):
    """Link secrets out of the message and its arguments, before any formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, the
    record's plain extra fields (a request line's method, path, status…), and the
    traceback. Objects such as Django's request are left out: their text holds the
    query string and more."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or _request_id.get() or "-",
        }
        for key, value in vars(record).items():
            plain = value is None or isinstance(value, str | int | float | bool)
            if plain and key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, ensure_ascii=False))
