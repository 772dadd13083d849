"""Mend behind Debian's nginx, configured from deploy/nginx.conf, on loopback.

nginx connects to Mend from 127.0.0.2 (``proxy_bind``), the one proxy Mend is told to
trust; the test's clients connect from other loopback addresses (127.0.0.3, .4, .5),
so Mend can tell a request that came through the proxy from one sent to it directly.
Skipped where nginx is not installed (.ci/run installs it).
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from mend.booking.models import VisitType

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
DEPLOY_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
PROXY_ADDRESS = "127.0.0.2"

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_conf(deployed: str, *, upstream: str, port: int, work: Path) -> str:
    """deploy/nginx.conf as shipped, but on a loopback port without TLS, in front of the
    live server, connecting from PROXY_ADDRESS, logging into the scratch folder."""
    conf = deployed.replace("server 127.0.0.1:8000;", f"server {upstream};")
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    conf = re.sub(r"^\s*ssl_certificate\S*\s.*$", "", conf, flags=re.MULTILINE)
    conf = re.sub(r"server \{\s*listen 80;.*?\n\}", "", conf, flags=re.DOTALL)
    conf = conf.replace("/var/log/nginx/mend.access.log", str(work / "access.log"))
    conf = conf.replace(
        "proxy_pass http://mend;", f"proxy_pass http://mend;\n        proxy_bind {PROXY_ADDRESS};"
    )
    assert f"listen 127.0.0.1:{port}" in conf and "listen 80" not in conf
    temp = "\n".join(
        f"{name}_temp_path {work / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\nmaster_process off;\npid {work / 'nginx.pid'};\n"
        f"error_log {work / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n{temp}\n{conf}\n}}\n"
    )


@dataclass
class Proxy:
    port: int
    log: Path


@pytest.fixture
def proxy(live_server: Any, tmp_path: Path, settings: Any) -> Iterator[Proxy]:
    settings.MEND_TRUSTED_PROXIES = [PROXY_ADDRESS]
    upstream = urlsplit(live_server.url)
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        nginx_conf(
            DEPLOY_CONF.read_text(),
            upstream=f"127.0.0.1:{upstream.port}",
            port=port,
            work=tmp_path,
        )
    )
    process = subprocess.Popen(
        [str(NGINX), "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")  # type: ignore[union-attr]
                time.sleep(0.05)
        yield Proxy(port, tmp_path / "access.log")
    finally:
        process.terminate()
        process.wait(timeout=10)


class Browser:
    """One client at its own loopback address, keeping its cookies."""

    def __init__(self, source: str, port: int) -> None:
        self.source, self.port, self.cookies = source, port, SimpleCookie()

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(self.source, 0)
        )
        sent = {"Host": "127.0.0.1", **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        data = urlencode(body).encode() if body is not None else None
        if data is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        text = response.read().decode()
        connection.close()
        return response.status, text

    def join_waitlist(self, **headers: str) -> int:
        _, html = self.request("GET", "/book/waitlist/?visit=follow-up", **headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token, "no form on the waitlist page"
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "visit": "follow-up",
            "name": "",
            "email": "",
        }
        status, _ = self.request("POST", "/book/waitlist/join/", form, **headers)
        return status


@pytest.fixture
def follow_up() -> VisitType:
    return VisitType.objects.create(name="Follow-up", slug="follow-up", duration_minutes=30)


def test_two_clients_behind_nginx_are_limited_separately(
    proxy: Proxy, follow_up: VisitType, settings: Any
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 2
    first, second = Browser("127.0.0.3", proxy.port), Browser("127.0.0.4", proxy.port)

    # Nothing stored (the form is empty), but each post counts against its client.
    assert [first.join_waitlist() for _ in range(3)] == [400, 400, 429]
    assert second.join_waitlist() == 400


def test_a_forwarded_for_header_a_client_sends_through_nginx_is_not_believed(
    proxy: Proxy, follow_up: VisitType, settings: Any
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 1
    client = Browser("127.0.0.3", proxy.port)

    # nginx appends the real address; Mend reads from the right and stops there.
    assert client.join_waitlist(**{"X-Forwarded-For": "198.51.100.1"}) == 400
    assert client.join_waitlist(**{"X-Forwarded-For": "198.51.100.2"}) == 429


def test_a_forwarded_for_header_sent_straight_to_mend_is_ignored(
    proxy: Proxy, live_server: Any, follow_up: VisitType, settings: Any
) -> None:
    settings.MEND_BOOKING_RATE_LIMIT = 1
    direct = Browser("127.0.0.5", int(urlsplit(live_server.url).port or 0))

    assert direct.join_waitlist(**{"X-Forwarded-For": "198.51.100.1"}) == 400
    assert direct.join_waitlist(**{"X-Forwarded-For": "198.51.100.2"}) == 429


def test_the_access_log_keeps_no_link_secret(proxy: Proxy, follow_up: VisitType) -> None:
    client = Browser("127.0.0.3", proxy.port)

    status, _ = client.request(
        "GET",
        "/book/manage/sEcReT-manage.token/visit.ics?x=1",
        Referer="http://127.0.0.1/book/offer/sEcReT-offer.token/",
    )
    client.request("GET", "/clinic/feed/sEcReT-feed.token/calendar.ics")

    assert status == 404
    log = proxy.log.read_text()
    assert "sEcReT" not in log
    assert "/book/manage/[redacted]/visit.ics?x=1" in log
    assert "/book/offer/[redacted]/" in log
    assert "/clinic/feed/[redacted]/calendar.ics" in log
