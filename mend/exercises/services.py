"""Workflows: build and change programs, assign them, start a routine, log a session.

Every function takes keyword-only arguments and an explicit ``now``, and
raises ``ExerciseError`` with a message for the person using the page (and
the form field it concerns, if any). Views fetch objects through
``visible_to`` first; these functions check the acting user again.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode, Flag
from mend.exercises import progress, stops, tasks
from mend.exercises.dosage import Dosage, PainRule
from mend.exercises.models import (
    Assignment,
    Exercise,
    PauseCause,
    Program,
    ProgramItem,
    ProgramVersion,
    SessionLog,
    is_clinician,
    validate_time_zone,
)
from mend.outcomes import services as outcomes
from mend.outcomes.instruments import INSTRUMENTS

MAX_ITEMS = 30
MAX_LOGS_PER_DAY = 10
MAX_START_DAYS_BACK = 30
MAX_START_DAYS_AHEAD = 366
SETTLE_QUESTION_DAYS = 3  # ask about a session at most this many days later
# Spread a number of days a week over the week (0 = Monday).
SPREAD_DAYS = {
    1: "0",
    2: "03",
    3: "024",
    4: "0134",
    5: "01234",
    6: "012345",
    7: "0123456",
}


class ExerciseError(Exception):
    """Something the user asked for cannot be done; ``message`` says why, ``field`` where."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class LogOutcome:
    log: SessionLog
    rule: PainRule
    ease_off: bool
    offer_visit: bool
    duplicate: bool = False

    @property
    def ask_sudden(self) -> bool:
        """Severe pain: ask at once whether something sudden happened."""
        return self.log.is_severe and not self.log.sudden_answered_at


# Permissions, checked again here whatever the view did.


def can_edit(program: Program, user: User) -> bool:
    """The clinician who built the program or assigned it (or an admin) may change it."""
    if user.is_superuser:
        return True
    if not is_clinician(user):
        return False
    assignment = program.assignment_or_none
    return program.owner_id == user.pk or (
        assignment is not None and assignment.clinician_id == user.pk
    )


def _check_editable(program: Program, by: User) -> None:
    if not can_edit(program, by):
        raise ExerciseError("Only the clinician who built or assigned this program can change it.")
    assignment = program.assignment_or_none
    if assignment is not None and assignment.status == Assignment.Status.FINISHED:
        raise ExerciseError("This program has finished, so it can no longer change.")


# Programs and their versions.


def _snapshot(program: Program) -> dict[str, object]:
    items = program.items.select_related("exercise").order_by("position", "pk")
    return {
        "name": program.name,
        "goal": program.goal,
        "weekdays": program.weekdays,
        "sessions_per_day": program.sessions_per_day,
        "items": [item.snapshot() for item in items],
    }


def _record_version(program: Program, *, by: User, now: dt.datetime, note: str) -> ProgramVersion:
    """Bump the version and keep what the program now is; the row is locked while we do."""
    Program.objects.filter(pk=program.pk).update(version=F("version") + 1, updated_at=now)
    program.refresh_from_db(fields=["version", "updated_at"])
    return ProgramVersion.objects.create(
        program=program,
        number=program.version,
        created_at=now,
        created_by=by,
        note=note,
        snapshot=_snapshot(program),
    )


def _check_schedule(weekdays: str, sessions_per_day: int) -> None:
    if not progress.parse_weekdays(weekdays) or set(weekdays) - set("0123456"):
        raise ExerciseError("Choose at least one day of the week.", field="weekdays")
    if not 1 <= sessions_per_day <= 4:
        raise ExerciseError("From 1 to 4 sessions a day.", field="sessions_per_day")


def _check_measures(measures: Sequence[str]) -> list[str]:
    unknown = [code for code in measures if code not in INSTRUMENTS]
    if unknown:
        raise ExerciseError("Choose measures from the list.", field="measures")
    return list(dict.fromkeys(measures))  # in the order chosen, each once


@transaction.atomic
def create_program(
    *,
    owner: User,
    name: str,
    goal: str,
    weekdays: str,
    sessions_per_day: int,
    is_template: bool,
    now: dt.datetime,
    measures: Sequence[str] = (),
) -> Program:
    if not (is_clinician(owner) or owner.is_superuser):
        raise ExerciseError("Only clinicians build programs.")
    _check_schedule(weekdays, sessions_per_day)
    program = Program.objects.create(
        name=name.strip(),
        goal=goal.strip(),
        weekdays=progress.format_weekdays(progress.parse_weekdays(weekdays)),
        sessions_per_day=sessions_per_day,
        measures=_check_measures(measures),
        is_template=is_template,
        owner=owner,
        created_at=now,
        updated_at=now,
        version=0,
    )
    _record_version(program, by=owner, now=now, note="Created")
    return program


@transaction.atomic
def update_details(
    program: Program,
    *,
    by: User,
    name: str,
    goal: str,
    weekdays: str,
    sessions_per_day: int,
    now: dt.datetime,
    measures: Sequence[str] = (),
) -> Program:
    _check_editable(program, by)
    _check_schedule(weekdays, sessions_per_day)
    program.name, program.goal = name.strip(), goal.strip()
    program.weekdays = progress.format_weekdays(progress.parse_weekdays(weekdays))
    program.sessions_per_day = sessions_per_day
    program.measures = _check_measures(measures)
    program.save(update_fields=["name", "goal", "weekdays", "sessions_per_day", "measures"])
    _record_version(program, by=by, now=now, note="Changed the name, goal or schedule")
    return program


@transaction.atomic
def add_item(
    program: Program,
    *,
    by: User,
    exercise: Exercise,
    dosage: Dosage | None = None,
    now: dt.datetime,
) -> ProgramItem:
    _check_editable(program, by)
    if program.items.count() >= MAX_ITEMS:
        raise ExerciseError(f"A program holds at most {MAX_ITEMS} exercises.", field="exercise")
    last = program.items.aggregate(last=Max("position"))["last"] or 0
    item = ProgramItem.objects.create(
        program=program,
        position=last + 1,
        exercise=exercise,
        dosage=(dosage or exercise.dosage).to_dict(),
    )
    _record_version(program, by=by, now=now, note=f"Added {exercise.name}")
    return item


@transaction.atomic
def update_item(item: ProgramItem, *, by: User, dosage: Dosage, now: dt.datetime) -> ProgramItem:
    _check_editable(item.program, by)
    item.dosage = dosage.to_dict()
    item.save(update_fields=["dosage"])
    _record_version(item.program, by=by, now=now, note=f"Changed the dosage of {item.exercise}")
    return item


def _renumber(program: Program) -> None:
    for position, item in enumerate(program.items.order_by("position", "pk"), start=1):
        if item.position != position:
            ProgramItem.objects.filter(pk=item.pk).update(position=position)


@transaction.atomic
def remove_item(item: ProgramItem, *, by: User, now: dt.datetime) -> None:
    program = item.program
    _check_editable(program, by)
    if program.items.count() == 1 and program.assignment_or_none is not None:
        raise ExerciseError("An assigned program keeps at least one exercise.")
    name = item.exercise.name
    item.delete()
    _renumber(program)
    _record_version(program, by=by, now=now, note=f"Removed {name}")


@transaction.atomic
def move_item(item: ProgramItem, *, by: User, up: bool, now: dt.datetime) -> None:
    program = item.program
    _check_editable(program, by)
    _renumber(program)
    items = list(program.items.order_by("position"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        raise ExerciseError("It is already " + ("first." if up else "last."))
    items[index], items[other] = items[other], items[index]
    for position, moved in enumerate(items, start=1):
        ProgramItem.objects.filter(pk=moved.pk).update(position=position)
    _record_version(program, by=by, now=now, note=f"Moved {item.exercise} {'up' if up else 'down'}")


# Assigning, and starting a routine oneself.


def _check_start(start_date: dt.date, today: dt.date) -> None:
    if start_date < today - dt.timedelta(days=MAX_START_DAYS_BACK):
        raise ExerciseError(
            f"The first day can be at most {MAX_START_DAYS_BACK} days ago.", field="start_date"
        )
    if start_date > today + dt.timedelta(days=MAX_START_DAYS_AHEAD):
        raise ExerciseError("The first day must be within a year from today.", field="start_date")


def _end_date(start_date: dt.date, weeks: int | None) -> dt.date | None:
    return None if weeks is None else start_date + dt.timedelta(days=7 * weeks - 1)


def _copy(source: Program, *, by: User, now: dt.datetime) -> Program:
    program = Program.objects.create(
        name=source.name,
        goal=source.goal,
        weekdays=source.weekdays,
        sessions_per_day=source.sessions_per_day,
        measures=source.measures,
        owner=by,
        created_at=now,
        updated_at=now,
        version=0,
    )
    ProgramItem.objects.bulk_create(
        ProgramItem(
            program=program,
            position=item.position,
            exercise_id=item.exercise_id,
            dosage=item.dosage,
        )
        for item in source.items.order_by("position", "pk")
    )
    _record_version(program, by=by, now=now, note=f"Copied from “{source.name}”")
    return program


@transaction.atomic
def assign(
    source: Program,
    *,
    by: User,
    episode: Episode,
    start_date: dt.date,
    weeks: int | None,
    time_zone: str,
    note: str,
    screen_first: bool,
    now: dt.datetime,
) -> Assignment:
    """Assign a program in an episode of care: templates and assigned programs are copied first.

    The episode must be open and the assigning clinician's own: that is what
    puts the program, and the sessions logged in it, in the clinician's view.
    With screen_first, the patient answers the red-flag screen before the first session.
    """
    if not can_edit(source, by) and not (source.is_template and is_clinician(by)):
        raise ExerciseError("Only clinicians assign programs.")
    if episode.clinician_id != by.pk or not episode.is_active:
        raise ExerciseError("Choose a patient in your care.", field="episode")
    if not source.items.exists():
        raise ExerciseError("Add at least one exercise before assigning the program.")
    validate_time_zone(time_zone)
    today = now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    _check_start(start_date, today)
    if weeks is not None and not 1 <= weeks <= 52:
        raise ExerciseError("From 1 to 52 weeks.", field="weeks")
    reuse = not source.is_template and source.assignment_or_none is None
    program = source if reuse else _copy(source, by=by, now=now)
    _ask_measures(program.measures, episode=episode, by=by, time_zone=time_zone, now=now)
    return Assignment.objects.create(
        program=program,
        patient=episode.patient,
        clinician=by,
        episode=episode,
        screen_first=screen_first,
        start_date=start_date,
        end_date=_end_date(start_date, weeks),
        time_zone=time_zone,
        note=note.strip(),
        created_at=now,
    )


@transaction.atomic
def start_routine(
    *, patient: User, exercise: Exercise, dosage: Dosage, time_zone: str, now: dt.datetime
) -> Assignment:
    """A one-exercise program the patient assigns to themselves, starting today.

    Pressing "Start this routine" again for the same exercise and dosage
    returns the routine already running instead of making a second one.
    """
    validate_time_zone(time_zone)
    running = (
        Assignment.objects.active()
        .filter(patient=patient, clinician__isnull=True, program__items__exercise=exercise)
        .select_related("program")
    )
    for assignment in running:
        items = list(assignment.program.items.all())
        if len(items) == 1 and items[0].dosage == dosage.to_dict():
            return assignment
    days = SPREAD_DAYS[dosage.days_per_week or 7]
    program = Program.objects.create(
        name=exercise.name,
        goal="",
        weekdays=days,
        sessions_per_day=min(dosage.times_per_day or 1, 4),
        owner=patient,
        created_at=now,
        updated_at=now,
        version=0,
    )
    ProgramItem.objects.create(
        program=program, position=1, exercise=exercise, dosage=dosage.to_dict()
    )
    _record_version(program, by=patient, now=now, note="Started from the library")
    today = now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    return Assignment.objects.create(
        program=program,
        patient=patient,
        clinician=None,
        screen_first=True,
        start_date=today,
        end_date=_end_date(today, dosage.weeks),
        time_zone=time_zone,
        created_at=now,
    )


DEFAULT_FOLLOW_UP_WEEKS = (2, 6, 12)
DEFAULT_REVIEW_WEEK = 6


def _ask_measures(
    codes: Sequence[str], *, episode: Episode, by: User, time_zone: str, now: dt.datetime
) -> list[str]:
    """The program's measures, asked in the episode; those it asks already, or whose licensed
    text is not loaded, are left out. The codes attached."""
    asked = set(episode.outcome_schedules.values_list("instrument", flat=True))
    has_main = episode.outcome_schedules.filter(is_main=True).exists()
    attached = []
    for code in codes:
        if code in asked:
            continue
        try:
            outcomes.attach(
                episode=episode, by=by, instrument=code, at_baseline=True,
                follow_up_weeks=DEFAULT_FOLLOW_UP_WEEKS, at_discharge=True,
                is_main=not has_main, review_week=DEFAULT_REVIEW_WEEK, time_zone=time_zone,
                now=now,
            )  # fmt: skip
        except outcomes.OutcomeError:
            continue  # a licensed measure whose text the clinic has not loaded
        has_main = True
        attached.append(code)
    return attached


def share(assignment: Assignment, *, by: User, episode: Episode | None, now: dt.datetime) -> None:
    """The patient shares a routine they started with a clinician in their care, or stops.

    Only the patient's own routines: a clinician's program already belongs to
    the episode it was assigned in.
    """
    if assignment.patient_id != by.pk or assignment.clinician_id is not None:
        raise ExerciseError("Only routines you started yourself can be shared or unshared.")
    if episode is not None and (episode.patient_id != by.pk or not episode.is_active):
        raise ExerciseError("Choose a clinician you are in the care of.", field="episode")
    Assignment.objects.filter(pk=assignment.pk).update(episode=episode)
    assignment.refresh_from_db()


@transaction.atomic
def finish(assignment: Assignment, *, by: User, now: dt.datetime) -> None:
    """End a program: the patient may end one they started; the assigning clinician any."""
    allowed = (assignment.clinician_id is None and by.pk == assignment.patient_id) or (
        by.is_superuser or (by.pk == assignment.clinician_id and is_clinician(by))
    )
    if not allowed:
        raise ExerciseError("Only your clinician can finish a program they assigned.")
    changed = Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.ACTIVE).update(
        status=Assignment.Status.FINISHED, finished_at=now
    )
    if not changed:
        raise ExerciseError("This program has already finished.")
    assignment.refresh_from_db()


# Session logs and the pain rule.


def _check_open(assignment: Assignment, today: dt.date) -> None:
    if assignment.status == Assignment.Status.FINISHED:
        raise ExerciseError("This program has finished, so it takes no new sessions.")
    if assignment.paused_at:
        raise ExerciseError(stops.stopped_message(assignment))
    if today < assignment.start_date:
        raise ExerciseError(f"This program starts on {assignment.start_date:%-d %B %Y}.")
    if assignment.end_date is not None and today > assignment.end_date:
        raise ExerciseError(f"This program ended on {assignment.end_date:%-d %B %Y}.")


def _check_rating(value: Any, field: str, *, required: bool = True) -> None:
    if value is None and not required:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ExerciseError("Rate it with a whole number from 0 to 10.", field=field)


def _flagged_days(patient: User, today: dt.date) -> list[dt.date]:
    first = today - dt.timedelta(days=progress.WEEK - 1)
    return list(
        SessionLog.objects.filter(
            assignment__patient=patient, ease_off=True, local_date__gte=first
        ).values_list("local_date", flat=True)
    )


def log_session(
    assignment: Assignment,
    *,
    by: User,
    done: list[int],
    pain_now: int,
    pain_during: int,
    effort: int | None,
    note: str,
    token: uuid.UUID,
    now: dt.datetime,
) -> LogOutcome:
    if by.pk != assignment.patient_id:
        raise ExerciseError("Only the patient can log their own sessions.")
    today = assignment.local_date(now)
    _check_open(assignment, today)
    if stops.screen_due(assignment, now=now):
        raise ExerciseError(stops.SCREEN_FIRST)
    items = list(assignment.program.items.select_related("exercise"))
    by_position = {item.position: item for item in items}
    if not done or not set(done) <= set(by_position):
        raise ExerciseError("Tick the exercises you did, from this program only.", field="done")
    _check_rating(pain_during, "pain_during")
    _check_rating(pain_now, "pain_now")
    _check_rating(effort, "effort", required=False)
    rule = progress.strictest_rule(by_position[p].dosage_value.pain_rule for p in set(done))
    existing = SessionLog.objects.filter(assignment=assignment, token=token).first()
    if existing is not None:
        return _outcome(existing, today=today, duplicate=True)
    if assignment.logs.filter(local_date=today).count() >= MAX_LOGS_PER_DAY:
        raise ExerciseError(f"You have already logged {MAX_LOGS_PER_DAY} sessions today.")
    entries = [{**item.snapshot(), "done": item.position in done} for item in items]
    try:
        with transaction.atomic():
            log = SessionLog.objects.create(
                assignment=assignment,
                token=token,
                program_version=assignment.program.version,
                logged_at=now,
                local_date=today,
                items=entries,
                pain_now=pain_now,
                pain_during=pain_during,
                effort=effort,
                note=note.strip(),
                pain_rule=rule.to_dict(),
                ease_off=pain_during > rule.max_during,
            )
    except IntegrityError:  # the same form sent twice at once: the first one counts
        log = SessionLog.objects.get(assignment=assignment, token=token)
        return _outcome(log, today=today, duplicate=True)
    transaction.on_commit(lambda: tasks.schedule_morning_check(log.pk), robust=True)
    return _outcome(log, today=today)


def set_morning_email(assignment: Assignment, *, by: User, wanted: bool) -> None:
    """The patient's choice of one email the morning after each session."""
    if by.pk != assignment.patient_id:
        raise ExerciseError("Only the patient chooses their emails.")
    Assignment.objects.filter(pk=assignment.pk).update(morning_email=wanted)
    assignment.refresh_from_db()


def _outcome(log: SessionLog, *, today: dt.date, duplicate: bool = False) -> LogOutcome:
    patient = log.assignment.patient
    flagged = _flagged_days(patient, today)
    offer = progress.offer_visit(flagged, today)
    episode = log.assignment.episode
    if offer and log.ease_off and episode is not None and not duplicate:
        days = ", ".join(f"{day:%-d %b}" for day in sorted(flagged))
        care.raise_flag(
            episode=episode,
            cause=Flag.Cause.PAIN_RULE,
            detail=f"Pain over the program's limit in {len(flagged)} sessions within "
            f"{progress.WEEK} days ({days}).",
            now=log.logged_at,
        )
    return LogOutcome(log, log.rule, log.ease_off, offer, duplicate)


# Severe pain


SUDDEN_ANSWERS = ("yes", "no", "unsure")


@transaction.atomic
def answer_sudden(log: SessionLog, *, by: User, answer: str, now: dt.datetime) -> Assignment:
    """After severe pain: any answer stops the program until a clinician has looked.

    Yes or not sure means same-day care (the page says so); no means stop and
    flag. Either way the episode's clinician sees a flag, with the numbers.
    """
    assignment = log.assignment
    if by.pk != assignment.patient_id:
        raise ExerciseError("Only the patient can answer for their own sessions.")
    if not log.is_severe:
        raise ExerciseError("This session did not report severe pain.")
    if answer not in SUDDEN_ANSWERS:
        raise ExerciseError("Choose yes, no or not sure.", field="answer")
    changed = SessionLog.objects.filter(pk=log.pk, sudden_answered_at__isnull=True).update(
        sudden_event=answer, sudden_answered_at=now
    )
    if not changed:
        raise ExerciseError("You have already answered this.")
    said = dict(SessionLog._meta.get_field("sudden_event").choices)[answer].lower()
    reason = (
        f"Pain {log.pain_during}/10 during and {log.pain_now}/10 after on "
        f"{log.local_date:%-d %b %Y}; something sudden happened: {said}."
    )
    Assignment.objects.filter(pk=assignment.pk, paused_at__isnull=True).update(
        paused_at=now, pause_reason=reason, pause_cause=PauseCause.SEVERE_PAIN
    )
    if assignment.episode_id:
        care.raise_flag(
            episode=assignment.episode, cause=Flag.Cause.SEVERE_PAIN, detail=reason, now=now
        )
    assignment.refresh_from_db()
    return assignment


def due_morning_checks(patient: User, *, now: dt.datetime) -> list[tuple[Assignment, SessionLog]]:
    """The morning-after questions waiting for the patient, one per active program."""
    active = Assignment.objects.active().filter(patient=patient).select_related("program")
    found = []
    for assignment in active:
        log = pending_settle_question(assignment, now=now)
        if log is not None:
            found.append((assignment, log))
    return found


def pending_settle_question(assignment: Assignment, *, now: dt.datetime) -> SessionLog | None:
    """The latest earlier session whose next-morning answer we still need, if any."""
    today = assignment.local_date(now)
    log = (
        assignment.logs.filter(local_date__lt=today)
        .filter(local_date__gte=today - dt.timedelta(days=SETTLE_QUESTION_DAYS))
        .order_by("-logged_at")
        .first()
    )
    if log is None or log.settled_next_morning is not None:
        return None
    return log if log.rule.settle_by_next_morning else None


@transaction.atomic
def answer_settled(
    assignment: Assignment,
    *,
    by: User,
    settled: bool,
    now: dt.datetime,
    morning_pain: int | None = None,
    morning_stiffness: int | None = None,
) -> LogOutcome:
    """The morning after: has the session's pain settled, and how are pain and stiffness?"""
    if by.pk != assignment.patient_id:
        raise ExerciseError("Only the patient can answer for their own sessions.")
    _check_rating(morning_pain, "morning_pain", required=False)
    _check_rating(morning_stiffness, "morning_stiffness", required=False)
    log = pending_settle_question(assignment, now=now)
    if log is None:
        raise ExerciseError("There is no earlier session waiting for this answer.")
    ease_off = log.ease_off or not settled
    changed = SessionLog.objects.filter(pk=log.pk, settled_next_morning__isnull=True).update(
        settled_next_morning=settled,
        ease_off=ease_off,
        settled_answered_at=now,
        morning_pain=morning_pain,
        morning_stiffness=morning_stiffness,
    )
    if not changed:
        raise ExerciseError("You have already answered this.")
    log.refresh_from_db()
    return _outcome(log, today=assignment.local_date(now))
