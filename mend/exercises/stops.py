"""When self-guided exercise stops, and how it goes on: the red-flag screen before a
program's first session (and every MEND_SCREEN_RECHECK_DAYS for a routine the patient
started), a stop on any yes or not sure, and the two ways back: the clinician in care
clears the episode's flag with a note, or, for a routine the patient started, the
patient confirms on a new screen that they have been checked and may exercise.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from mend.accounts.models import User
from mend.exercises.models import Assignment, PauseCause
from mend.safety import screening
from mend.safety import services as safety
from mend.safety.models import Screen, ScreenResult

STOPPED = {
    PauseCause.SEVERE_PAIN: "This program is stopped after severe pain until a clinician has "
    "looked at how you are.",
    PauseCause.RED_FLAG: "This program is stopped: an answer to the safety questions needs a "
    "clinician to look first.",
}
SCREEN_FIRST = "Answer the safety questions before this session."


class StopError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def stopped_message(assignment: Assignment) -> str:
    return STOPPED.get(assignment.pause_cause, STOPPED[PauseCause.SEVERE_PAIN])  # type: ignore[call-overload]


def screen_for(assignment: Assignment) -> Screen | None:
    """The screen of the program's regions (the first region with its own screen), else the
    general one."""
    regions = assignment.program.items.values_list("exercise__regions__slug", flat=True)
    return safety.screen_for(slug for slug in regions if slug)


def screen_due(assignment: Assignment, *, now: dt.datetime) -> bool:
    """The screen must be answered before the next session: before the first one, and for
    a routine the patient started, again once MEND_SCREEN_RECHECK_DAYS have passed."""
    if not assignment.screen_first or assignment.paused_at:
        return False
    if assignment.screened_at is not None and assignment.clinician_id is not None:
        return False
    last = assignment.local_date(assignment.screened_at) if assignment.screened_at else None
    due = screening.is_due(
        last.toordinal() if last else None,
        assignment.local_date(now).toordinal(),
        settings.MEND_SCREEN_RECHECK_DAYS,
    )
    return due and screen_for(assignment) is not None  # a clinic may run no screens


def may_resume_itself(assignment: Assignment) -> bool:
    """A stopped routine the patient started goes on when they confirm they were checked;
    a program from a clinician waits for that clinician."""
    return bool(assignment.paused_at) and assignment.clinician_id is None


def _purpose(assignment: Assignment) -> str:
    if assignment.paused_at:
        return ScreenResult.Purpose.RESUME
    if assignment.screened_at is not None:
        return ScreenResult.Purpose.RECHECK
    if assignment.clinician_id is None:
        return ScreenResult.Purpose.ROUTINE
    return ScreenResult.Purpose.ASSIGNED


@transaction.atomic
def answer_screen(
    assignment: Assignment,
    *,
    by: User,
    screen: Screen,
    answers: dict[str, str],
    checked_confirmed: bool,
    now: dt.datetime,
) -> ScreenResult:
    """Record the patient's answers for this program. Any yes or not sure stops it (and
    flags its episode); all no lets it go on, or resumes a stopped routine the patient
    started if they confirm they have been checked."""
    given, assignment = assignment, Assignment.objects.select_for_update().get(pk=assignment.pk)
    if by.pk != assignment.patient_id:
        raise StopError("Only the patient answers for their own program.")
    if assignment.status != Assignment.Status.ACTIVE:
        raise StopError("This program has finished.")
    if assignment.paused_at and not may_resume_itself(assignment):
        raise StopError("Your clinician looks at this first; they will clear it with a note.")
    if assignment.paused_at and not checked_confirmed:
        raise StopError("Confirm you have been checked, or book a visit.", field="checked")
    try:
        result = safety.record(
            patient=by, screen=screen, answers=answers, purpose=_purpose(assignment),
            episode=assignment.episode, checked_confirmed=checked_confirmed, now=now,
        )  # fmt: skip
    except safety.SafetyError as error:
        raise StopError(error.message, field=error.field) from None
    if result.is_clear:
        Assignment.objects.filter(pk=assignment.pk).update(
            screened_at=now, paused_at=None, pause_reason="", pause_cause="", stop_screen=None
        )
    else:
        level = screening.LEVEL_NAMES[result.level].lower()
        Assignment.objects.filter(pk=assignment.pk).update(
            paused_at=now,
            pause_cause=PauseCause.RED_FLAG,
            pause_reason=f"Safety questions on {now:%-d %b %Y}: {level}.",
            stop_screen=result,
        )
    given.refresh_from_db()
    return result


def resume_in_episode(episode_id: int, cause: str, *, now: dt.datetime) -> int:
    """The clinician cleared the episode's flag: programs it stopped for that cause go on
    (a cleared red flag counts as a passed screen). How many."""
    return Assignment.objects.filter(
        episode_id=episode_id, paused_at__isnull=False, pause_cause=cause
    ).update(paused_at=None, pause_reason="", pause_cause="", stop_screen=None, screened_at=now)
