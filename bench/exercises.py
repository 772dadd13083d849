"""Exercise benchmarks: the pure dosage work of a 20-item program, and the patient portal.

    .venv/bin/python bench/exercises.py [--postgres] [--seconds 10] [--connections 16]

1. ``describe()`` and ``timeline()`` over the 20 starter exercises' dosages, each
   measurement bounded by MAX_ITERATIONS runs or MAX_SECONDS.
2. ``/me/`` for a patient with 3 programs and 200 session logs, served as in
   production (MEND_DEBUG off, granian as in bench/lib.sh) in a scratch folder,
   loaded by wrk from loopback (bounded: -t2, N connections, N seconds). SQLite by
   default; ``--postgres`` uses a scratch PostgreSQL database and Redis instead.

Prints the figures; bench/RESULTS.md records them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from dosage import MAX_SECONDS, per_program_us  # bench/dosage.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("BENCH_VENV", ROOT / ".venv")) / "bin"
PORT = int(os.environ.get("BENCH_PORT", "8091"))
PATIENT = "bench-patient@example.com"
PROGRAMS = 3
LOGS = 200
DAYS = 70


# 1. Pure work.


def pure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from mend.exercises.dosage import Dosage
    from mend.exercises.starter import EXERCISES

    dosages = [Dosage.from_dict(record["dosage"]) for record in EXERCISES][:20]
    assert len(dosages) == 20
    steps = sum(len(dosage.timeline()) for dosage in dosages)
    print(f"Program of {len(dosages)} starter exercises, {steps} timeline steps in all")
    for name, work in {
        "describe()": lambda: [dosage.describe() for dosage in dosages],
        "timeline()": lambda: [dosage.timeline() for dosage in dosages],
    }.items():
        micros, runs = per_program_us(work)
        print(f"{name:<11} {micros:9.1f} µs per 20-item program ({runs} runs)")


# 2. The portal under wrk.


def seed() -> None:
    """Inside the benchmark's environment: the patient, 3 programs, 200 logs, a session."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import uuid

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from mend.accounts.models import User
    from mend.core import roles
    from mend.exercises import services
    from mend.exercises.models import Program

    now = timezone.now()
    start = now - dt.timedelta(days=DAYS)
    patient = User.objects.create_user(PATIENT, secrets.token_urlsafe(), display_name="Bench")
    patient.groups.add(Group.objects.get(name=roles.PATIENT))
    clinician = User.objects.get(email="sam@riverside-pt.example")
    template = Program.objects.filter(owner=clinician, is_template=True).first()
    assignments = [
        services.assign(
            template,
            by=clinician,
            patient=patient,
            start_date=start.date(),
            weeks=None,
            time_zone="Europe/Berlin",
            note="",
            now=start,
        )
        for _ in range(PROGRAMS)
    ]
    step = (now - start) / LOGS
    for number in range(LOGS):
        services.log_session(
            assignments[number % PROGRAMS],
            by=patient,
            done=[1, 2, 3],
            pain_now=number % 4,
            pain_during=2 + number % 5,
            effort=5,
            note="",
            token=uuid.uuid4(),
            now=start + step * number + dt.timedelta(minutes=1),
        )
    session = SessionStore()
    session[SESSION_KEY] = str(patient.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = patient.get_session_auth_hash()
    session.create()
    print(session.session_key)


def render() -> None:
    """Inside the benchmark's environment: /me/ rendered in-process, no server, no network."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from mend.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=PATIENT))
    client.get("/me/")
    queries: list[str] = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        client.get("/me/")
    times = []
    deadline = time.perf_counter() + MAX_SECONDS
    while len(times) < 200 and time.perf_counter() < deadline:
        start = time.perf_counter()
        client.get("/me/")
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"portal /me/ rendered in-process: median {times[len(times) // 2]:.1f} ms, "
        f"{len(queries)} queries ({len(times)} runs)"
    )


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout


def _wait_for(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url}")


def _portal_ok(cookie: str) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/me/", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
        body = response.read().decode()
    if response.status != 200 or body.count('class="card"') != PROGRAMS:
        raise RuntimeError("the portal did not show the patient's programs")


def portal(
    database: str, seconds: int, connections: int, label: str, extra: dict[str, str]
) -> None:
    work = tempfile.mkdtemp(prefix="mend-bench-")
    env = {
        **os.environ,
        "MEND_DEBUG": "false",
        "EMAIL_URL": "console:",
        "MEND_VAR_DIR": work,
        "MEND_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "MEND_BASE_URL": f"http://127.0.0.1:{PORT}",
        "MEND_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database.format(work=work),
        "DJANGO_SETTINGS_MODULE": "mend.settings",
        "MEND_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        **extra,
    }
    python = str(BIN / "python")
    server = None
    try:
        _run(env, python, "-m", "mend", "migrate", "--no-input", "-v", "0")
        _run(env, python, "-m", "mend", "collectstatic", "--no-input", "-v", "0")
        _run(env, python, "-m", "mend", "load_demo", "--force")
        key = _run(env, python, str(Path(__file__).resolve()), "--seed").strip().splitlines()[-1]
        print(_run(env, python, str(Path(__file__).resolve()), "--render").strip())
        cookie = f"sessionid={key}"
        server = subprocess.Popen(
            [
                python,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(PORT),
                "--workers",
                str(os.cpu_count() or 1),
                "--blocking-threads",
                "1",
                "--backpressure",
                "2",
                "--log-level",
                "warning",
                "--no-ws",
                "mend.wsgi:application",
            ],
            env=env,
            cwd=ROOT,
        )
        _wait_for(f"http://127.0.0.1:{PORT}/health/")
        _portal_ok(cookie)
        load = " ".join(f"{value:.2f}" for value in os.getloadavg())
        output = _run(
            env,
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{PORT}/me/",
        )
        rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
        p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
        p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
        errors = re.findall(r"(Non-2xx.*|Socket errors.*)", output)
        print(
            f"portal /me/ ({label}; {PROGRAMS} programs, {LOGS} logs): "
            f"{rps.group(1) if rps else '?'} requests/s, p50 {p50.group(1) if p50 else '?'}, "
            f"p99 {p99.group(1) if p99 else '?'} at {connections} connections ({seconds} s)"
        )
        print(f"  (machine load average before the run: {load} on {os.cpu_count()} cores)")
        if errors:
            print("errors: " + "; ".join(errors))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--render", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL and Redis as well")
    parser.add_argument("--seconds", type=int, default=10, choices=range(1, 61), metavar="1-60")
    parser.add_argument(
        "--connections", type=int, default=16, choices=range(1, 257), metavar="1-256"
    )
    args = parser.parse_args()
    if args.seed:
        seed()
        return
    if args.render:
        render()
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    pure()
    portal(
        "sqlite:///{work}/bench.sqlite3",
        args.seconds,
        args.connections,
        "SQLite",
        {"REDIS_URL": ""},
    )
    if args.postgres:
        db = f"mend_bench_ex_{os.getpid()}"
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {db}"], check=True)
        try:
            portal(
                f"postgres://postgres@127.0.0.1:5432/{db}",
                args.seconds,
                args.connections,
                "PostgreSQL, Redis cache",
                {"REDIS_URL": "redis://127.0.0.1:6379/6"},
            )
        finally:
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db}"], check=True)


if __name__ == "__main__":
    main()
