"""Race 64 clients for 200 visit times on two app servers over PostgreSQL; count what went wrong.

The demo clinic (`load_booking_demo`) on a fresh PostgreSQL database, served
as in production (MEND_DEBUG off, granian) by two separate server processes.
200 follow-up times are chosen across the three clinicians, 45 minutes apart
so each can be booked once (30-minute visits, 5-minute buffer). 64 clients,
half on each server, each load the details form of a random time and post it;
a quarter of the attempts aim 15 minutes late, which clashes with two of the
200 times. Bounded: each client stops after 40 attempts, everyone stops after
120 s. Then the database is checked for overlapping live visits.

Beside the race, a distinct-times workload: the same 64 clients each book their
own share of 192 other free times across the three clinicians (no two clients
aim at one time), which measures bookings that do not compete for a time but
do for the clinicians' days and the database.

Prints bookings per second for both, double bookings (must be 0) and server
errors (must be 0). Run from the repository root, PostgreSQL on 127.0.0.1:5432:

    .venv/bin/python bench/booking_race.py
"""

from __future__ import annotations

import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORTS = (8091, 8092)
CLIENTS = 64
SLOTS = 200
ATTEMPTS_PER_CLIENT = 40
DEADLINE_SECONDS = 120
SPACING = timedelta(minutes=45)
NEW_YORK = ZoneInfo("America/New_York")
CLASHING = 0.25  # share of attempts aimed 15 minutes after a chosen time
PICK_FROM = 8  # clients choose among the earliest times still free
ALONE = 20  # bookings made first by a single client, for the uncontended latency
DISTINCT = 192  # times booked by the distinct-times workload, three per client
PG = "postgresql://postgres@127.0.0.1:5432"
DATABASE = f"mend_bench_race_{os.getpid()}"
DOUBLE_BOOKINGS_SQL = """
    SELECT count(*) FROM booking_appointment a JOIN booking_appointment b
      ON a.clinician_id = b.clinician_id AND a.id < b.id
     AND a.status <> 'cancelled' AND b.status <> 'cancelled'
     AND tstzrange(a.busy_from, a.busy_until) && tstzrange(b.busy_from, b.busy_until)
"""


def environment(work: Path) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "MEND_DEBUG": "false",
        "MEND_SECRET_KEY": secrets.token_urlsafe(40),
        "MEND_VAR_DIR": str(work),
        "MEND_BASE_URL": f"http://127.0.0.1:{PORTS[0]}",
        "MEND_ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "dummy:",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "mend.settings",
    }


def prepare(env: dict[str, str]) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    commands = (
        ["migrate", "--no-input", "-v", "0"],
        ["collectstatic", "--no-input", "-v", "0"],
        ["load_booking_demo"],
    )
    for command in commands:
        run = [PYTHON, "-m", "mend", *command]
        subprocess.run(run, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def choose_slots(env: dict[str, str]) -> list[tuple[int, datetime]]:
    """200 (clinician, start) pairs free now and far enough apart to be booked one each."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from mend.booking.availability import Want, free_times
    from mend.booking.models import Clinician, Mode, VisitType

    follow_up = VisitType.objects.get(slug="follow-up")
    now = datetime.now(UTC)
    chosen: list[tuple[int, datetime]] = []
    for clinician in Clinician.objects.order_by("pk"):
        last: datetime | None = None
        for start in free_times(Want(follow_up, Mode.VIRTUAL, None, clinician), now=now):
            if last is None or start - last >= SPACING:
                chosen.append((clinician.pk, start))
                last = start
    connections.close_all()  # the database is dropped at the end
    chosen.sort(key=lambda pair: pair[1])
    wanted = SLOTS + ALONE + DISTINCT
    assert len(chosen) >= wanted, f"only {len(chosen)} free times"
    rng = random.Random(7)
    picked = rng.sample(chosen, wanted)  # spread over days and clinicians, then in time order
    return sorted(picked[: SLOTS + ALONE], key=lambda pair: pair[1]) + picked[SLOTS + ALONE :]


def start_servers(env: dict[str, str], work: Path) -> list[subprocess.Popen[bytes]]:
    servers = []
    for port in PORTS:
        log = (work / f"server-{port}.log").open("wb")
        servers.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "granian",
                    "--interface",
                    "wsgi",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                    "--blocking-threads",
                    "8",
                    "--log-level",
                    "warning",
                    "--no-ws",
                    "mend.wsgi:application",
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    for port in PORTS:
        for _ in range(150):  # bounded: 30 s
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/health/")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"the server on port {port} did not start")
    return servers


class Client:
    """One patient's browser: keeps its connection and CSRF cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        found = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        if found:
            self.cookie = f"csrftoken={found.group(1)}"
        return response.status, response.read().decode()


def attempt(client: Client, clinician: int, start: datetime, latencies: list[float]) -> str:
    """Open the details form for a time, as a patient who picked it, and post it."""
    params = {"visit": "follow-up", "mode": "virtual", "clinician": str(clinician),
              "tz": "America/New_York", "date": start.astimezone(NEW_YORK).date().isoformat(),
              "start": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip
    status, html = client.request("GET", "/book/details/?" + urlencode(params))
    if status >= 500:
        return "server error"
    if status == 409 and "That time was just taken." in html:
        return "taken before the form"
    if status != 200:
        return f"form {status}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    key = re.search(r'name="request_key" value="([^"]+)"', html)
    assert token and key, "no form on the details page"
    form = params | {
        "csrfmiddlewaretoken": token.group(1),
        "request_key": key.group(1),
        "name": "Race Runner",
        "email": f"runner{secrets.token_hex(4)}@mail.example",
    }
    began = time.perf_counter()
    status, html = client.request("POST", "/book/details/", urlencode(form))
    latencies.append(time.perf_counter() - began)
    if status == 303:
        return "booked"
    if status == 409 and "That time was just taken." in html:
        return "just taken"
    return "server error" if status >= 500 else f"other {status}"


def alone(slots: list[tuple[int, datetime]]) -> float:
    """Median milliseconds of a booking post with nobody else around."""
    client, latencies = Client(PORTS[0]), []
    for clinician, start in slots:
        assert attempt(client, clinician, start, latencies) == "booked"
    return 1000 * statistics.median(latencies)


def distinct(slots: list[tuple[int, datetime]]) -> tuple[Counter[str], float]:
    """Each client books its own share of the times: nobody aims at another's time."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def run(index: int) -> None:
        client, latencies = Client(PORTS[index % len(PORTS)]), []
        barrier.wait()
        for clinician, start in slots[index::CLIENTS]:
            try:
                outcome = attempt(client, clinician, start, latencies)
            except (OSError, http.client.HTTPException):
                outcome = "connection error"
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(index,)) for index in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS + 60)
    return outcomes, time.perf_counter() - began


def race(slots: list[tuple[int, datetime]]) -> tuple[Counter[str], list[float], float]:
    """Clients pick among the earliest times still shown free, as patients do, and race."""
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    still_free = list(slots)  # what the clients believe; the server decides
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLINE_SECONDS
    barrier = threading.Barrier(CLIENTS)

    def run(index: int) -> None:
        rng = random.Random(index)
        client = Client(PORTS[index % len(PORTS)])
        barrier.wait()
        for _ in range(ATTEMPTS_PER_CLIENT):
            with lock:
                if not still_free or time.monotonic() > deadline:
                    break
                slot = rng.choice(still_free[:PICK_FROM])
            clinician, start = slot
            clashing = rng.random() < CLASHING
            if clashing:
                start += timedelta(minutes=15)
            times: list[float] = []
            try:
                outcome = attempt(client, clinician, start, times)
            except (OSError, http.client.HTTPException):
                outcome = "connection error"
            with lock:
                outcomes[outcome] += 1
                latencies.extend(times)
                gone = outcome in {"booked", "just taken", "taken before the form"}
                if gone and not clashing and slot in still_free:
                    still_free.remove(slot)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS + 60)
    return outcomes, latencies, time.perf_counter() - began


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="mend-race-") as folder:
        work = Path(folder)
        env = environment(work)
        prepare(env)
        slots = choose_slots(env)
        servers = start_servers(env, work)
        try:
            uncontended = alone(slots[SLOTS : SLOTS + ALONE])
            spread, spread_elapsed = distinct(slots[SLOTS + ALONE :])
            outcomes, latencies, elapsed = race(slots[:SLOTS])
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
        with psycopg.connect(f"{PG}/{DATABASE}") as connection:
            double = connection.execute(DOUBLE_BOOKINGS_SQL).fetchone()[0]
            stored = (
                connection.execute(
                    "SELECT count(*) FROM booking_appointment WHERE name = 'Race Runner'"
                ).fetchone()[0]
                - ALONE
                - spread["booked"]
            )
        tracebacks = sum(path.read_text(errors="replace").count("Traceback")
                         for path in work.glob("server-*.log"))  # fmt: skip
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")

    booked = outcomes["booked"]
    errors = outcomes["server error"] + outcomes["connection error"] + tracebacks
    errors += spread["server error"] + spread["connection error"]
    posts = len(latencies)
    print(f"Booking race: {CLIENTS} clients on {len(PORTS)} granian processes, PostgreSQL,")
    print(f"{SLOTS} follow-up times across 3 clinicians; {posts} booking posts in {elapsed:.1f} s.")
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    print(f"bookings/s: {booked / elapsed:.1f}   (attempts/s: {posts / elapsed:.1f}; "
          f"POST p50 {1000 * statistics.median(latencies):.0f} ms, "
          f"p99 {1000 * statistics.quantiles(latencies, n=100)[98]:.0f} ms)")  # fmt: skip
    print(f"booked {booked} of {SLOTS} times (one booked 15 minutes late takes two); "
          f"visits stored: {stored}")  # fmt: skip
    print(f"one client alone, before the race: booking post median {uncontended:.0f} ms")
    print(f"distinct times: {CLIENTS} clients, {DISTINCT} different times across 3 clinicians: "
          f"bookings/s {spread['booked'] / spread_elapsed:.1f}, "
          f"outcomes {dict(sorted(spread.items()))}")  # fmt: skip
    print(f"double bookings: {double}   (must be 0)")
    print(f"server errors: {errors}   (must be 0)")
    ok = double == 0 and errors == 0 and stored == booked and spread["booked"] == DISTINCT
    print("result: " + ("ok" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
