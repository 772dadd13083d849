"""What the pages show: progress per program, the portal, the clinician's patient list,
and the player's plan. Read-only; a constant number of queries per page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mend.accounts.models import User
from mend.care.models import Episode, Flag
from mend.exercises import chart, progress
from mend.exercises.dosage import Dosage, StepKind
from mend.exercises.models import Assignment, Program, ProgramItem, SessionLog

CHART_SESSIONS = 30
WEEKS_SHOWN = 12  # the adherence table's latest weeks; a routine kept for years has a hundred
ADHERENCE_DAYS = 14


class LoggedSession(Protocol):
    """What progress reads of a session: a ``SessionLog``, or a row of its values."""

    @property
    def local_date(self) -> dt.date: ...
    @property
    def pain_during(self) -> int: ...
    @property
    def pain_now(self) -> int: ...


@dataclass
class ProgramProgress:
    assignment: Assignment
    today: dt.date
    due_today: int
    done_today: int
    streak: int
    weeks: list[progress.Week]
    chart_svg: str
    points: list[chart.PainPoint]
    limit: int
    offer_visit: bool


def current_rule_limit(items: Iterable[ProgramItem]) -> int:
    return progress.strictest_rule(item.dosage_value.pain_rule for item in items).max_during


def program_progress(
    assignment: Assignment,
    *,
    items: list[ProgramItem],
    logs: Sequence[LoggedSession],
    now: dt.datetime,
    flagged_days: list[dt.date],
) -> ProgramProgress:
    """``logs`` oldest first; ``flagged_days``: the patient's sessions over the rule lately."""
    today = assignment.local_date(now)
    schedule = assignment.schedule()
    days = [log.local_date for log in logs]
    points = [
        chart.PainPoint(f"{log.local_date.day} {log.local_date:%b}", log.pain_during, log.pain_now)
        for log in logs[-CHART_SESSIONS:]
    ]
    limit = current_rule_limit(items)
    return ProgramProgress(
        assignment=assignment,
        today=today,
        due_today=schedule.due_on(today),
        done_today=days.count(today),
        streak=progress.streak(schedule, days, today),
        weeks=_recent_weeks(schedule, days, today),
        chart_svg=chart.pain_chart_svg(points, limit=limit, ident=f"pain-chart-{assignment.pk}"),
        points=points,
        limit=limit,
        offer_visit=progress.offer_visit(flagged_days, today),
    )


def _recent_weeks(
    schedule: progress.Schedule, days: list[dt.date], today: dt.date
) -> list[progress.Week]:
    """The latest WEEKS_SHOWN weeks of adherence, counting only the days they can hold."""
    last = today if schedule.end is None else min(today, schedule.end)
    since = last - dt.timedelta(days=progress.WEEK * WEEKS_SHOWN)
    recent = [day for day in days if day >= since]
    return progress.weekly_adherence(schedule, recent, today)[-WEEKS_SHOWN:]


@dataclass
class PortalEntry:
    assignment: Assignment
    today: dt.date
    due_today: int
    done_today: int
    streak: int
    this_week: progress.Week | None

    @property
    def left_today(self) -> int:
        return max(0, self.due_today - self.done_today)


def portal(user: User, *, now: dt.datetime) -> tuple[list[PortalEntry], list[Assignment]]:
    """The patient's active programs with today's sessions, and their finished ones."""
    assignments = list(
        Assignment.objects.visible_to(user)
        .filter(patient=user)
        .select_related("program", "clinician")
        .order_by("-start_date", "-pk")
    )
    active = [a for a in assignments if a.status == Assignment.Status.ACTIVE]
    dates: dict[int, list[dt.date]] = defaultdict(list)
    rows = SessionLog.objects.filter(assignment__in=[a.pk for a in active])
    for assignment_id, day in rows.values_list("assignment_id", "local_date"):
        dates[assignment_id].append(day)
    entries = []
    for assignment in active:
        today = assignment.local_date(now)
        schedule = assignment.schedule()
        days = dates[assignment.pk]
        entries.append(
            PortalEntry(
                assignment=assignment,
                today=today,
                due_today=schedule.due_on(today),
                done_today=days.count(today),
                streak=progress.streak(schedule, days, today),
                this_week=progress.current_week(schedule, days, today),
            )
        )
    entries.sort(key=lambda entry: (entry.left_today == 0, entry.assignment.start_date))
    finished = [a for a in assignments if a.status == Assignment.Status.FINISHED]
    return entries, finished


@dataclass
class PatientRow:
    patient: User
    today: dt.date
    adherence: progress.Adherence
    last_pain: int | None
    last_date: dt.date | None
    rising: bool
    morning_rising: bool
    quiet_days: int
    ease_offs: int
    programs: int
    flags: list[str] = field(default_factory=list)


def _rising(assignment: Assignment, logs: list[dict[str, Any]]) -> bool:
    own = [
        (log["local_date"], log["pain_during"])
        for log in logs
        if log["assignment_id"] == assignment.pk
    ]
    return progress.pain_is_rising(own)


def _morning_rising(assignment: Assignment, logs: list[dict[str, Any]], today: dt.date) -> bool:
    """The morning rule on the worse of pain and stiffness, dated the morning after."""
    mornings = []
    for log in logs:
        rated = [v for v in (log["morning_pain"], log["morning_stiffness"]) if v is not None]
        if log["assignment_id"] == assignment.pk and rated:
            mornings.append((log["local_date"] + dt.timedelta(days=1), max(rated)))
    return progress.morning_is_rising(mornings, today)


def _row(
    patient: User, assignments: list[Assignment], logs: list[dict[str, Any]], now: dt.datetime
) -> PatientRow:
    active = [a for a in assignments if a.status == Assignment.Status.ACTIVE]
    zone_from = max(active or assignments, key=lambda a: (a.start_date, a.pk))
    today = zone_from.local_date(now)
    by_assignment: dict[int, list[dt.date]] = defaultdict(list)
    for log in logs:
        by_assignment[log["assignment_id"]].append(log["local_date"])
    first = today - dt.timedelta(days=ADHERENCE_DAYS - 1)
    found = progress.combined_adherence(
        ((a.schedule(), by_assignment[a.pk]) for a in active), first, today
    )
    last = logs[-1] if logs else None
    since = min((a.start_date for a in active), default=today)
    quiet = progress.quiet_days(last["local_date"] if last else None, since, today)
    ease_offs = progress.ease_off_count(
        (log["local_date"] for log in logs if log["ease_off"]), today
    )
    row = PatientRow(
        patient=patient,
        today=today,
        adherence=found,
        last_pain=last["pain_during"] if last else None,
        last_date=last["local_date"] if last else None,
        rising=any(_rising(a, logs) for a in active),
        morning_rising=any(_morning_rising(a, logs, today) for a in active),
        quiet_days=quiet,
        ease_offs=ease_offs,
        programs=len(active),
    )
    if row.rising:
        row.flags.append("Pain rising")
    if row.morning_rising:
        row.flags.append("Morning pain or stiffness rising")
    if active and quiet >= progress.QUIET_DAYS:
        row.flags.append(f"No session for {quiet} days")
    if ease_offs >= progress.EASE_OFF_SESSIONS_FOR_VISIT:
        row.flags.append(f"Pain over the limit in {ease_offs} sessions this week: visit offered")
    return row


def patient_rows(clinician: User, *, now: dt.datetime) -> list[PatientRow]:
    """Every patient in the clinician's care, flagged ones first."""
    assignments = list(
        Assignment.objects.visible_to(clinician).select_related("program", "patient")
    )
    logs = (
        SessionLog.objects.filter(assignment__in=[a.pk for a in assignments])
        .order_by("logged_at", "pk")
        .values(
            "assignment_id",
            "local_date",
            "pain_during",
            "ease_off",
            "morning_pain",
            "morning_stiffness",
        )
    )
    patient_of = {a.pk: a.patient_id for a in assignments}
    by_patient: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for log in logs:
        by_patient[patient_of[log["assignment_id"]]].append(log)
    grouped: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        grouped[assignment.patient_id].append(assignment)
    rows = [
        _row(group[0].patient, group, by_patient[patient_id], now)
        for patient_id, group in grouped.items()
    ]
    raised: dict[int, list[str]] = defaultdict(list)
    open_flags = Flag.objects.open().filter(episode__in=Episode.objects.granting(clinician))
    for patient_id, detail in open_flags.values_list("episode__patient_id", "detail"):
        raised[patient_id].append(detail)
    for row in rows:
        row.flags[:0] = raised[row.patient.pk]  # the episode's own flags come first
    rows.sort(key=lambda row: (not row.flags, row.patient.get_public_name().lower()))
    return rows


# The player.


def _step_dict(step: Any, sets: int) -> dict[str, object]:
    return {
        "kind": step.kind.value,
        "label": step.label,
        "seconds": step.seconds,
        "set": step.set_number,
        "sets": sets,
        "side": step.side,
        "timed": step.seconds is not None and step.kind is not StepKind.REPS,
    }


def player_plan(
    program: Program, items: list[ProgramItem], *, clock_percent: int
) -> dict[str, Any]:
    """What player.js walks through: each exercise, its instructions and timeline steps."""
    plan_items = []
    for item in items:
        dosage: Dosage = item.dosage_value
        sets = dosage.sets or 1
        plan_items.append(
            {
                "position": item.position,
                "name": item.exercise.name,
                "dosage": dosage.describe(),
                "steps": item.exercise.step_list,
                "cues": item.exercise.cue_list,
                "timeline": [_step_dict(step, sets) for step in dosage.timeline()],
            }
        )
    return {"program": program.name, "clock_percent": clock_percent, "items": plan_items}
