"""GET pages through Mend's real WSGI stack (the page cache in front of Django).

Django closes database connections when a request starts and finishes; inside a test
that would end the test's transaction, so, as Django's own test client does,
the connection is kept open for the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from wsgiref.util import setup_testing_defaults

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Response:
    status: str
    headers: dict[str, list[str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@contextmanager
def _connections_kept_open() -> Iterator[None]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def wsgi_get(app: WSGIApp, path: str, **environ: str) -> Response:
    env: dict[str, Any] = {"PATH_INFO": path, "HTTP_HOST": "testserver", **environ}
    setup_testing_defaults(env)
    env["SERVER_NAME"] = "testserver"
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.update(status=status, headers=headers)
        return lambda data: None

    with _connections_kept_open():
        body = b"".join(app(env, start_response))
    headers: dict[str, list[str]] = {}
    for name, value in seen["headers"]:
        headers.setdefault(name.lower(), []).append(value)
    return Response(seen["status"], headers, body)
