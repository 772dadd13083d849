"""A synthetic practice group, for measuring how Mend's costs grow with its data.

``mend seed_scale --factor N`` (debug only) fills the database linearly in N:
at N = 1, 2 clinicians, 500 patients, 20,000 session logs, 3,000 visits, 10
articles and 500 comments; at N = 100, a group of 200 clinicians and 50,000
patients. The rows are real: patients in episodes of care, each with a program
assigned in it and sessions logged over up to two years, visits in the past and
future laid on a grid so that no clinician's visits overlap, weekly hours,
published Wagtail articles in the search index, comments (some awaiting
moderation).

A few things a benchmark looks at are the same size at every N, so that only
the rest of the tables grows: the first clinician has 300 patients, the first
patient two years of daily sessions, the first clinic 20 clinicians with the
next ten working days' visits booked (so there are always at least 20
clinicians), and each article about 50 comments.

Core imports no feature app: models are looked up by name. On PostgreSQL the
big tables are written with COPY; on SQLite with executemany.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from mend.core import roles
from mend.core.regions import REGIONS

ZONE = "America/New_York"
CLINIC_SIZE = 20  # clinicians per clinic; "first available" runs across one clinic
PROBE_PATIENTS = 300  # the first clinician's patients
PROBE_LOG_DAYS = 730  # the first patient's daily sessions: two years
FUTURE_WORKDAYS = 10  # every clinician's next working days, mostly booked
GRID = (dt.time(8), dt.time(9, 30), dt.time(11), dt.time(12, 30), dt.time(14), dt.time(15, 30))
HOURS = (dt.time(8), dt.time(17))  # weekly hours, Monday to Friday, either mode
HISTORY_DAYS = 730
COMMENT_MIX = (("approved", 80), ("pending", 12), ("rejected", 5), ("spam", 3))
EMAIL_DOMAIN = "group.example"
BATCH = 5000

FIRST_NAMES = (
    "Alex", "Bea", "Carmen", "Dev", "Elif", "Farid", "Grace", "Hana", "Ivo", "Jun", "Kofi",
    "Lina", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tomas", "Uma", "Vera",
    "Wen", "Ximena", "Yusuf", "Zara",
)  # fmt: skip
LAST_NAMES = (
    "Abebe", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jovanovic", "Kowalski", "Lindqvist", "Moreau", "Nguyen", "Okafor", "Petrov", "Quispe",
    "Rossi", "Sato", "Tanaka", "Usman", "Varga", "Weber", "Yilmaz", "Zhou",
)  # fmt: skip
TOPICS = (
    ("Achilles pain", "achilles running calf"),
    ("Knee pain on stairs", "knee stairs quadriceps"),
    ("Low back pain at work", "back desk lifting"),
    ("Stiff neck in the morning", "neck posture sleep"),
    ("Shoulder pain reaching overhead", "shoulder rotator cuff"),
    ("Plantar heel pain", "heel foot arch"),
    ("Hamstring strain", "hamstring sprint thigh"),
    ("Hip pain when walking", "hip glutes walking"),
    ("Tennis elbow", "elbow grip wrist"),
    ("Ankle sprain", "ankle balance ligament"),
)
TAGS = (
    "running", "home-exercise", "strength", "mobility", "balance", "tendon", "posture",
    "return-to-sport", "pain-education", "office-work", "older-adults", "walking",
)  # fmt: skip
COMMENT_TEXTS = (
    "This helped me a lot, thank you. The stretch was easier than I expected.",
    "How many weeks should I keep going before it gets better?",
    "I tried the exercise after a run and my calf felt looser the next morning.",
    "Is it normal for it to feel a little sore the day after?",
    "Clear explanation. I wish my previous physio had told me this.",
    "Can I do this if I also have a bit of knee pain?",
)


class SeedError(Exception):
    """The database cannot take the group as asked (not prepared, or not empty)."""


def model(label: str) -> type[models.Model]:
    return apps.get_model(label)


@dataclass(frozen=True)
class Plan:
    clinicians: int
    patients: int
    logs: int
    appointments: int
    articles: int
    comments: int

    @classmethod
    def for_factor(cls, factor: float) -> Plan:
        def scaled(base: int) -> int:
            return max(1, round(base * factor))

        return cls(
            clinicians=max(CLINIC_SIZE, scaled(2)),
            patients=scaled(500),
            logs=scaled(20_000),
            appointments=scaled(3_000),
            articles=scaled(10),
            comments=scaled(500),
        )

    @property
    def practising(self) -> int:
        """The clinicians with patients and a past: 2 per unit of N (at least 1); the rest
        only make the first clinic 20 strong, with hours and booked days ahead."""
        return max(1, min(self.clinicians, round(self.patients / 250)))


@dataclass
class Timings:
    parts: list[tuple[str, float, int]] = field(default_factory=list)
    out: Callable[[str], None] = print

    def part(self, name: str, work: Callable[[], int]) -> None:
        start = time.perf_counter()
        rows = work()
        seconds = time.perf_counter() - start
        self.parts.append((name, seconds, rows))
        self.out(f"  {name:<28} {rows:>10,} rows {seconds:>8.1f} s")

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds, _ in self.parts)


# Writing rows.


def _columns(table_model: type[models.Model], given: Sequence[str]) -> list[models.Field[Any, Any]]:
    fields = {f.attname: f for f in table_model._meta.local_concrete_fields}
    missing = [name for name in given if name not in fields]
    if missing:
        raise SeedError(f"{table_model._meta.label} has no field {', '.join(missing)}.")
    return [fields[name] for name in given]


def _defaults(
    table_model: type[models.Model], given: Sequence[str]
) -> tuple[list[models.Field[Any, Any]], tuple[Any, ...]]:
    """The fields the rows leave out, with their defaults (fixed values only: a default
    that differs per row, such as a fresh UUID, must be given)."""
    rest = [
        f
        for f in table_model._meta.local_concrete_fields
        if f.attname not in given and not (f.primary_key and f.attname == "id")
    ]
    fixed = (dict, list, timezone.now)
    for f in rest:
        if f.has_default() and callable(f.default) and f.default not in fixed:
            raise SeedError(f"{table_model._meta.label}.{f.attname} needs a value per row.")
    now = timezone.now()
    values = tuple(now if f.default is timezone.now else f.get_default() for f in rest)
    return rest, values


def insert(
    table_model: type[models.Model], names: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Write rows (values for the named fields, JSON as text) into the model's own table;
    other fields get their defaults. COPY on PostgreSQL, executemany elsewhere."""
    given = _columns(table_model, names)
    rest, rest_values = _defaults(table_model, names)
    fields = [*given, *rest]
    table = connection.ops.quote_name(table_model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rest_ready = tuple(_for_copy(f, v) for f, v in zip(rest, rest_values, strict=True))
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *rest_ready))
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(fields))
        # Names come from the models' own metadata, quoted; the values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            values = (*row, *rest_values)
            batch.append(tuple(_prep(f, v) for f, v in zip(fields, values, strict=True)))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _is_json(f: models.Field[Any, Any]) -> bool:
    return f.get_internal_type() == "JSONField" or type(f).__name__ == "StreamField"


def _for_copy(f: models.Field[Any, Any], value: Any) -> Any:
    if _is_json(f) and not isinstance(value, str):
        return json.dumps(value)
    return value


def _prep(f: models.Field[Any, Any], value: Any) -> Any:
    if _is_json(f):
        return value if isinstance(value, str) else json.dumps(value)
    return f.get_db_prep_save(value, connection)


class Ids:
    """Primary keys handed out before the rows are written, so rows can point at each other."""

    def __init__(self, table_model: type[models.Model]) -> None:
        self.model = table_model
        last = table_model._base_manager.aggregate(last=models.Max("pk"))["last"] or 0
        self.next = last + 1

    def take(self, count: int) -> range:
        taken = range(self.next, self.next + count)
        self.next += count
        return taken


def reset_sequences(*table_models: type[models.Model]) -> None:
    """After writing explicit ids, PostgreSQL's sequences must continue after them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table_model in table_models:
            table = table_model._meta.db_table
            pk = table_model._meta.pk.column
            name, column = connection.ops.quote_name(table), connection.ops.quote_name(pk)
            # Names from the model's own metadata, quoted.
            latest = f"COALESCE((SELECT MAX({column}) FROM {name}), 1)"  # noqa: S608
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), {latest})", [table, pk])


# The group.


@dataclass
class World:
    """What the generator made that later parts (and the benchmark) point at."""

    tag: str
    now: dt.datetime
    clinician_users: list[int] = field(default_factory=list)
    clinicians: list[int] = field(default_factory=list)  # booking.Clinician ids
    locations: list[int] = field(default_factory=list)
    patients: list[int] = field(default_factory=list)
    patient_names: list[str] = field(default_factory=list)
    episodes: list[int] = field(default_factory=list)
    care_of: list[int] = field(default_factory=list)  # patient index -> practising clinician
    opened: list[dt.date] = field(default_factory=list)
    assignments: list[int] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    program_kinds: list[ProgramKind] = field(default_factory=list)

    def email(self, kind: str, number: int) -> str:
        return f"{kind}{number:06d}.{self.tag}@{EMAIL_DOMAIN}"


def holds_patients() -> bool:
    User = model("accounts.User")
    return User.objects.filter(groups__name=roles.PATIENT).exists()


def seed(
    factor: float,
    *,
    now: dt.datetime | None = None,
    out: Callable[[str], None] = print,
    seed_value: int = 1,
) -> tuple[Plan, World, Timings]:
    plan = Plan.for_factor(factor)
    now = now or timezone.now()
    world = World(tag=uuid.uuid4().hex[:6], now=now)
    rng = random.Random(seed_value)  # noqa: S311 (made-up data, repeatable on purpose)
    timings = Timings(out=out)
    with transaction.atomic():
        timings.part("clinicians and clinics", lambda: _clinicians(plan, world))
        timings.part("patients", lambda: _patients(plan, world))
        timings.part("episodes of care", lambda: _episodes(plan, world, rng))
        timings.part("programs and assignments", lambda: _programs(plan, world))
        timings.part("session logs", lambda: _logs(plan, world, rng))
        timings.part("appointments", lambda: _appointments(plan, world, rng))
        timings.part("articles (Wagtail pages)", lambda: _articles(plan, world))
        timings.part("comments", lambda: _comments(plan, world, rng))
        timings.part("search index", lambda: _search_index(world))
    if connection.vendor == "postgresql":
        timings.part("VACUUM and ANALYZE", _analyze)
    return plan, world, timings


def _analyze() -> int:
    """Statistics for the planner and, outside a transaction, the visibility map that
    index-only scans need: the state autovacuum keeps a settled database in."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return 0


def _names(number: int) -> tuple[str, str]:
    return FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[(number // 7) % len(LAST_NAMES)]


def _users(world: World, kind: str, count: int, role: str, *, staff: bool = False) -> list[int]:
    User = model("accounts.User")
    Group = model("auth.Group")
    ids = list(Ids(User).take(count))
    password = make_password(None)  # unusable: these accounts are signed in by the benchmark
    joined = world.now - dt.timedelta(days=HISTORY_DAYS + 30)

    def rows() -> Iterator[tuple[Any, ...]]:
        for number, pk in enumerate(ids):
            first, last = _names(number)
            email = world.email(kind, number)
            yield (pk, email, password, first, last, f"{first} {last}", staff, joined)

    insert(
        User,
        ["id", "email", "password", "first_name", "last_name", "display_name", "is_staff",
         "date_joined"],
        rows(),
    )  # fmt: skip
    group = Group.objects.get(name=role)
    through = User.groups.through
    insert(through, ["user_id", "group_id"], ((pk, group.pk) for pk in ids))
    reset_sequences(User, through)
    return ids


def _clinicians(plan: Plan, world: World) -> int:
    Clinician = model("booking.Clinician")
    Location = model("booking.Location")
    Rule = model("booking.AvailabilityRule")
    VisitType = model("booking.VisitType")
    visit_types = list(VisitType.objects.filter(is_active=True))
    if not visit_types:
        raise SeedError("No visit types: run mend load_booking_demo first.")
    world.clinician_users = _users(world, "clinician", plan.clinicians, roles.CLINICIAN)
    clinics = math.ceil(plan.clinicians / CLINIC_SIZE)
    world.locations = [
        Location.objects.create(
            name=f"Group clinic {number + 1} ({world.tag})",
            address=f"{number + 1} Practice Street\nSpringfield",
            time_zone=ZONE,
        ).pk
        for number in range(clinics)
    ]
    ids = list(Ids(Clinician).take(plan.clinicians))
    world.clinicians = ids

    def profiles() -> Iterator[tuple[Any, ...]]:
        for number, (pk, user) in enumerate(zip(ids, world.clinician_users, strict=True)):
            first, last = _names(number)
            yield (pk, user, f"Dr. {first} {last} {number + 1}", "DPT", ZONE, True, "")

    insert(
        Clinician,
        ["id", "user_id", "display_name", "credentials", "time_zone", "is_active", "bio"],
        profiles(),
    )
    insert(
        Clinician.locations.through,
        ["clinician_id", "location_id"],
        ((pk, world.locations[n // CLINIC_SIZE]) for n, pk in enumerate(ids)),
    )
    insert(
        Clinician.visit_types.through,
        ["clinician_id", "visittype_id"],
        ((pk, vt.pk) for pk in ids for vt in visit_types),
    )
    rules = (
        (pk, weekday, HOURS[0], HOURS[1], "either", world.locations[n // CLINIC_SIZE])
        for n, pk in enumerate(ids)
        for weekday in range(5)
    )
    count = insert(
        Rule, ["clinician_id", "weekday", "start_time", "end_time", "mode", "location_id"], rules
    )
    reset_sequences(Clinician, Rule, Clinician.locations.through, Clinician.visit_types.through)
    return plan.clinicians * 3 + count


def _patients(plan: Plan, world: World) -> int:
    world.patients = _users(world, "patient", plan.patients, roles.PATIENT)
    world.patient_names = [" ".join(_names(n)) for n in range(plan.patients)]
    return plan.patients * 2


def _care_of(plan: Plan) -> list[int]:
    """Which practising clinician each patient is in the care of: the first clinician has
    the first 300 (or all, in a tiny group), the others share the rest in turn."""
    practising = plan.practising
    probe = min(PROBE_PATIENTS, plan.patients) if practising > 1 else plan.patients
    rest = plan.patients - probe
    return [0] * probe + [1 + n % (practising - 1) for n in range(rest)]


def _episodes(plan: Plan, world: World, rng: random.Random) -> int:
    Episode = model("care.Episode")
    world.care_of = _care_of(plan)
    ids = list(Ids(Episode).take(plan.patients))
    world.episodes = ids
    today = world.now.date()
    world.opened = [
        today - dt.timedelta(days=HISTORY_DAYS if n == 0 else rng.randrange(30, HISTORY_DAYS))
        for n in range(plan.patients)
    ]
    regions = [slug for slug, _ in REGIONS]

    def rows() -> Iterator[tuple[Any, ...]]:
        for n, pk in enumerate(ids):
            opened = dt.datetime.combine(world.opened[n], dt.time(14), dt.UTC)
            region = regions[n % len(regions)]
            yield (
                pk, world.patients[n], world.clinician_users[world.care_of[n]],
                f"Pain in the {region.replace('-', ' ')}", region, "active", "booking", opened,
            )  # fmt: skip

    count = insert(
        Episode,
        ["id", "patient_id", "clinician_id", "reason", "region", "status", "source", "opened_at"],
        rows(),
    )
    reset_sequences(Episode)
    return count


@dataclass(frozen=True)
class ProgramKind:
    name: str
    items: list[tuple[int, int, dict[str, Any]]]  # position, exercise id, dosage
    snapshot: str
    log_items: str
    pain_rule: str
    max_during: int


def _program_kinds() -> list[ProgramKind]:
    Exercise = model("exercises.Exercise")
    Item = model("exercises.ProgramItem")
    exercises = list(Exercise.objects.order_by("pk")[:9])
    if len(exercises) < 3:
        raise SeedError("The exercise library is empty: run mend load_demo first.")
    kinds = []
    for start in range(0, len(exercises) - 2, 3):
        chosen = exercises[start : start + 3]
        items = [
            Item(position=p, exercise=e, dosage=e.default_dosage)
            for p, e in enumerate(chosen, start=1)
        ]
        snaps = [item.snapshot() for item in items]  # type: ignore[attr-defined]
        rules = [item.dosage_value.pain_rule for item in items]  # type: ignore[attr-defined]
        strictest = min(rules, key=lambda rule: rule.max_during)
        name = " and ".join(e.name for e in chosen[:2])
        kinds.append(
            ProgramKind(
                name=name[:120],
                items=[(p, e.pk, e.default_dosage) for p, e in enumerate(chosen, start=1)],
                snapshot=json.dumps(
                    {
                        "name": name[:120],
                        "goal": "",
                        "weekdays": "0123456",
                        "sessions_per_day": 1,
                        "items": snaps,
                    }
                ),
                log_items=json.dumps([{**snap, "done": True} for snap in snaps]),
                pain_rule=json.dumps(strictest.to_dict()),
                max_during=strictest.max_during,
            )
        )
    return kinds


def _programs(plan: Plan, world: World) -> int:
    Program = model("exercises.Program")
    Item = model("exercises.ProgramItem")
    Version = model("exercises.ProgramVersion")
    Assignment = model("exercises.Assignment")
    kinds = _program_kinds()
    world.program_kinds = kinds
    programs = list(Ids(Program).take(plan.patients))
    world.assignments = list(Ids(Assignment).take(plan.patients))

    def started(n: int) -> dt.datetime:
        return dt.datetime.combine(world.opened[n], dt.time(15), dt.UTC)

    def owner(n: int) -> int:
        return world.clinician_users[world.care_of[n]]

    count = insert(
        Program,
        ["id", "name", "goal", "owner_id", "weekdays", "sessions_per_day", "version",
         "created_at", "updated_at"],
        ((pk, kinds[n % len(kinds)].name, "", owner(n), "0123456", 1, 1, started(n), started(n))
         for n, pk in enumerate(programs)),
    )  # fmt: skip
    count += insert(
        Item,
        ["program_id", "position", "exercise_id", "dosage"],
        ((pk, p, e, json.dumps(d)) for n, pk in enumerate(programs)
         for p, e, d in kinds[n % len(kinds)].items),
    )  # fmt: skip
    count += insert(
        Version,
        ["program_id", "number", "created_at", "created_by_id", "note", "snapshot"],
        ((pk, 1, started(n), owner(n), "Assigned", kinds[n % len(kinds)].snapshot)
         for n, pk in enumerate(programs)),
    )  # fmt: skip
    count += insert(
        Assignment,
        ["id", "program_id", "patient_id", "clinician_id", "episode_id", "start_date",
         "time_zone", "note", "status", "created_at"],
        ((world.assignments[n], pk, world.patients[n], owner(n), world.episodes[n],
          world.opened[n], ZONE, "", "active", started(n)) for n, pk in enumerate(programs)),
    )  # fmt: skip
    reset_sequences(Program, Item, Version, Assignment)
    return count


def _log_days(plan: Plan, world: World, rng: random.Random) -> Iterator[tuple[int, dt.date]]:
    """(patient index, local date) of every session: the first patient daily for two years,
    the others spread evenly over the days since their episode opened."""
    today = world.now.astimezone(zoneinfo.ZoneInfo(ZONE)).date()
    probe = min(PROBE_LOG_DAYS, plan.logs)
    for day in range(probe):
        yield 0, today - dt.timedelta(days=probe - day)
    others = plan.patients - 1
    left = plan.logs - probe
    if others <= 0 or left <= 0:
        return
    for n in range(1, plan.patients):
        share = left // others + (1 if n <= left % others else 0)
        span = max(1, (today - world.opened[n]).days - 1)
        for k in range(share):
            offset = 1 + (k * span) // share
            yield n, world.opened[n] + dt.timedelta(days=offset)


def _logs(plan: Plan, world: World, rng: random.Random) -> int:
    Log = model("exercises.SessionLog")
    kinds = world.program_kinds
    zone = zoneinfo.ZoneInfo(ZONE)
    evening = dt.time(18, 30)
    cutoff = world.now - dt.timedelta(hours=1)

    def rows() -> Iterator[tuple[Any, ...]]:
        for n, day in _log_days(plan, world, rng):
            kind = kinds[n % len(kinds)]
            logged = dt.datetime.combine(day, evening, zone).astimezone(dt.UTC)
            logged = min(logged, cutoff)
            during = rng.randrange(0, 7)
            settled = during <= kind.max_during
            yield (
                world.assignments[n], uuid.uuid4(), 1, logged, day, kind.log_items,
                rng.randrange(0, 5), during, rng.randrange(3, 9), "", kind.pain_rule, settled,
                logged + dt.timedelta(hours=14), during > kind.max_during, "",
            )  # fmt: skip

    return insert(
        Log,
        ["assignment_id", "token", "program_version", "logged_at", "local_date", "items",
         "pain_now", "pain_during", "effort", "note", "pain_rule", "settled_next_morning",
         "settled_answered_at", "ease_off", "sudden_event"],
        rows(),
    )  # fmt: skip


def _workdays(start: dt.date, step: int) -> Iterator[dt.date]:
    day = start
    while True:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            yield day


def _appointments(plan: Plan, world: World, rng: random.Random) -> int:
    """Each clinician's next working days mostly booked, then visits back in time on the
    grid, clinician by clinician in turn, up to the planned number."""
    Appointment = model("booking.Appointment")
    VisitType = model("booking.VisitType")
    zone = zoneinfo.ZoneInfo(ZONE)
    kinds = list(
        VisitType.objects.filter(is_active=True, allows_in_person=True).order_by("position")
    )
    today = world.now.astimezone(zone).date()
    patients_of: dict[int, list[int]] = {}
    for n, c in enumerate(world.care_of):
        patients_of.setdefault(c, []).append(n)
    slots: list[tuple[int, dt.datetime, str]] = []
    future_days = list(_take(_workdays(today, 1), FUTURE_WORKDAYS))
    for c in range(plan.clinicians):
        for d, day in enumerate(future_days):
            for s, at in enumerate(GRID):
                if (c + d + s) % 3:
                    slots.append((c, dt.datetime.combine(day, at, zone), "booked"))
    wanted = max(plan.appointments, 0)
    slots = slots[:wanted]
    past_each = _past_grid(today)
    practising = plan.practising
    index = 0
    while len(slots) < wanted:
        c, k = index % practising, index // practising
        if k >= len(past_each):
            raise SeedError("More visits than two years of the grid can hold.")
        status = "completed" if k % 20 else ("no_show" if k % 40 else "cancelled")
        slots.append((c, past_each[k], status))
        index += 1
    seq = iter(range(len(slots)))

    def rows() -> Iterator[tuple[Any, ...]]:
        for c, start, status in slots:
            kind = kinds[next(seq) % len(kinds)]
            start_utc = start.astimezone(dt.UTC)
            end = start_utc + dt.timedelta(minutes=kind.duration_minutes)
            busy_from = start_utc - dt.timedelta(minutes=kind.buffer_before_minutes)
            busy_until = end + dt.timedelta(minutes=kind.buffer_after_minutes)
            mine = patients_of.get(c)
            if mine:
                n = mine[rng.randrange(len(mine))]
                patient, episode = world.patients[n], world.episodes[n]
                name, email = world.patient_names[n], world.email("patient", n)
            else:
                patient = episode = None
                name, email = "Guest Visitor", world.email("guest", c)
            created = min(start_utc - dt.timedelta(days=7), world.now)
            cancelled = created if status == "cancelled" else None
            yield (
                uuid.uuid4(), world.clinicians[c], patient, episode, name, email,
                kind.pk, "in_person", world.locations[c // CLINIC_SIZE], start_utc, end,
                busy_from, busy_until, ZONE, status, created, created, cancelled,
                "patient" if cancelled else "",
            )  # fmt: skip

    count = insert(
        Appointment,
        ["uid", "clinician_id", "patient_id", "episode_id", "name", "email", "visit_type_id",
         "mode", "location_id", "start", "end", "busy_from", "busy_until", "time_zone",
         "status", "created_at", "updated_at", "cancelled_at", "cancelled_by"],
        rows(),
    )  # fmt: skip
    return count


def _take(items: Iterator[Any], count: int) -> list[Any]:
    return [next(items) for _ in range(count)]


def _past_grid(today: dt.date) -> list[dt.datetime]:
    """Grid starts on working days, from yesterday back two years, newest first."""
    zone = zoneinfo.ZoneInfo(ZONE)
    found = []
    days = _workdays(today, -1)
    for day in days:
        if (today - day).days > HISTORY_DAYS:
            break
        found.extend(dt.datetime.combine(day, at, zone) for at in reversed(GRID))
    return found


# Articles: Wagtail pages written straight into the tree.

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, as Wagtail uses it
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    for _ in range(STEPLEN):
        number, digit = divmod(number, len(ALPHABET))
        digits = ALPHABET[digit] + digits
    return digits


def _articles(plan: Plan, world: World) -> int:
    Page = model("wagtailcore.Page")
    Index = model("content.ArticleIndexPage")
    Article = model("content.ArticlePage")
    ContentType = model("contenttypes.ContentType")
    Tag = model("taggit.Tag")
    index = Index.objects.order_by("path").first()
    bodies = [json.dumps(list(a.body.raw_data)) for a in Article.objects.order_by("path")[:6]]
    if index is None or not bodies:
        raise SeedError("No article section with articles: run mend load_demo first.")
    last = Page.objects.filter(path__startswith=index.path, depth=index.depth + 1)
    last_path = last.order_by("-path").values_list("path", flat=True).first()
    first_step = (int(last_path[-STEPLEN:], 36) + 1) if last_path else 1
    content_type = ContentType.objects.get_for_model(Article)
    ids = list(Ids(Page).take(plan.articles))
    world.articles = ids
    author = world.clinician_users[0]
    today = world.now.date()
    tags = [Tag.objects.get_or_create(name=name, defaults={"slug": name})[0].pk for name in TAGS]

    def pages() -> Iterator[tuple[Any, ...]]:
        for n, pk in enumerate(ids):
            topic, _ = TOPICS[n % len(TOPICS)]
            title = f"{topic}: what helps, part {n // len(TOPICS) + 1}"
            slug = f"{world.tag}-{n + 1}"
            published = world.now - dt.timedelta(days=n % HISTORY_DAYS)
            yield (
                pk, index.path + _step(first_step + n), index.depth + 1, 0, uuid.uuid4(),
                index.locale_id, True, False, published, published, title, title, slug,
                content_type.pk, f"{index.url_path}{slug}/", "", "",
            )  # fmt: skip

    count = insert(
        Page,
        ["id", "path", "depth", "numchild", "translation_key", "locale_id", "live",
         "has_unpublished_changes", "first_published_at", "last_published_at", "title",
         "draft_title", "slug", "content_type_id", "url_path", "seo_title",
         "search_description"],
        pages(),
    )  # fmt: skip

    def details() -> Iterator[tuple[Any, ...]]:
        for n, pk in enumerate(ids):
            topic, words = TOPICS[n % len(TOPICS)]
            standfirst = f"{topic}: {words}. What usually helps, and when to see someone."
            yield (
                pk, standfirst, today - dt.timedelta(days=n % HISTORY_DAYS), author,
                bodies[n % len(bodies)], "", "",
            )  # fmt: skip

    count += insert(
        Article,
        ["page_ptr_id", "standfirst", "date", "author_id", "body", "video_url", "video_title"],
        details(),
    )
    through = Article.tags.through
    count += insert(
        through,
        ["content_object_id", "tag_id"],
        ((pk, tags[(n + k * 5) % len(tags)]) for n, pk in enumerate(ids) for k in range(3)),
    )
    Page.objects.filter(pk=index.pk).update(numchild=models.F("numchild") + plan.articles)
    reset_sequences(Page, through)
    return count


def _comments(plan: Plan, world: World, rng: random.Random) -> int:
    Comment = model("community.Comment")
    ids = list(Ids(Comment).take(plan.comments))
    mix = [status for status, weight in COMMENT_MIX for _ in range(weight)]
    last_top: dict[int, int] = {}

    def rows() -> Iterator[tuple[Any, ...]]:
        for n, pk in enumerate(ids):
            page = world.articles[n % len(world.articles)]
            status = mix[(n * 37) % len(mix)]
            created = world.now - dt.timedelta(hours=len(ids) - n)
            parent = last_top.get(page) if status == "approved" and n % 5 == 4 else None
            if status == "approved" and parent is None:
                last_top[page] = pk
            first, last = _names(n)
            yield (
                pk, page, parent, f"{first} {last[0]}.", world.email("reader", n % 5000),
                COMMENT_TEXTS[n % len(COMMENT_TEXTS)], status,
                "Awaiting moderation" if status == "pending" else "", created,
                created + dt.timedelta(minutes=30) if status == "approved" else None,
            )  # fmt: skip

    count = insert(
        Comment,
        ["id", "page_id", "parent_id", "name", "email", "body", "status", "held_reason",
         "created_at", "approved_at"],
        rows(),
    )  # fmt: skip
    reset_sequences(Comment)
    return count


def _search_index(world: World) -> int:
    from wagtail.search.backends import get_search_backend

    Article = model("content.ArticlePage")
    backend = get_search_backend()
    count = 0
    for start in range(0, len(world.articles), 500):
        chunk = list(Article.objects.filter(pk__in=world.articles[start : start + 500]))
        backend.add_bulk(Article, chunk)
        count += len(chunk)
    return count


def counts(world_tag: str | None = None) -> dict[str, int]:
    """What the database holds of a group, to check a seed against its plan."""
    User = model("accounts.User")
    where = f".{world_tag}@{EMAIL_DOMAIN}" if world_tag else f"@{EMAIL_DOMAIN}"
    patients = User.objects.filter(email__endswith=where, groups__name=roles.PATIENT)
    clinicians = User.objects.filter(email__endswith=where, groups__name=roles.CLINICIAN)
    return {
        "clinicians": clinicians.count(),
        "patients": patients.count(),
        "logs": model("exercises.SessionLog")
        .objects.filter(assignment__patient__in=patients)
        .count(),
        "appointments": model("booking.Appointment")
        .objects.filter(clinician__user__in=clinicians)
        .count(),
        "articles": model("content.ArticlePage")
        .objects.filter(slug__startswith=f"{world_tag}-" if world_tag else "")
        .count(),
        "comments": model("community.Comment").objects.filter(email__endswith=where).count(),
    }
