"""The parts of bench/cluster.sh written in Python; each is a subcommand.

    cluster.py sink --port P --out FILE     an SMTP server on loopback writing one JSON line
                                            (Message-ID, subject, recipients) per message
    cluster.py nginx-conf …                 deploy/nginx.conf for loopback, both app servers
    cluster.py setup --out FILE             (with Mend's environment) 20 clinicians open every
                                            day, patients with programs, an editor and a
                                            moderator, held comments, sessions; the times to book
    cluster.py load --setup FILE …          the load, the mid-run restart and the checks
    cluster.py compare FILE                 the bookings-only figures of --compare, side by side

The load is bounded by count and by time: every kind of client stops after its own count
of requests or at --seconds (180 at most), whichever comes first. Clients keep one
keep-alive connection each; they retry a request only when its connection fails (nginx
answering 502 because the server it was talking to died counts as that), never on
another status.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

MAX_SECONDS = 180
TIMEOUT = 120  # seconds a client waits for an answer before it calls the connection failed
CLINICIANS = 20
PATIENTS = 24
HELD_COMMENTS = 12
VISIT = "follow-up"
SPACING = timedelta(minutes=45)  # a 30-minute visit and its 5-minute buffer, on the step
TIMES_PER_DAY = 31
DAYS = range(1, 50)  # tomorrow onwards, inside the visit type's 60-day horizon
REMINDER_HOURS = 2  # MEND_BOOKING_REMINDER_HOURS in cluster.sh
DOUBLE_BOOKINGS_SQL = """
    SELECT count(*) FROM booking_appointment a JOIN booking_appointment b
      ON a.clinician_id = b.clinician_id AND a.id < b.id
     AND a.status <> 'cancelled' AND b.status <> 'cancelled'
     AND tstzrange(a.busy_from, a.busy_until) && tstzrange(b.busy_from, b.busy_until)
"""
BOOKED_SUBJECT = "Booked: "
REMINDER_SUBJECT = "Reminder: "


# The SMTP sink.


def sink(port: int, out: Path) -> None:
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = message_from_bytes(envelope.original_content)
            line = {
                "message_id": message.get("Message-ID", ""),
                "subject": " ".join(str(message.get("Subject", "")).split()),
                "to": [address.lower() for address in envelope.rcpt_tos],
                "at": time.time(),
            }
            with lock, out.open("a") as file:
                file.write(json.dumps(line) + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


# nginx, as deployed but on loopback.


def nginx_conf(deployed: str, *, upstreams: list[str], port: int, work: Path) -> str:
    """deploy/nginx.conf as shipped, with both app servers in its upstream, on a loopback
    port without TLS, logging into the scratch folder (as tests/core/test_proxy.py does)."""
    servers = "\n    ".join(f"server {upstream};" for upstream in upstreams)
    conf = deployed.replace("server 127.0.0.1:8000;", servers)
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    conf = re.sub(r"^\s*ssl_certificate\S*\s.*$", "", conf, flags=re.MULTILINE)
    conf = re.sub(r"server \{\s*listen 80;.*?\n\}", "", conf, flags=re.DOTALL)
    conf = conf.replace("/var/log/nginx/mend.access.log", str(work / "access.log"))
    assert f"listen 127.0.0.1:{port}" in conf and "listen 80" not in conf
    temp = "\n".join(
        f"{name}_temp_path {work / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\nmaster_process off;\npid {work / 'nginx.pid.nginx'};\n"
        f"error_log {work / 'nginx-error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n{temp}\n{conf}\n}}\n"
    )


# Setup, run with the servers' Python and environment (possibly another checkout).


def setup(out: Path, *, bookings_only: bool) -> None:
    import django

    sys.path.insert(0, os.getcwd())
    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connections

    from mend.accounts.models import User
    from mend.booking.models import AvailabilityRule, Clinician, VisitType
    from mend.core import roles

    visit = VisitType.objects.get(slug=VISIT)
    clinicians = []
    for number in range(1, CLINICIANS + 1):
        user = User.objects.create_user(
            f"clinician{number:02}@cluster.example", None, display_name=f"Clinician {number}"
        )
        user.groups.add(Group.objects.get(name=roles.CLINICIAN))
        clinician = Clinician.objects.create(
            user=user, display_name=f"Dr. Cluster {number}", time_zone="UTC"
        )
        clinician.visit_types.add(visit)
        for weekday in range(7):
            AvailabilityRule.objects.create(
                clinician=clinician,
                weekday=weekday,
                start_time="00:00",
                end_time="23:45",
                mode="virtual",
            )
        clinicians.append(clinician.pk)
    today = datetime.now(UTC).date()
    times = [
        (
            pk,
            (
                datetime.combine(today + timedelta(days=day), datetime.min.time(), UTC)
                + step * SPACING
            ).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for day in DAYS
        for step in range(TIMES_PER_DAY)
        for pk in clinicians
    ]
    world: dict[str, Any] = {"clinicians": clinicians, "times": times}
    if not bookings_only:
        world |= _people(today)
    connections.close_all()
    out.write_text(json.dumps(world))


def _people(today: date) -> dict[str, Any]:
    """Patients with a program open every day, an editor and a moderator (with an
    authenticator, as staff must have), held comments on an article, and signed-in sessions."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.utils import timezone

    from mend.accounts.models import User
    from mend.care import services as care
    from mend.care.models import Episode
    from mend.community.models import Comment
    from mend.content.models import ArticlePage
    from mend.core import roles
    from mend.exercises import services as exercises
    from mend.exercises.models import Program

    now = timezone.now()
    lena = User.objects.get(email="lena@riverside-pt.example")
    template = Program.objects.get(owner=lena, is_template=True, name="Low back: moving again")

    def session(user: User) -> str:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client.cookies["sessionid"].value

    patients = []
    for number in range(1, PATIENTS + 1):
        user = User.objects.create_user(
            f"patient{number:02}@cluster.example",
            secrets.token_urlsafe(16),
            display_name=f"Patient {number}",
        )
        user.groups.add(Group.objects.get(name=roles.PATIENT))
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        episode = care.open_or_join(
            patient=user, clinician=lena, now=now, source=Episode.Source.ADMIN, reason="Low back"
        )
        assignment = exercises.assign(
            template,
            by=lena,
            episode=episode,
            start_date=today - timedelta(days=1),
            weeks=12,
            time_zone="UTC",
            note="",
            screen_first=False,
            now=now,
        )
        patients.append({"session": session(user), "program": assignment.program_id})
    staff = {}
    for key, email in (("editor", "ada@riverside-pt.example"), ("moderator", "")):
        user = User.objects.filter(email=email).first() if email else None
        if user is None:
            user = User.objects.create_user(
                "moderator@cluster.example", None, display_name="Moderator", is_staff=True
            )
            user.groups.add(Group.objects.get(name=roles.EDITOR))
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": secrets.token_hex(10)}
        )
        staff[key] = session(user)
    articles = list(ArticlePage.objects.live().order_by("pk"))
    published, commented = articles[0], articles[1]
    held = [
        Comment.objects.create(
            page=commented,
            name=f"Reader {number}",
            email=f"reader{number}@cluster.example",
            body=f"Thank you, this helped (reader {number}).",
            status=Comment.Status.PENDING,
            created_at=now,
        ).pk
        for number in range(1, HELD_COMMENTS + 1)
    ]
    return {
        "patients": patients,
        "staff": staff,
        "articles": [page.url for page in articles],
        "published": {"id": published.pk, "url": published.url, "title": published.title},
        "commented": {"url": commented.url, "comments": held},
    }


# The load.


class Gone(Exception):
    """The connection failed (or nginx said the server behind it did): try again."""


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    server_errors: list[str] = field(default_factory=list)
    retries: Counter[str] = field(default_factory=Counter)

    def record(self, kind: str, status: int, seconds: float, what: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {what}")


class Browser:
    """One reader's browser: a keep-alive connection, its cookies."""

    def __init__(self, port: int, stats: Stats, cookies: dict[str, str] | None = None) -> None:
        self.port, self.stats = port, stats
        self.cookies = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def _once(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, http.client.HTTPResponse]:
        sent = {"Host": "127.0.0.1", **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            raise Gone(str(error)) from None
        if response.status == 502 and "<center>nginx" in text:
            raise Gone("nginx: the app server went away")
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, response

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        form: dict[str, Any] | None = None,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str, http.client.HTTPResponse]:
        headers = dict(headers or {})
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(20):  # bounded: a restart takes a few seconds
            began = time.perf_counter()
            try:
                status, text, response = self._once(method, path, body, headers)
            except Gone:
                with self.stats.lock:
                    self.stats.retries[kind] += 1
                time.sleep(0.25 * (attempt + 1))
                continue
            self.stats.record(kind, status, time.perf_counter() - began, f"{method} {path}")
            return status, text, response
        raise SystemExit(f"{method} {path}: the connection failed 20 times")


def csrf(html: str) -> str:
    """The token of the page's form, or the one the Wagtail admin keeps in its config."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html) or re.search(
        r'"CSRF_TOKEN": ?"([^"]+)"', html
    )
    assert found, "no CSRF token in the page"
    return found.group(1)


@dataclass
class Run:
    args: argparse.Namespace
    world: dict[str, Any]
    stats: Stats
    deadline: float
    began: float
    booked: list[dict[str, Any]] = field(default_factory=list)  # what the server confirmed
    logged: list[tuple[int, str]] = field(default_factory=list)  # (program, token) confirmed
    outcomes: Counter[str] = field(default_factory=Counter)
    facts: dict[str, Any] = field(default_factory=dict)

    def going(self) -> bool:
        return time.monotonic() < self.deadline


def book(run: Run, browser: Browser, clinician: int, start: str, kind: str) -> str:
    """Open the details form for a time, as a guest who picked it, and post it."""
    moment = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    params = {
        "visit": VISIT,
        "mode": "virtual",
        "clinician": str(clinician),
        "tz": "UTC",
        "date": moment.date().isoformat(),
        "start": start,
    }
    status, html, _ = browser.request(f"{kind} form", "GET", "/book/details/?" + urlencode(params))
    if status != 200:
        return f"form {status}"
    key = re.search(r'name="request_key" value="([^"]+)"', html)
    assert key, "no request key on the details page"
    email = f"guest-{secrets.token_hex(6)}@cluster.example"
    form = params | {
        "csrfmiddlewaretoken": csrf(html),
        "request_key": key.group(1),
        "name": "Cluster Guest",
        "email": email,
    }
    status, html, _ = browser.request(f"{kind} post", "POST", "/book/details/", form)
    replayed = status == 409 and "This booking was already made." in html
    if status == 303 or replayed:
        with run.stats.lock:
            run.booked.append({"email": email, "start": start, "clinician": clinician})
        return "booked (replayed after a retry)" if replayed else "booked"
    if status == 409 and "That time was just taken." in html:
        return "just taken"
    return f"post {status}"


def guests(run: Run, index: int, clients: int, attempts: int, times: list[list[Any]]) -> None:
    """Guests book distinct free times: client i takes times i, i + clients, i + 2 clients…"""
    browser = Browser(run.args.nginx, run.stats)
    for clinician, start in times[index::clients][:attempts]:
        if not run.going():
            break
        outcome = book(run, browser, clinician, start, "booking")
        with run.stats.lock:
            run.outcomes[outcome] += 1


def reminders(run: Run) -> None:
    """Book visits a little over two hours ahead whose reminders come due before the run
    ends (one per clinician per minute, on the one-minute step cluster.sh sets)."""
    browser = Browser(run.args.nginx, run.stats)
    clinicians = run.world["clinicians"]
    last_due = time.time() + (run.deadline - time.monotonic()) - 15
    used: set[tuple[int, int]] = set()
    while run.going():
        soon = time.time() + REMINDER_HOURS * 3600 + 60  # the visit type's notice, and a margin
        moment = int(-(-soon // 60) * 60)
        if moment - REMINDER_HOURS * 3600 > last_due:
            break
        clinician = next((pk for pk in clinicians if (pk, moment) not in used), None)
        if clinician is None:
            time.sleep(1)
            continue
        used.add((clinician, moment))
        start = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        outcome = book(run, browser, clinician, start, "booking (soon)")
        with run.stats.lock:
            run.outcomes[f"soon: {outcome}"] += 1
        time.sleep(1)


def readers(run: Run, index: int, count: int) -> None:
    browser = Browser(run.args.nginx, run.stats)
    paths = ["/", *run.world["articles"]]
    rng = random.Random(index)
    for _ in range(count):
        if not run.going():
            break
        path = rng.choice(paths)
        browser.request("home" if path == "/" else "article", "GET", path)


def patients(run: Run, index: int, clients: int, logs_each: int) -> None:
    """Each patient opens their program's log form and saves a session, up to logs_each."""
    mine = run.world["patients"][index::clients]
    browsers = [Browser(run.args.nginx, run.stats, {"sessionid": p["session"]}) for p in mine]
    for _ in range(logs_each):
        for patient, browser in zip(mine, browsers, strict=True):
            if not run.going():
                return
            path = f"/me/programs/{patient['program']}/log/"
            status, html, _ = browser.request("log form", "GET", path)
            if status != 200:
                with run.stats.lock:
                    run.outcomes[f"log form {status}"] += 1
                continue
            token = re.search(r'name="token" value="([^"]+)"', html)
            done = re.findall(r'name="done" value="(\d+)"', html)
            assert token and done, "no session form on the log page"
            form = {
                "csrfmiddlewaretoken": csrf(html),
                "token": token.group(1),
                "done": done,
                "pain_during": "2",
                "pain_now": "1",
                "effort": "4",
                "note": "",
            }
            status, _, _ = browser.request("log post", "POST", path, form)
            with run.stats.lock:
                run.outcomes[f"log {status}"] += 1
                if status == 303:
                    run.logged.append((patient["program"], token.group(1)))
            browser.request("me", "GET", "/me/")


def moderator(run: Run) -> None:
    """Approves the held comments through the Wagtail admin, spread over the run."""
    browser = Browser(run.args.nginx, run.stats, {"sessionid": run.world["staff"]["moderator"]})
    held = run.world["commented"]["comments"]
    pause = (run.deadline - time.monotonic()) / (len(held) + 1)
    for pk in held:
        time.sleep(pause)
        if not run.going():
            break
        status, html, _ = browser.request("admin comments", "GET", "/admin/comments/")
        form = {"csrfmiddlewaretoken": csrf(html), "next": "/admin/comments/"}
        status, _, _ = browser.request(
            "admin approve", "POST", f"/admin/comments/approve/{pk}/", form
        )
        run.outcomes[f"approve {status}"] += 1


def direct_get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException):
        return 0, ""
    finally:
        connection.close()


def editor(run: Run) -> None:
    """Publishes a new revision of an article on server A's machine (a management command
    there), then asks both servers directly, not through nginx, until each shows it."""
    time.sleep(min(20.0, (run.deadline - time.monotonic()) / 4))
    page = run.world["published"]
    marker = f"Revised {secrets.token_hex(4)}"
    code = (
        "import time\n"
        "from wagtail.models import Page\n"
        f"page = Page.objects.get(pk={page['id']}).specific\n"
        f"page.title = {page['title'] + ' — ' + marker!r}\n"
        "page.save_revision().publish()\n"
        "print('published', time.time())\n"
    )
    answers: dict[str, list[tuple[float, bool]]] = {"A": [], "B": []}  # (began, fresh)
    stop = threading.Event()

    def watch(name: str, port: int) -> None:
        deadline = time.monotonic() + 90
        fresh_in_a_row = 0
        while not stop.is_set() and time.monotonic() < deadline and fresh_in_a_row < 5:
            began = time.time()
            status, html = direct_get(port, page["url"])
            if status != 200:
                continue  # no answer in time: neither old nor new
            fresh = marker in html
            fresh_in_a_row = fresh_in_a_row + 1 if fresh else 0
            with run.stats.lock:
                answers[name].append((began, fresh))
            time.sleep(0.005)

    # Four readers per server, each asking again as soon as it has its answer.
    watchers = [
        threading.Thread(target=watch, args=(name, port))
        for name, port in (("A", run.args.server_a), ("B", run.args.server_b))
        for _ in range(4)
    ]
    for watcher in watchers:
        watcher.start()
    result = subprocess.run(
        [run.args.python, "-m", "mend", "shell", "-c", code],
        cwd=run.args.checkout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    published = re.search(r"published ([0-9.]+)", result.stdout)
    if not published:
        stop.set()
        run.facts["publish"] = f"the publish failed: {result.stderr[-2000:]}"
        return
    for watcher in watchers:
        watcher.join(timeout=100)
    stop.set()
    at = float(published.group(1))
    facts = {}
    for name, seen in answers.items():
        stale = [began - at for began, fresh in seen if not fresh and began >= at]
        fresh = [began - at for began, fresh in seen if fresh]
        asked = sum(1 for began, _ in seen if began >= at)
        facts[name] = (1000 * max(stale, default=0.0), 1000 * min(fresh) if fresh else None, asked)
    run.facts["publish"] = facts


def uploader(run: Run) -> None:
    """An image uploaded through server A's Wagtail admin; then each server, asked
    directly, renders a page of it whose image addresses the S3 server answers."""
    cookies = {"sessionid": run.world["staff"]["editor"]}
    a = Browser(run.args.server_a, run.stats, cookies)
    status, html, _ = a.request("admin image", "GET", "/admin/images/add/")
    fields = {"csrfmiddlewaretoken": csrf(html), "title": "Cluster upload"}
    collection = re.search(r'name="collection"[^>]*>\s*<option value="(\d+)"', html)
    if collection:
        fields["collection"] = collection.group(1)
    boundary = secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cluster.png"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
        + png(64, 48)
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, html, response = a.request(
        "admin image",
        "POST",
        "/admin/images/add/",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    found = rows("SELECT id FROM wagtailimages_image WHERE title = 'Cluster upload'")
    if status != 302 or not found:
        run.facts["upload"] = f"the upload answered {status} {response.getheader('Location')}"
        return
    served = {}
    for name, port in (("A", run.args.server_a), ("B", run.args.server_b)):
        browser = Browser(port, run.stats, cookies)
        _, html, _ = browser.request("admin image", "GET", f"/admin/images/{found[0][0]}/")
        addresses = {
            address.replace("&amp;", "&")
            for address in re.findall(r'src="(http://127\.0\.0\.1:\d+/mend-media/[^"]+)"', html)
        }
        served[name] = [fetch(address) for address in sorted(addresses)]
    run.facts["upload"] = served


def fetch(address: str) -> tuple[int, str, int]:
    parts = urlsplit(address)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("GET", f"{parts.path}?{parts.query}")
    response = connection.getresponse()
    data = response.read()
    return response.status, response.getheader("Content-Type") or "", len(data)


def png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 128)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def killer(run: Run) -> None:
    """kill -9 server A in the middle of the run, start it again at once, and note how long
    it took to answer again (a new process in a new session, killed at exit like the rest)."""
    time.sleep((run.deadline - time.monotonic()) / 2)
    work = Path(run.args.work)
    pid = int((work / "app-a.pid").read_text())
    os.killpg(pid, signal.SIGKILL)  # granian's parent and its worker: the machine is gone
    killed = time.monotonic()
    command = (work / "app-a.cmd").read_text().split("\n")
    log = (work / "app-a.log").open("ab")
    process = subprocess.Popen(
        [part for part in command if part],
        cwd=run.args.checkout,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (work / "app-a.pid").write_text(str(process.pid))
    for _ in range(300):
        if direct_get(run.args.server_a, "/health/")[0] == 200:
            break
        time.sleep(0.1)
    run.facts["restart"] = time.monotonic() - killed


def start(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()


def load(args: argparse.Namespace) -> int:
    world = json.loads(Path(args.setup).read_text())
    seconds = min(args.seconds, MAX_SECONDS)
    stats = Stats()
    began = time.monotonic()
    run = Run(args, world, stats, deadline=began + seconds, began=began)
    times = world["times"]
    if args.bookings_only:
        threads = [threading.Thread(target=guests, args=(run, i, 64, 40, times)) for i in range(64)]
    else:
        threads = [
            *(threading.Thread(target=readers, args=(run, i, 4000)) for i in range(8)),
            *(threading.Thread(target=patients, args=(run, i, 8, 10)) for i in range(8)),
            *(threading.Thread(target=guests, args=(run, i, 16, 60, times)) for i in range(16)),
            threading.Thread(target=reminders, args=(run,)),
            threading.Thread(target=moderator, args=(run,)),
            threading.Thread(target=editor, args=(run,)),
            threading.Thread(target=uploader, args=(run,)),
            threading.Thread(target=killer, args=(run,)),
        ]
    wall = time.time()
    start(threads)
    for thread in threads:
        thread.join(timeout=seconds + 150)
    elapsed = time.monotonic() - began
    print_table(stats, elapsed)
    if args.bookings_only:
        return bookings_only_report(run, elapsed)
    return check(run, elapsed, wall)


def p(values: list[float], q: int) -> float:
    if len(values) < 2:
        return 1000 * (values[0] if values else 0.0)
    return 1000 * statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def print_table(stats: Stats, elapsed: float) -> None:
    print(f"\n{'kind':<22}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for kind in sorted(stats.latencies):
        values = stats.latencies[kind]
        codes = " ".join(f"{code}:{n}" for code, n in sorted(stats.statuses[kind].items()))
        print(
            f"{kind:<22}{len(values):>9}{len(values) / elapsed:>9.1f}"
            f"{p(values, 50):>9.0f}{p(values, 99):>9.0f}  {codes}"
        )
    total = sum(len(values) for values in stats.latencies.values())
    print(f"{'all':<22}{total:>9}{total / elapsed:>9.1f}   in {elapsed:.1f} s")
    if stats.retries:
        print(f"retried after a connection error: {dict(stats.retries)}")


def bookings_only_report(run: Run, elapsed: float) -> int:
    booked = sum(n for outcome, n in run.outcomes.items() if outcome.startswith("booked"))
    print(f"outcomes: {dict(sorted(run.outcomes.items()))}")
    double = sql(DOUBLE_BOOKINGS_SQL)
    print(
        f"bookings/s: {booked / elapsed:.1f}   ({booked} bookings by 64 clients across "
        f"{CLINICIANS} clinicians in {elapsed:.1f} s; double bookings {double})"
    )
    errors = len(run.stats.server_errors)
    return 0 if double == 0 and errors == 0 else 1


def sql(query: str, *params: Any) -> Any:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        return connection.execute(query, params).fetchone()[0]  # type: ignore[index]


def rows(query: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        return connection.execute(query, params).fetchall()


def drain(seconds: float) -> int:
    """Wait (bounded) until no task that is due is left waiting; how many still are."""
    waiting = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        waiting = sql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING') "
            "AND (run_after <= now() OR run_after > now() + interval '100 years')",
        )
        if not waiting:
            return 0
        time.sleep(0.5)
    return int(waiting)


def mail(work: Path) -> list[dict[str, Any]]:
    path = work / "mail.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def check(run: Run, elapsed: float, wall: float) -> int:
    work = Path(run.args.work)
    results: list[tuple[str, bool, str]] = []

    def result(name: str, ok: bool, detail: str) -> None:
        results.append((name, ok, detail))

    errors = run.stats.server_errors
    tracebacks = sum(
        path.read_text(errors="replace").count("Traceback") for path in work.glob("app-*.log")
    )
    result(
        "5xx responses",
        not errors,
        f"{len(errors)} (first: {errors[:3]}); tracebacks in the servers' logs: {tracebacks}",
    )
    double = sql(DOUBLE_BOOKINGS_SQL)
    result("double bookings", double == 0, str(double))
    stored = {
        email
        for (email,) in rows(
            "SELECT email FROM booking_appointment WHERE email LIKE 'guest-%%@cluster.example'"
        )
    }
    confirmed = {b["email"] for b in run.booked}
    lost = confirmed - stored
    result(
        "no booking lost",
        not lost,
        f"{len(confirmed)} confirmed, {len(stored)} stored, {len(lost)} confirmed but missing",
    )
    logs = {
        (program, str(token))
        for program, token in rows(
            "SELECT p.id, l.token FROM exercises_sessionlog l "
            "JOIN exercises_assignment a ON a.id = l.assignment_id "
            "JOIN exercises_program p ON p.id = a.program_id"
        )
    }
    lost_logs = set(map(tuple, run.logged)) - logs
    result(
        "no session log lost",
        bool(run.logged) and not lost_logs,
        f"{len(run.logged)} saved, {len(lost_logs)} missing",
    )

    waiting = drain(90)
    checked_at = time.time()
    # Reminders due a few seconds before the queue was found drained, of visits booked
    # before their reminder's time (a visit booked later than that gets none, by design).
    due = {
        email
        for (email,) in rows(
            "SELECT email FROM booking_appointment WHERE status = 'booked' "
            "AND email LIKE 'guest-%%@cluster.example' "
            "AND start - interval '2 hours' <= now() - interval '3 seconds' "
            "AND start - interval '2 hours' > created_at + interval '2 seconds'"
        )
    }
    too_late = sql(
        "SELECT count(*) FROM booking_appointment WHERE email LIKE 'guest-%%@cluster.example' "
        "AND start - interval '2 hours' <= created_at + interval '2 seconds'"
    )
    failed = sql("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'")
    result("no task failed", failed == 0, str(failed))
    messages = mail(work)
    by_kind: dict[str, Counter[str]] = {BOOKED_SUBJECT: Counter(), REMINDER_SUBJECT: Counter()}
    ids = Counter(message["message_id"] for message in messages)
    for message in messages:
        for prefix, counter in by_kind.items():
            if message["subject"].startswith(prefix):
                counter.update(message["to"])
    booked_mail = by_kind[BOOKED_SUBJECT]
    wrong = [email for email in stored if booked_mail[email] != 1]
    extra = [email for email in booked_mail if email.startswith("guest-") and email not in stored]
    result(
        "one confirmation per booking",
        not wrong and not extra and waiting == 0,
        f"{len(stored)} bookings, {sum(booked_mail[e] for e in stored)} confirmations; "
        f"not exactly one: {len(wrong)}; tasks still due: {waiting}",
    )
    reminded = by_kind[REMINDER_SUBJECT]
    twice = [email for email, n in reminded.items() if n > 1]
    missing = [email for email in due if reminded[email] != 1]
    result(
        "reminders due sent once",
        bool(due) and not missing and not twice,
        f"{len(due)} due, {sum(reminded.values())} sent, "
        f"missing {len(missing)}, twice {len(twice)} "
        f"({too_late} booked after their reminder's time, so none is due)",
    )
    result(
        "no Message-ID sent twice",
        all(n == 1 for n in ids.values()),
        f"{len(messages)} messages, {len(ids)} Message-IDs",
    )

    recheck = int(os.environ.get("MEND_PAGE_CACHE_RECHECK_MS", "1000"))
    publish = run.facts.get("publish")
    if isinstance(publish, dict):
        # No answer begun later than the recheck interval after the publish was stale.
        ok = all(fresh is not None and stale <= recheck for stale, fresh, _ in publish.values())
        shown = ", ".join(
            f"{name}: {asked} answers asked for after it, the last old page asked for "
            f"{stale:.0f} ms after, the first new one "
            f"{'never' if fresh is None else f'{fresh:.0f} ms'}"
            for name, (stale, fresh, asked) in publish.items()
        )
        result("publish seen by both servers", ok, f"{shown} (must be within {recheck} ms)")
    else:
        result("publish seen by both servers", False, str(publish))
    upload = run.facts.get("upload")
    if isinstance(upload, dict):
        ok = (
            all(
                answers and all(s == 200 and t.startswith("image/") for s, t, _ in answers)
                for answers in upload.values()
            )
            and len(upload) == 2
        )
        result(
            "upload served by both servers", ok, "; ".join(f"{k}: {v}" for k, v in upload.items())
        )
    else:
        result("upload served by both servers", False, str(upload))
    approved = sql(
        "SELECT count(*) FROM community_comment WHERE status = 'approved' "
        "AND email LIKE 'reader%%@cluster.example'",
    )
    result(
        "comments approved",
        approved == run.outcomes.get("approve 303", 0) > 0,
        f"{approved} approved, {run.outcomes.get('approve 303', 0)} approvals answered 303",
    )
    restart = run.facts.get("restart")
    result(
        "server A killed and back",
        restart is not None and restart < 30,
        f"answering again {restart:.1f} s after kill -9" if restart else "never restarted",
    )

    print(f"\noutcomes: {dict(sorted(run.outcomes.items()))}")
    print(f"checked {checked_at - wall:.0f} s after the start\n")
    for name, ok, detail in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    failed = [name for name, ok, _ in results if not ok]
    print("\nresult: " + ("ok" if not failed else f"FAILED ({', '.join(failed)})"))
    return 1 if failed else 0


def compare(path: Path) -> None:
    figures: dict[str, list[float]] = defaultdict(list)
    for line in path.read_text().splitlines():
        side, value = line.split()
        figures[side].append(float(value))
    for side in sorted(figures):
        values = figures[side]
        print(
            f"{side}: bookings/s {' '.join(f'{v:.1f}' for v in values)}   "
            f"median {statistics.median(values):.1f}"
        )
    if figures.get("A") and figures.get("B"):
        ratio = statistics.median(figures["A"]) / max(statistics.median(figures["B"]), 1e-9)
        print(f"A / B: {ratio:.1f} x")


def main() -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("sink")
    command.add_argument("--port", type=int, required=True)
    command.add_argument("--out", type=Path, required=True)
    command = commands.add_parser("nginx-conf")
    command.add_argument("--deployed", type=Path, required=True)
    command.add_argument("--port", type=int, required=True)
    command.add_argument("--upstream", action="append", required=True)
    command.add_argument("--work", type=Path, required=True)
    command = commands.add_parser("setup")
    command.add_argument("--out", type=Path, required=True)
    command.add_argument("--bookings-only", action="store_true")
    command = commands.add_parser("load")
    for name in ("--setup", "--work", "--checkout", "--python"):
        command.add_argument(name, required=True)
    for name in ("--nginx", "--server-a", "--server-b"):
        command.add_argument(name, type=int, required=True)
    command.add_argument("--seconds", type=float, default=MAX_SECONDS)
    command.add_argument("--bookings-only", action="store_true")
    command = commands.add_parser("compare")
    command.add_argument("results", type=Path)
    args = parser.parse_args()
    if args.command == "sink":
        sink(args.port, args.out)
    elif args.command == "nginx-conf":
        conf = nginx_conf(
            args.deployed.read_text(), upstreams=args.upstream, port=args.port, work=args.work
        )
        print(conf)
    elif args.command == "setup":
        setup(args.out, bookings_only=args.bookings_only)
    elif args.command == "load":
        return load(args)
    elif args.command == "compare":
        compare(args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
