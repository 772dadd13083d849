"""How server time and query counts grow with the data: a small and a big practice group.

    .venv/bin/python bench/scale.py [--big 100] [--small 1] [--requests 30] [--seconds 60]

Creates two PostgreSQL databases (mend_scale_<small>, mend_scale_<big>), migrates them and
fills each with ``mend seed_scale --factor N`` (printing how long each part took), then
measures seven pages in-process with Django's test client, one worker process per
database, taking turns request by request so both see the same machine. Server time is
the time around ``client.get``/``client.post``; queries are counted with
CaptureQueriesContext. Bounded: at most --requests requests per page and database, and
at most --seconds per page. Prints a table (median, p99, queries per database and the
ratio of the medians), then EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each page
in the big group. --keep leaves the databases; --reuse measures ones left by --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"
PAGES = (
    ("article", "uncached article page (anonymous)"),
    ("portal", "/me/ of a patient with 2 years of logs"),
    ("patients", "clinician's patient list (300 patients)"),
    ("first_available", "first available, 20 clinicians"),
    ("book", "booking POST"),
    ("moderation", "admin: comment moderation list"),
    ("search", "site search"),
)
WARM_UP = 3
TEMPLATE = "mend_scale_template"
SECRET = secrets.token_hex(32)  # this run's signing key, for the pages measured with debug off


# The orchestrator.


def psql(*sql: str) -> None:
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
    for statement in sql:
        command += ["-c", statement]
    subprocess.run(command, check=True)


def environment(database: str, var_dir: str, *, debug: bool) -> dict[str, str]:
    """Seeding needs debug on; the pages are measured as in production, with it off."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{SERVER}/{database}",
        MEND_DEBUG="true" if debug else "false",
        MEND_SECRET_KEY=SECRET,
        MEND_BASE_URL="http://127.0.0.1:8090",
        MEND_ALLOWED_HOSTS="127.0.0.1",
        MEND_VAR_DIR=var_dir,
        EMAIL_URL="console:",
        MEND_LOG_LEVEL="ERROR",
        MEND_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        MEND_BOOKING_RATE_LIMIT="1000000",
        MEND_BOOKING_EMAIL_RATE_LIMIT="1000000",
        MEND_STAFF_IDLE_MINUTES="600",
        DJANGO_SETTINGS_MODULE="mend.settings",
    )
    env.pop("REDIS_URL", None)
    return env


def migrated_template(env: dict[str, str], *, migrate: bool) -> float:
    """Migrate once into a template database; both groups start as copies of it."""
    started = time.perf_counter()
    run = [PYTHON, "-m", "mend"]
    if migrate:
        psql(f"DROP DATABASE IF EXISTS {TEMPLATE}", f"CREATE DATABASE {TEMPLATE}")
        env = {**env, "DATABASE_URL": f"{SERVER}/{TEMPLATE}"}
        subprocess.run([*run, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*run, "collectstatic", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    return time.perf_counter() - started


def prepare(factor: float, database: str, env: dict[str, str]) -> None:
    print(f"== {database}: seed_scale --factor {factor:g}", flush=True)
    psql(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database} TEMPLATE {TEMPLATE}")
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "mend", "seed_scale", "--factor", f"{factor:g}"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    print(f"  seed_scale --factor {factor:g}: {time.perf_counter() - started:.1f} s", flush=True)


class Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [PYTHON, __file__, "--worker"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ask({"do": "hello"})

    def ask(self, message: dict[str, Any]) -> Any:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("a worker stopped; see its error above")
        answer = json.loads(line)
        if "error" in answer:
            raise SystemExit(f"worker: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.ask({"do": "quit"})
            self.process.wait(timeout=30)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def measure(workers: dict[str, Worker], requests: int, seconds: float) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for page, label in PAGES:
        for worker in workers.values():
            for _ in range(WARM_UP):
                worker.ask({"do": "request", "page": page})
        timings: dict[str, list[float]] = {name: [] for name in workers}
        queries: dict[str, set[int]] = {name: set() for name in workers}
        deadline = time.perf_counter() + seconds
        for _ in range(requests):
            if time.perf_counter() > deadline:
                break
            for name, worker in workers.items():
                answer = worker.ask({"do": "request", "page": page})
                timings[name].append(answer["ms"])
                queries[name].add(answer["queries"])
        results[page] = {"label": label, "timings": timings, "queries": queries}
        row = "  ".join(
            f"{name}: {statistics.median(t):.1f} ms, {sorted(queries[name])} queries"
            for name, t in timings.items()
        )
        print(f"  {label}: {row}", flush=True)
    return results


def table(results: dict[str, Any], small: str, big: str) -> str:
    lines = [
        f"| page | {small} median | p99 | queries | {big} median | p99 | queries | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page, _ in PAGES:
        found = results[page]
        cells = [found["label"]]
        medians = []
        for name in (small, big):
            t = found["timings"][name]
            medians.append(statistics.median(t))
            q = sorted(found["queries"][name])
            count = str(q[0]) if len(q) == 1 else f"{q[0]}–{q[-1]}"
            cells += [f"{medians[-1]:.1f} ms", f"{p99(t):.1f} ms", count]
        cells.append(f"{medians[1] / medians[0]:.2f}×")
        lines.append("| " + " | ".join(cells) + " |")
    n = min(len(results[page]["timings"][small]) for page, _ in PAGES)
    lines.append(f"\n(at least {n} requests per page and database)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--small", type=float, default=1)
    parser.add_argument("--big", type=float, default=100)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--keep", action="store_true", help="leave the databases")
    parser.add_argument("--reuse", action="store_true", help="measure databases left by --keep")
    args = parser.parse_args()
    if args.worker:
        worker_main()
        return
    names = {f"N={args.small:g}": args.small, f"N={args.big:g}": args.big}
    databases = {name: f"mend_scale_{factor:g}".replace(".", "_") for name, factor in names.items()}
    with tempfile.TemporaryDirectory() as var_dir:

        def env(name: str, *, debug: bool) -> dict[str, str]:
            return environment(databases[name], f"{var_dir}/{databases[name]}", debug=debug)

        first, second = names
        seconds = migrated_template(env(first, debug=False), migrate=not args.reuse)
        print(f"== migrate and collectstatic, once: {seconds:.1f} s", flush=True)
        Path(f"{var_dir}/{databases[second]}").mkdir(parents=True, exist_ok=True)
        Path(f"{var_dir}/{databases[second]}/static").symlink_to(
            f"{var_dir}/{databases[first]}/static"
        )
        if not args.reuse:
            for name, factor in names.items():
                prepare(factor, databases[name], env(name, debug=True))
        print(f"load average before measuring: {Path('/proc/loadavg').read_text().strip()}")
        workers = {name: Worker(env(name, debug=False)) for name in names}
        try:
            results = measure(workers, args.requests, args.seconds)
            print()
            print(table(results, *names))
            big = list(names)[1]
            print(f"\nThe slowest query of each page at {big}:")
            for page, label in PAGES:
                answer = workers[big].ask({"do": "explain", "page": page})
                print(
                    f"\n### {label}: {answer['ms']:.2f} ms (all its SQL: {answer['total']:.0f} ms)"
                )
                print(answer["sql"][:1500])
                print("\n".join(answer["plan"]))
        finally:
            for worker in workers.values():
                worker.close()
        print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")
        if not args.keep:
            psql(*(f"DROP DATABASE IF EXISTS {db}" for db in databases.values()))
        psql(f"DROP DATABASE IF EXISTS {TEMPLATE}")


# The worker: one database, requests on demand, answers as JSON lines.


def worker_main() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    pages = Pages()
    for line in sys.stdin:
        message = json.loads(line)
        try:
            if message["do"] == "quit":
                answer: dict[str, Any] = {}
            elif message["do"] == "hello":
                answer = {"tag": pages.tag}
            elif message["do"] == "request":
                answer = pages.timed(message["page"])
            else:
                answer = pages.explain(message["page"])
        except Exception as error:  # reported to the orchestrator, which stops
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        if message["do"] == "quit":
            return


class Pages:
    """The seven requests, against the group seed_scale made in this database."""

    def __init__(self) -> None:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.conf import settings
        from django.test import Client

        from mend.accounts.models import User
        from mend.booking.models import Location, VisitType
        from mend.content.models import ArticlePage
        from mend.core.scale import EMAIL_DOMAIN

        first = User.objects.filter(
            email__startswith="clinician000000.", email__endswith=f"@{EMAIL_DOMAIN}"
        ).first()
        if first is None:
            raise SystemExit("no group in this database: run mend seed_scale first")
        self.tag = first.email.split(".")[1].split("@")[0]
        host = settings.ALLOWED_HOSTS[0]
        self.anonymous = Client(HTTP_HOST=host)
        self.patient = Client(HTTP_HOST=host)
        self.patient.force_login(User.objects.get(email=f"patient000000.{self.tag}@{EMAIL_DOMAIN}"))
        self.clinician = Client(HTTP_HOST=host)
        if not first.authenticator_set.exists():
            TOTP.activate(first, generate_totp_secret())
        self.clinician.force_login(first)
        admin, made = User.objects.get_or_create(
            email=f"admin.{self.tag}@{EMAIL_DOMAIN}",
            defaults={"is_staff": True, "is_superuser": True, "display_name": "Bench admin"},
        )
        if made:
            TOTP.activate(admin, generate_totp_secret())
        self.admin = Client(HTTP_HOST=host)
        self.admin.force_login(admin)
        article = ArticlePage.objects.get(slug=f"{self.tag}-1")
        self.article_url = article.url
        self.visit_type = VisitType.objects.get(slug="follow-up")
        self.location = Location.objects.get(name__endswith=f"({self.tag})", name__contains=" 1 ")
        self.flow = {
            "visit": self.visit_type.slug,
            "mode": "in_person",
            "location": str(self.location.pk),
            "clinician": "any",
            "tz": "America/New_York",
        }
        self.booked = 0

    def request(self, page: str, booking: dict[str, str]) -> Any:
        from urllib.parse import urlencode

        if page == "article":
            return self.anonymous.get(self.article_url), 200
        if page == "portal":
            return self.patient.get("/me/"), 200
        if page == "patients":
            return self.clinician.get("/clinic/patients/"), 200
        if page == "first_available":
            return self.anonymous.get("/book/?" + urlencode(self.flow)), 200
        if page == "book":
            return self.anonymous.post("/book/details/", booking), 303
        if page == "moderation":
            return self.admin.get("/admin/comments/"), 200
        if page == "search":
            return self.anonymous.get("/search/?q=achilles+running"), 200
        raise ValueError(page)

    def booking(self) -> dict[str, str]:
        """A free start at the clinic for the next booking (found before the clock starts)."""
        from zoneinfo import ZoneInfo

        from django.utils import timezone

        from mend.booking import availability, display
        from mend.booking.forms import new_request_key

        want = availability.Want(self.visit_type, "in_person", self.location, None)
        start = next(iter(availability.free_times(want, now=timezone.now())))
        self.booked += 1
        return {
            **self.flow,
            "date": start.astimezone(ZoneInfo(self.flow["tz"])).date().isoformat(),
            "start": display.iso(start),
            "name": "Bench Patient",
            "email": f"bench{self.booked}.{self.tag}@example.org",
            "phone": "",
            "request_key": new_request_key(),
        }

    def run(self, page: str) -> tuple[float, list[dict[str, Any]]]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        booking = self.booking() if page == "book" else {}
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response, expected = self.request(page, booking)
            ms = (time.perf_counter() - start) * 1000
        if response.status_code != expected:
            raise RuntimeError(f"{page}: status {response.status_code}, expected {expected}")
        return ms, captured.captured_queries

    def timed(self, page: str) -> dict[str, Any]:
        ms, queries = self.run(page)
        return {"ms": ms, "queries": len(queries)}

    def explain(self, page: str) -> dict[str, Any]:
        """EXPLAIN (ANALYZE, BUFFERS) of the page's slowest SELECT: each one is explained
        and the highest execution time wins (the captured times are too coarse)."""
        from django.db import connection

        _, queries = self.run(page)
        total = sum(float(q["time"]) for q in queries) * 1000
        slowest: tuple[float, str, list[str]] = (-1.0, "", [])
        with connection.cursor() as cursor:
            for query in queries:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = [row[0] for row in cursor.fetchall()]
                ms = next(
                    (float(line.split()[2]) for line in plan if line.startswith("Execution Time")),
                    0.0,
                )
                if ms > slowest[0]:
                    slowest = (ms, query["sql"], plan)
        return {"ms": slowest[0], "total": total, "sql": slowest[1], "plan": slowest[2]}


if __name__ == "__main__":
    main()
