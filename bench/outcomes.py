"""The patient's pages and the clinician's patient page: 2 years of data beside 2 weeks.

    .venv/bin/python bench/outcomes.py [--postgres] [--renders 100] [--seconds 60] [--explain]

Seeds a scratch database (SQLite in a temporary MEND_VAR_DIR; with ``--postgres``
a PostgreSQL database on 127.0.0.1:5432, created and dropped here) with one
clinician and two patients:

* "2 years": three episodes of care over two years (two discharged, one open),
  a program assigned in each, a home routine kept all along and shared into the
  third episode; 500 session logs; NPRS (main) and PSFS in every episode, 30
  questionnaires answered.
* "2 weeks": one episode opened two weeks ago, a program and a shared routine,
  10 session logs, NPRS and PSFS at baseline and week 2 (4 answered).

Structure goes through the services (episodes, assignments, schedules, answers,
discharge); the session logs are bulk-inserted with the fields
``services.log_session`` and ``services.answer_settled`` store.

Then renders in this process with Django's test client (no server, no page
cache), MEND_DEBUG off: /me/ and /me/outcomes/ as each patient, and
/clinic/patients/<pk>/ as the clinician, once with the default access window
(the clinician sees the open episode and what was shared into it) and once
with every episode in access (the worst case for that page). Per page the two
patients alternate after a warm-up, at most ``--renders`` renders each or
``--seconds`` per page. Prints median and p90 server time, the ratio of the
medians, the query counts, and PASS or FAIL against the targets (ratio at most
1.5, the same number of queries). bench/RESULTS.md records the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ZONE = "Europe/Berlin"
WARM_UP = 5
MAX_RENDERS = 100  # per patient: at most 200 renders a page
MAX_SECONDS = 60.0
RATIO_TARGET = 1.5
ALL_ACCESS_DAYS = 1000  # every episode of the two years stays in the clinician's access
PROGRAM_EXERCISES = (
    "eccentric-heel-drop-straight-knee",
    "eccentric-heel-drop-bent-knee",
    "straight-knee-calf-stretch",
)
ROUTINE_EXERCISE = "heel-raise-floor"
PSFS_ACTIVITIES = ["Running 5 km", "Climbing stairs", "Hopping on the sore leg"]
NPRS_SCORES = [6, 5, 3, 2, 1, 1]
PSFS_SCORES = [3, 4, 6, 7, 8, 9]


@dataclasses.dataclass(frozen=True)
class EpisodePlan:
    opened_days_ago: float
    program_weeks: int | None  # None: open-ended
    follow_up_weeks: tuple[int, ...]
    logs: int
    discharged_after_weeks: int | None  # None: still open


@dataclasses.dataclass(frozen=True)
class PatientPlan:
    email: str
    name: str
    episodes: tuple[EpisodePlan, ...]
    routine_days_ago: float  # a home routine, shared into the last (open) episode
    routine_logs: int


TWO_YEARS = PatientPlan(
    "two-years@bench.example",
    "Two Years",
    (
        EpisodePlan(730, 24, (2, 6, 12), 120, 25),
        EpisodePlan(450, 20, (2, 6, 12), 100, 21),
        EpisodePlan(140, None, (2, 6, 12, 18), 100, None),
    ),
    routine_days_ago=700,
    routine_logs=180,
)
TWO_WEEKS = PatientPlan(
    "two-weeks@bench.example",
    "Two Weeks",
    (EpisodePlan(14.5, 12, (2, 6, 12), 6, None),),
    routine_days_ago=12,
    routine_logs=4,
)


# The environment: set before Django reads its settings.


def environment(work: str, database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mend.settings",
            "MEND_DEBUG": "false",
            "EMAIL_URL": "dummy:",
            "MEND_VAR_DIR": work,
            "MEND_SECRET_KEY": "bench-" + secrets.token_hex(24),
            "MEND_BASE_URL": "http://127.0.0.1",
            "MEND_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
            # Emails of due questionnaires are queued and never sent.
            "MEND_TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# Seeding.


def _user(email: str, role: str, name: str) -> Any:
    from django.contrib.auth.models import Group

    from mend.accounts.models import User

    user = User.objects.create_user(email, secrets.token_urlsafe(), display_name=name)
    user.groups.add(Group.objects.get(name=role))
    return user


def _exercises() -> dict[str, Any]:
    from mend.exercises import library_io
    from mend.exercises.models import Exercise
    from mend.exercises.starter import EXERCISES

    wanted = [*PROGRAM_EXERCISES, ROUTINE_EXERCISE]
    report = library_io.import_records([r for r in EXERCISES if r["slug"] in wanted])
    assert not report.errors, report.errors
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(slug__in=wanted)}


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(ZONE)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


def _log_times(first: dt.date, last: dt.date, count: int) -> list[dt.datetime]:
    """``count`` evening sessions spread evenly from ``first`` to ``last`` (local days)."""
    span = (last - first).days
    return [
        _local(first + dt.timedelta(days=round(span * n / max(count - 1, 1))), 18, n % 60)
        for n in range(count)
    ]


def _bulk_logs(assignment: Any, times: list[dt.datetime], *, answered_before: dt.date) -> int:
    """Session logs as ``services.log_session`` stores them (every item done), with the
    morning-after answers of ``answer_settled`` on those before ``answered_before``."""
    from mend.exercises import progress
    from mend.exercises.models import SessionLog

    items = list(assignment.program.items.select_related("exercise").order_by("position", "pk"))
    rule = progress.strictest_rule(item.dosage_value.pain_rule for item in items)
    entries = [{**item.snapshot(), "done": True} for item in items]
    logs = []
    for n, logged_at in enumerate(times):
        over = n % 37 == 36 and rule.max_during < 7  # now and then over the limit, once a week
        pain_during = rule.max_during + 1 if over else 1 + n % max(rule.max_during, 1)
        local_date = assignment.local_date(logged_at)
        answered = local_date < answered_before
        logs.append(
            SessionLog(
                assignment=assignment,
                token=uuid.uuid4(),
                program_version=assignment.program.version,
                logged_at=logged_at,
                local_date=local_date,
                items=entries,
                pain_now=max(pain_during - 1, 0),
                pain_during=pain_during,
                effort=4 + n % 4,
                note="Felt fine on the stairs afterwards." if n % 9 == 0 else "",
                pain_rule=rule.to_dict(),
                ease_off=pain_during > rule.max_during,
                settled_next_morning=True if answered else None,
                settled_answered_at=_local(local_date + dt.timedelta(days=1), 8)
                if answered
                else None,
                morning_pain=max(pain_during - 2, 0) if answered else None,
                morning_stiffness=1 + n % 3 if answered else None,
            )
        )
    SessionLog.objects.bulk_create(logs, batch_size=200)
    return len(logs)


def _answers(code: str, number: int) -> dict[str, int]:
    if code == "nprs":
        return {"pain": NPRS_SCORES[min(number, len(NPRS_SCORES) - 1)]}
    value = PSFS_SCORES[min(number, len(PSFS_SCORES) - 1)]
    return {"a1": value, "a2": min(value + 1, 10), "a3": max(value - 1, 0)}


def _answer_due(episode: Any, patient: Any, *, until: dt.datetime, discharge: bool) -> int:
    """Answer, in order, every questionnaire of the episode that has fallen due by ``until``
    (two hours after it fell due); the discharge one only when ``discharge``."""
    from mend.outcomes import services as outcomes
    from mend.outcomes.models import DISCHARGE

    answered = 0
    for schedule in episode.outcome_schedules.all():
        # In the model's order on every database: baseline, the weeks, discharge last.
        for number, response in enumerate(schedule.responses.all()):
            due = response.due_from(episode)
            if response.answered_at or due is None or due + dt.timedelta(hours=2) > until:
                continue
            if (response.timepoint == DISCHARGE) != discharge:
                continue
            outcomes.answer(
                response,
                by=patient,
                answers=_answers(schedule.instrument, number),
                activities=PSFS_ACTIVITIES,
                now=due + dt.timedelta(hours=2),
            )
            answered += 1
    return answered


def _episode(
    patient: Any, clinician: Any, template: Any, plan: EpisodePlan, now: dt.datetime
) -> tuple[Any, Any, int, int]:
    from mend.care import services as care
    from mend.care.models import Episode
    from mend.exercises import services as exercises
    from mend.outcomes import services as outcomes

    opened = now - dt.timedelta(days=plan.opened_days_ago)
    episode = care.open_or_join(
        patient=patient,
        clinician=clinician,
        now=opened,
        source=Episode.Source.ADMIN,
        reason=f"Achilles pain, {opened:%B %Y}",
    )
    assignment = exercises.assign(
        template,
        by=clinician,
        episode=episode,
        start_date=opened.astimezone(zoneinfo.ZoneInfo(ZONE)).date(),
        weeks=plan.program_weeks,
        time_zone=ZONE,
        note="Three sessions a week at least; keep pain at 5/10 or under.",
        now=opened,
    )
    for code, main in (("nprs", True), ("psfs", False)):
        outcomes.attach(
            episode=episode,
            by=clinician,
            instrument=code,
            at_baseline=True,
            follow_up_weeks=plan.follow_up_weeks,
            at_discharge=True,
            is_main=main,
            review_week=6,
            time_zone=ZONE,
            now=opened + dt.timedelta(minutes=30),
        )
    today = now.astimezone(zoneinfo.ZoneInfo(ZONE)).date()
    last = assignment.end_date or today - dt.timedelta(days=1)
    logs = _bulk_logs(
        assignment,
        _log_times(assignment.start_date, min(last, today - dt.timedelta(days=1)), plan.logs),
        answered_before=today - dt.timedelta(days=1),
    )
    if plan.discharged_after_weeks is None:
        answered = _answer_due(episode, patient, until=now, discharge=False)
        return episode, assignment, logs, answered
    discharged = opened + dt.timedelta(weeks=plan.discharged_after_weeks)
    answered = _answer_due(episode, patient, until=discharged, discharge=False)
    exercises.finish(assignment, by=clinician, now=discharged - dt.timedelta(hours=1))
    episode = care.discharge(
        episode, by=clinician, note="Goals met: running again.", now=discharged
    )
    answered += _answer_due(episode, patient, until=now, discharge=True)
    return episode, assignment, logs, answered


def _patient(
    plan: PatientPlan, clinician: Any, template: Any, routine: Any, now: dt.datetime
) -> dict[str, Any]:
    from mend.core import roles
    from mend.exercises import services as exercises

    patient = _user(plan.email, roles.PATIENT, plan.name)
    started = now - dt.timedelta(days=plan.routine_days_ago)
    dosage = dataclasses.replace(routine.dosage, weeks=None)  # kept up for as long as it helps
    home = exercises.start_routine(
        patient=patient, exercise=routine, dosage=dosage, time_zone=ZONE, now=started
    )
    logs = answered = 0
    episode = None
    for episode_plan in plan.episodes:
        episode, _, count, done = _episode(patient, clinician, template, episode_plan, now)
        logs += count
        answered += done
    assert episode is not None and episode.is_active
    exercises.share(home, by=patient, episode=episode, now=episode.opened_at)
    today = now.astimezone(zoneinfo.ZoneInfo(ZONE)).date()
    yesterday = today - dt.timedelta(days=1)
    times = _log_times(home.start_date, yesterday, plan.routine_logs)
    logs += _bulk_logs(home, times, answered_before=yesterday)
    return {"user": patient, "logs": logs, "answered": answered, "episodes": len(plan.episodes)}


def seed() -> tuple[Any, dict[str, dict[str, Any]]]:
    from django.utils import timezone

    from mend.core import roles
    from mend.exercises import services as exercises

    now = timezone.now()
    clinician = _user("clinician@bench.example", roles.CLINICIAN, "Dr. Bench Okafor")
    found = _exercises()
    built = now - dt.timedelta(days=800)
    template = exercises.create_program(
        owner=clinician,
        name="Achilles loading",
        goal="Run 5 km without pain",
        weekdays="0123456",
        sessions_per_day=1,
        is_template=True,
        now=built,
    )
    for slug in PROGRAM_EXERCISES:
        exercises.add_item(template, by=clinician, exercise=found[slug], now=built)
    routine = found[ROUTINE_EXERCISE]
    patients = {
        "2 weeks": _patient(TWO_WEEKS, clinician, template, routine, now),
        "2 years": _patient(TWO_YEARS, clinician, template, routine, now),
    }
    return clinician, patients


# Measuring.


@dataclasses.dataclass
class Page:
    label: str
    path: Callable[[Any], str]  # the patient → the address
    as_clinician: bool
    all_access: bool = False


PAGES = [
    Page("/me/", lambda patient: "/me/", as_clinician=False),
    Page("/me/outcomes/", lambda patient: "/me/outcomes/", as_clinician=False),
    Page("/clinic/patients/<pk>/", lambda p: f"/clinic/patients/{p.pk}/", as_clinician=True),
    Page(
        "/clinic/patients/<pk>/, every episode in access",
        lambda p: f"/clinic/patients/{p.pk}/",
        as_clinician=True,
        all_access=True,
    ),
]


@dataclasses.dataclass
class Figures:
    timings: list[float]
    queries: int
    slowest: tuple[float, str, Any]  # ms, sql, params
    body: str

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.timings, n=10)[-1]


@contextmanager
def _timed_queries(found: list[tuple[float, str, Any]]) -> Iterator[None]:
    from django.db import connection

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            found.append(((time.perf_counter() - start) * 1000, sql, params))

    with connection.execute_wrapper(timed):
        yield


def _render(client: Any, path: str) -> tuple[float, str]:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, response.content.decode()


def _settings(page: Page) -> AbstractContextManager[Any]:
    from django.test import override_settings

    if page.all_access:
        return override_settings(MEND_CARE_ACCESS_DAYS=ALL_ACCESS_DAYS)
    return nullcontext()


def measure(
    page: Page, clients: dict[str, Any], patients: dict[str, Any], renders: int, seconds: float
) -> dict[str, Figures]:
    """Both patients' figures for one page, their renders alternating."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures: dict[str, Figures] = {}
    with _settings(page):
        for label, patient in patients.items():
            client = clients["clinician" if page.as_clinician else label]
            path = page.path(patient["user"])
            for _ in range(WARM_UP):
                _render(client, path)
            timed: list[tuple[float, str, Any]] = []
            with CaptureQueriesContext(connection) as captured, _timed_queries(timed):
                _, body = _render(client, path)
            figures[label] = Figures([], len(captured), max(timed, key=lambda q: q[0]), body)
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and any(
            len(f.timings) < renders for f in figures.values()
        ):
            for label, patient in patients.items():
                client = clients["clinician" if page.as_clinician else label]
                figures[label].timings.append(_render(client, page.path(patient["user"]))[0])
    return figures


def check_pages(page: Page, figures: dict[str, Figures]) -> None:
    """The pages show what was seeded (so the figures are of the real thing)."""
    expected: dict[str, dict[str, int]] = {
        # the open episode in full; the two earlier ones are a line each, checked below
        "/me/outcomes/": {"2 weeks": 1, "2 years": 1},
        "/clinic/patients/<pk>/": {"2 weeks": 1, "2 years": 1},
        # the open episode's measures in full; the discharged ones are links
        "/clinic/patients/<pk>/, every episode in access": {"2 weeks": 1, "2 years": 1},
    }
    marker = 'id="episode-' if page.label == "/me/outcomes/" else 'class="patient-outcomes"'
    for label, found in figures.items():
        if page.label in expected:
            count = found.body.count(marker)
            assert count == expected[page.label][label], (page.label, label, count)
        if page.label == "/me/outcomes/":
            earlier = 2 if label == "2 years" else 0
            assert found.body.count('href="/me/outcomes/episodes/') == earlier, (page.label, label)
        if page.as_clinician:
            programs = 4 if label == "2 years" and page.all_access else 2
            assert found.body.count('class="patient-program"') == programs, (page.label, label)


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN "
    if connection.vendor == "postgresql":
        prefix = "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join("    " + " ".join(str(part) for part in row) for row in cursor.fetchall())


def run(database: str, args: argparse.Namespace) -> bool:
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    clinician, patients = seed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after the bulk inserts
    seeded = time.perf_counter() - started
    clients = {}
    for label, who in [("clinician", clinician)] + [(k, v["user"]) for k, v in patients.items()]:
        clients[label] = Client(HTTP_HOST="127.0.0.1")
        clients[label].force_login(who)
    print(f"{database}, seeded in {seeded:.1f} s:")
    for label, found in patients.items():
        print(
            f"  {label}: {found['episodes']} episode(s), {found['logs']} session logs, "
            f"{found['answered']} questionnaires answered"
        )
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"  load average before measuring: {load} on {os.cpu_count()} cores")
    rows = []
    for page in PAGES:
        figures = measure(page, clients, patients, args.renders, args.seconds)
        check_pages(page, figures)
        rows.append((page, figures))
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"  load average after measuring: {load}")
    print()
    header = (
        f"{'page':<50} {'2 weeks':>16} {'2 years':>16} {'ratio':>6} "
        f"{'queries':>9} {'HTML KB':>11} {'renders':>8}  result"
    )
    print(header)
    print("-" * len(header))
    passed = True
    for page, figures in rows:
        short, long = figures["2 weeks"], figures["2 years"]
        ratio = long.median / short.median
        ok = ratio <= RATIO_TARGET and short.queries == long.queries
        passed &= ok
        print(
            f"{page.label:<50} {short.median:6.1f} (p90 {short.p90:5.1f}) "
            f"{long.median:6.1f} (p90 {long.p90:5.1f}) {ratio:6.2f} "
            f"{short.queries:>4} {long.queries:>4} "
            f"{len(short.body) / 1024:5.1f} {len(long.body) / 1024:5.1f} {len(long.timings):>8}  "
            f"{'PASS' if ok else 'FAIL'}"
        )
    print("(milliseconds, median and p90; queries and HTML size for 2 weeks and 2 years)")
    print(
        f"Targets: 2-year median at most {RATIO_TARGET}× the 2-week one, the same number of "
        f"queries: {'PASS' if passed else 'FAIL'}"
    )
    print()
    print(f"Slowest query of each page for the 2-year patient ({connection.vendor}):")
    for page, figures in rows:
        ms, sql, params = figures["2 years"].slowest
        print(f"  {page.label}: {ms:.2f} ms: {' '.join(sql.split())[:160]}…")
        if args.explain:
            with _settings(page):
                print(explain(sql, params))
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--renders",
        type=int,
        default=100,
        choices=range(10, MAX_RENDERS + 1),
        metavar=f"10-{MAX_RENDERS}",
        help="renders per patient and page (default 100)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=60.0,
        help=f"time limit per page, at most {MAX_SECONDS:.0f} (default 60)",
    )
    parser.add_argument("--explain", action="store_true", help="print each slowest query's plan")
    args = parser.parse_args()
    args.seconds = min(max(args.seconds, 1.0), MAX_SECONDS)
    work = tempfile.mkdtemp(prefix="mend-bench-outcomes-")
    db = f"mend_bench_outcomes_{os.getpid()}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    try:
        if args.postgres:
            subprocess.run([*psql, f"CREATE DATABASE {db}"], check=True)
            environment(work, f"postgres://postgres@127.0.0.1:5432/{db}")
            name = "PostgreSQL 127.0.0.1"
        else:
            environment(work, f"sqlite:///{work}/bench.sqlite3")
            name = "SQLite"
        passed = run(name, args)
    finally:
        if args.postgres:
            if "django" in sys.modules:
                from django.db import connections

                connections.close_all()
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=True)
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
