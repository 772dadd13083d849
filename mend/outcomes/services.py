"""Outcome workflows: attach a measure to an episode, what is due, answering, due emails.

Keyword arguments, an explicit ``now``, and one error type, ``OutcomeError``,
whose message a person can read (``field`` says which form field it is about).

When a questionnaire can be answered (``stage``): the baseline at once; week N
from the start of the patient's day N weeks after the episode opened; the
discharge one once the episode is discharged. Only the latest questionnaire
that has fallen due in a schedule is open: an earlier one left unanswered is
missed, because a "baseline" answered at week 6 is no baseline. Once the
episode is discharged only the discharge questionnaire is open, and follow-ups
that would have fallen due after discharge are not asked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode, Flag
from mend.core.zones import validate_time_zone
from mend.outcomes import scoring, tasks
from mend.outcomes.change import Meaning, classify
from mend.outcomes.instruments import INSTRUMENTS, PSFS
from mend.outcomes.models import (
    BASELINE,
    DISCHARGE,
    MAX_WEEKS,
    Response,
    Schedule,
    mcids_for,
    text_for,
    timepoint_label,
    timepoint_order,
    week_timepoint,
)

MIN_ACTIVITIES = 3
MAX_ACTIVITIES = 5
MAX_ACTIVITY_LENGTH = 100


class OutcomeError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Stage(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    ANSWERED = "answered"
    MISSED = "missed"
    NOT_ASKED = "not asked"  # would have fallen due after discharge


# Attaching a measure


def attach(
    *,
    episode: Episode,
    by: User,
    instrument: str,
    at_baseline: bool,
    follow_up_weeks: Sequence[int],
    at_discharge: bool,
    is_main: bool,
    review_week: int,
    time_zone: str,
    now: dt.datetime,
) -> Schedule:
    """Ask a measure in an open episode; its baseline falls due (and is emailed) at once."""
    _check_may_attach(episode, by)
    definition = INSTRUMENTS.get(instrument)
    if definition is None:
        raise OutcomeError("Choose one of the measures listed.", field="instrument")
    if text_for(definition) is None:
        raise OutcomeError(
            f"The wording of the {definition.name} is licensed and not loaded yet: load its "
            "text pack first (mend outcomes load-pack).",
            field="instrument",
        )
    weeks = _valid_weeks(follow_up_weeks)
    if not (at_baseline or weeks or at_discharge):
        raise OutcomeError("Ask it at least once: at baseline, in some week or at discharge.")
    if weeks and review_week not in weeks:
        raise OutcomeError(
            "The review week must be one of the follow-up weeks.", field="review_week"
        )
    _check_zone(time_zone)
    schedule = Schedule(
        episode=episode,
        instrument=instrument,
        at_baseline=at_baseline,
        follow_up_weeks=weeks,
        at_discharge=at_discharge,
        is_main=is_main,
        review_week=review_week,
        time_zone=time_zone,
        created_by=by,
        created_at=now,
    )
    _save(schedule, now=now)
    baseline = schedule.responses.filter(timepoint=BASELINE).first()
    if baseline is not None:
        transaction.on_commit(lambda: tasks.send_due_email.enqueue(baseline.pk), robust=True)
    return schedule


def _check_may_attach(episode: Episode, by: User) -> None:
    if by.pk != episode.clinician_id:
        raise OutcomeError("Only the episode's clinician adds measures to it.")
    if not episode.is_active:
        raise OutcomeError("This episode is discharged: measures are added to open episodes.")


def _valid_weeks(weeks: Sequence[int]) -> list[int]:
    for week in weeks:
        if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= MAX_WEEKS:
            raise OutcomeError(
                f"Follow-up weeks are whole numbers from 1 to {MAX_WEEKS}.", field="follow_up_weeks"
            )
    if len(set(weeks)) != len(weeks):
        raise OutcomeError("Give each follow-up week once.", field="follow_up_weeks")
    return sorted(weeks)


def _check_zone(name: str) -> None:
    try:
        validate_time_zone(name)
    except ValidationError:
        raise OutcomeError("Choose a time zone such as Europe/Berlin.", field="time_zone") from None


def _save(schedule: Schedule, *, now: dt.datetime) -> None:
    """Store the schedule and its questionnaires, or nothing."""
    episode = schedule.episode
    try:
        with transaction.atomic():
            if Schedule.objects.filter(episode=episode, instrument=schedule.instrument).exists():
                raise OutcomeError("This episode already asks this measure.", field="instrument")
            if schedule.is_main:  # the new main measure takes over from the old one
                Schedule.objects.filter(episode=episode, is_main=True).update(is_main=False)
            schedule.save()
            Response.objects.bulk_create(_timepoints(schedule, episode, now))
    except IntegrityError:  # the same measure attached by a request at the same moment
        raise OutcomeError("This episode already asks this measure.", field="instrument") from None


def _timepoints(schedule: Schedule, episode: Episode, now: dt.datetime) -> list[Response]:
    """The schedule's questionnaires; weeks already past when it is attached are not asked."""
    due: list[tuple[str, dt.datetime | None]] = []
    if schedule.at_baseline:
        due.append((BASELINE, now))
    for week in schedule.follow_up_weeks:
        due_at = schedule.week_due_at(week, episode.opened_at)
        if due_at > now:
            due.append((week_timepoint(week), due_at))
    if schedule.at_discharge:
        due.append((DISCHARGE, None))
    return [
        Response(
            episode=episode,
            schedule=schedule,
            instrument=schedule.instrument,
            timepoint=timepoint,
            due_at=due_at,
        )
        for timepoint, due_at in due
    ]


# What is due


def stages(
    responses: Iterable[Response], episode: Episode, *, now: dt.datetime
) -> dict[int, Stage]:
    """The stage of each of one episode's responses (see the module's docstring)."""
    groups: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        groups[response.instrument].append(response)
    found: dict[int, Stage] = {}
    for group in groups.values():
        found.update(_group_stages(group, episode, now))
    return found


def _group_stages(group: list[Response], episode: Episode, now: dt.datetime) -> dict[int, Stage]:
    fallen = [
        r.due_at
        for r in group
        if r.timepoint != DISCHARGE and r.due_at is not None and r.due_at <= now
    ]
    latest = max(fallen, default=None)
    return {response.pk: _stage(response, episode, latest, now) for response in group}


def _stage(
    response: Response, episode: Episode, latest: dt.datetime | None, now: dt.datetime
) -> Stage:
    if response.is_answered:
        return Stage.ANSWERED
    if not episode.is_active:
        if response.timepoint == DISCHARGE:
            return Stage.OPEN
        assert episode.discharged_at is not None  # a finished episode has its time
        late = response.due_at is not None and response.due_at > episode.discharged_at
        return Stage.NOT_ASKED if late else Stage.MISSED
    if response.timepoint == DISCHARGE or response.due_at is None or response.due_at > now:
        return Stage.UPCOMING
    return Stage.OPEN if response.due_at == latest else Stage.MISSED


def stage_of(response: Response, *, now: dt.datetime) -> Stage:
    siblings = Response.objects.filter(episode=response.episode_id, instrument=response.instrument)
    return stages(siblings, response.episode, now=now)[response.pk]


def due_for(patient: User, *, now: dt.datetime) -> list[Response]:
    """The patient's open questionnaires, oldest first."""
    responses = list(
        Response.objects.of_patient(patient).select_related("episode", "episode__clinician")
    )
    return _open(responses, now)


def due_to_email(*, now: dt.datetime) -> list[Response]:
    """Open questionnaires nobody has been emailed about yet."""
    waiting = Response.objects.filter(answered_at__isnull=True, emailed_at__isnull=True).filter(
        (Q(due_at__lte=now) & ~Q(timepoint=DISCHARGE))
        | Q(timepoint=DISCHARGE, episode__status=Episode.Status.FINISHED)
    )
    episodes = waiting.values("episode_id")
    responses = list(Response.objects.filter(episode__in=episodes).select_related("episode"))
    return [response for response in _open(responses, now) if response.emailed_at is None]


def _open(responses: list[Response], now: dt.datetime) -> list[Response]:
    by_episode: dict[int, list[Response]] = defaultdict(list)
    for response in responses:
        by_episode[response.episode_id].append(response)
    found = []
    for group in by_episode.values():
        stage = stages(group, group[0].episode, now=now)
        found += [response for response in group if stage[response.pk] is Stage.OPEN]
    return sorted(found, key=lambda r: (r.due_from(r.episode) or now, r.pk))


# Answering


def psfs_activities_for(response: Response) -> list[str]:
    """The activities named earlier in this episode, which every later PSFS rates again."""
    earlier = (
        Response.objects.filter(episode=response.episode_id, instrument=PSFS.code)
        .exclude(pk=response.pk)
        .filter(answered_at__isnull=False)
        .order_by("answered_at", "pk")
        .values_list("psfs_activities", flat=True)
        .first()
    )
    return list(earlier or [])


def answer(
    response: Response,
    *,
    by: User,
    answers: Mapping[str, object],
    activities: Sequence[str] = (),
    now: dt.datetime,
) -> Response:
    """Score and store the patient's answers; an unscorable result is stored with its reason."""
    _check_may_answer(response, by, now)
    given = {item_id: value for item_id, value in answers.items() if value is not None}
    named: list[str] = []
    if response.instrument == PSFS.code:
        named = psfs_activities_for(response) or _valid_activities(activities)
        _check_ratings(named, given)
    if not given:
        raise OutcomeError("Answer at least one question.")
    try:
        result = scoring.score(response.instrument, given)
    except scoring.InvalidAnswers as error:
        raise OutcomeError(
            f"Choose one of the answers listed ({error.message}).", field=error.item_id
        ) from None
    changed = Response.objects.filter(pk=response.pk, answered_at__isnull=True).update(
        answered_at=now,
        answers=given,
        psfs_activities=named,
        scores=result.scores,
        unscorable=result.unscorable,
        instrument_version=result.instrument_version,
        scoring_version=result.scoring_version,
    )
    if not changed:
        raise OutcomeError("This questionnaire was already answered.")
    response.refresh_from_db()
    escalate(response, now=now)
    return response


# Escalation: a follow-up that says the care is not helping flags the episode.


def escalate(response: Response, *, now: dt.datetime) -> list[str]:
    """Flag a meaningful worsening on any follow-up, and no meaningful change on the main
    measure at or after its review week. The causes raised (each once until cleared)."""
    if response.timepoint == BASELINE or response.schedule_id is None:
        return []
    baseline = Response.objects.filter(
        schedule_id=response.schedule_id, timepoint=BASELINE, answered_at__isnull=False
    ).first()
    if baseline is None:
        return []
    meanings = _meanings(baseline, response)
    if not meanings:
        return []
    raised = []
    worse = [line for meaning, line in meanings if meaning is Meaning.WORSENING]
    if worse and _flag(response, Flag.Cause.WORSENING, worse, now):
        raised.append(Flag.Cause.WORSENING)
    schedule = response.schedule
    reviewed = response.timepoint == DISCHARGE or (
        timepoint_order(response.timepoint) >= schedule.review_week
    )
    improved = any(meaning is Meaning.IMPROVEMENT for meaning, _ in meanings)
    if schedule.is_main and reviewed and not improved and not worse:
        lines = [line for _, line in meanings]
        if _flag(response, Flag.Cause.NO_CHANGE, lines, now):
            raised.append(Flag.Cause.NO_CHANGE)
    return raised


def _meanings(baseline: Response, follow_up: Response) -> list[tuple[Meaning, str]]:
    """Each score with an MCID and both values: its meaning, and a line with the numbers."""
    definition = follow_up.definition
    mcids = mcids_for([definition])[definition.code]
    when = timepoint_label(follow_up.timepoint).lower()
    found = []
    for score in definition.scores:
        before, after = baseline.scores.get(score.name), follow_up.scores.get(score.name)
        mcid = mcids[score.name]
        if before is None or after is None or mcid is None:
            continue
        meaning = classify(before, after, mcid=mcid.value, direction=score.direction)
        label = definition.name
        if len(definition.scores) > 1:
            label += f", {score.label}"
        line = (
            f"{label}: {before:g} at baseline, {after:g} at {when} "
            f"({meaning}; MCID {mcid.value:g}, {mcid.source})"
        )
        found.append((meaning, line))
    return found


def _flag(response: Response, cause: str, lines: list[str], now: dt.datetime) -> bool:
    detail = "; ".join(lines)
    return (
        care.raise_flag(episode=response.episode, cause=cause, detail=detail, now=now) is not None
    )


def _check_may_answer(response: Response, by: User, now: dt.datetime) -> None:
    if by.pk != response.episode.patient_id:
        raise OutcomeError("Only the patient answers their questionnaires.")
    stage = stage_of(response, now=now)
    if stage is Stage.ANSWERED:
        raise OutcomeError("This questionnaire was already answered.")
    if stage is not Stage.OPEN:
        raise OutcomeError("This questionnaire is not open for answers.")
    if text_for(response.definition) is None:
        raise OutcomeError("This questionnaire is not available yet. Your clinician knows why.")


def _valid_activities(activities: Sequence[str]) -> list[str]:
    named = [name.strip() for name in activities if name and name.strip()]
    if not MIN_ACTIVITIES <= len(named) <= MAX_ACTIVITIES:
        raise OutcomeError(
            f"Name {MIN_ACTIVITIES} to {MAX_ACTIVITIES} activities.", field="activities"
        )
    if any(len(name) > MAX_ACTIVITY_LENGTH for name in named):
        raise OutcomeError(
            f"Keep each activity under {MAX_ACTIVITY_LENGTH} characters.", field="activities"
        )
    if len({name.casefold() for name in named}) != len(named):
        raise OutcomeError("Name each activity once.", field="activities")
    return named


def _check_ratings(named: list[str], given: Mapping[str, Any]) -> None:
    """Each activity named is rated, and nothing else is."""
    for n, item in enumerate(PSFS.items, start=1):
        if n <= len(named) and item.id not in given:
            raise OutcomeError(f"Rate “{named[n - 1]}” from 0 to 10.", field=item.id)
        if n > len(named) and item.id in given:
            raise OutcomeError("Name this activity, or leave its rating empty.", field=item.id)
