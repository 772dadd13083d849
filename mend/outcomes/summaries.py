"""What the outcome pages show: per measure of an episode, its chart, figures and meanings.

Read-only, a constant number of queries per episode; ``results_for`` takes
several episodes in the same few queries. ``episode_results`` is also what
other apps' pages show (the exercises app's patient page includes
``outcomes/_episode_results.html`` with it); callers fetch the episode through
``visible_to`` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.utils import timezone

from mend.care.models import Episode
from mend.outcomes import change, chart
from mend.outcomes.instruments import Direction, Instrument, Mcid, Score
from mend.outcomes.models import (
    BASELINE,
    Response,
    Schedule,
    mcids_for,
    timepoint_order,
    week_timepoint,
)
from mend.outcomes.services import Stage, stages


@dataclass(frozen=True)
class Row:
    """One answered questionnaire's figure for one score: a row of the table by the chart."""

    timepoint: str
    label: str
    answered_on: dt.date
    value: float | None
    shown: str  # the number, or why there is none ("cannot be scored: 1 of 20 answered…")
    difference: str  # "+2", "-3.5"; empty for the baseline or without one
    meaning: change.Meaning | None


@dataclass(frozen=True)
class ScoreResult:
    score: Score
    mcid: Mcid | None
    chart_svg: str
    points: list[chart.ChartPoint]
    rows: list[Row]
    review: change.Meaning | None  # the meaning at the schedule's review week, once answered

    @property
    def direction(self) -> Direction:
        return self.score.direction


@dataclass(frozen=True)
class Timepoint:
    label: str
    due_on: dt.date | None
    stage: Stage
    response: Response


@dataclass(frozen=True)
class InstrumentResult:
    schedule: Schedule
    instrument: Instrument
    timepoints: list[Timepoint]
    scores: list[ScoreResult] = field(default_factory=list)

    @property
    def is_main(self) -> bool:
        return self.schedule.is_main

    @property
    def answered(self) -> int:
        return sum(1 for point in self.timepoints if point.stage is Stage.ANSWERED)


def episode_results(
    episode: Episode,
    *,
    now: dt.datetime | None = None,
    mcids: dict[str, dict[str, Mcid | None]] | None = None,
) -> list[InstrumentResult]:
    """Each measure asked in the episode, the main one first."""
    now = now or timezone.now()
    schedules = list(episode.outcome_schedules.all())
    responses = list(episode.outcome_responses.all())
    stage = stages(responses, episode, now=now)
    if mcids is None:
        mcids = mcids_for(schedule.definition for schedule in schedules)
    results = []
    for schedule in schedules:
        own = sorted(
            (r for r in responses if r.schedule_id == schedule.pk),
            key=lambda r: timepoint_order(r.timepoint),
        )
        results.append(_result(episode, schedule, own, stage, mcids[schedule.instrument]))
    return results


def results_for(
    episodes: Iterable[Episode], *, now: dt.datetime | None = None
) -> list[tuple[Episode, list[InstrumentResult]]]:
    """``episode_results`` of each episode, in three queries however many episodes."""
    found = list(episodes)
    prefetch_related_objects(found, "outcome_schedules", "outcome_responses")
    mcids = mcids_for(s.definition for episode in found for s in episode.outcome_schedules.all())
    return [(episode, episode_results(episode, now=now, mcids=mcids)) for episode in found]


def _result(
    episode: Episode,
    schedule: Schedule,
    responses: list[Response],
    stage: dict[int, Stage],
    mcids: dict[str, Mcid | None],
) -> InstrumentResult:
    zone = schedule.zone()
    timepoints = []
    for response in responses:
        due = response.due_from(episode)
        due_on = due.astimezone(zone).date() if due else None
        timepoints.append(Timepoint(response.label, due_on, stage[response.pk], response))
    answered = [r for r in responses if r.answered_at is not None]
    scores = [
        _score_result(schedule, definition, answered, mcids[definition.name])
        for definition in schedule.definition.scores
        if _was_taken(definition, answered)
    ]
    return InstrumentResult(schedule, schedule.definition, timepoints, scores)


def _score_result(
    schedule: Schedule, definition: Score, answered: list[Response], mcid: Mcid | None
) -> ScoreResult:
    zone = schedule.zone()
    values = [_value(r, definition) for r in answered]
    first_is_baseline = bool(answered) and answered[0].timepoint == BASELINE
    baseline = values[0] if first_is_baseline else None
    meanings = [None] * len(values)
    if first_is_baseline:
        meanings[1:] = change.against_baseline(
            baseline, values[1:], mcid=mcid.value if mcid else None, direction=definition.direction
        )
    rows = []
    points = []
    for response, value, meaning in zip(answered, values, meanings, strict=True):
        day = response.answered_at.astimezone(zone).date()  # type: ignore[union-attr]
        rows.append(
            Row(
                timepoint=response.timepoint,
                label=response.label,
                answered_on=day,
                value=value,
                shown=_shown(response, definition, value),
                difference=_difference(baseline, value, response),
                meaning=meaning,
            )
        )
        points.append(chart.ChartPoint(response.label, f"{day.day} {day:%b}", value, meaning))
    svg = chart.outcome_chart_svg(
        points,
        scale=chart.Scale(definition.low, definition.high, definition.direction),
        mcid=mcid.value if mcid else None,
        baseline=baseline,
        title=f"{schedule.definition.name}: {definition.label}",
        ident=f"outcome-{schedule.pk}-{definition.name}",
    )
    review_at = week_timepoint(schedule.review_week)
    review = next((row.meaning for row in rows if row.timepoint == review_at), None)
    return ScoreResult(definition, mcid, svg, points, rows, review)


def _was_taken(definition: Score, answered: list[Response]) -> bool:
    """False for an optional module (QuickDASH work, sport) nobody has started."""
    if not definition.optional:
        return True
    return any(r.scores.get(definition.name) is not None for r in answered)


def _value(response: Response, definition: Score) -> float | None:
    value = response.scores.get(definition.name)
    return None if value is None else float(value)


def _shown(response: Response, definition: Score, value: float | None) -> str:
    if value is not None:
        return chart.number(value)
    return str(response.unscorable.get(definition.name, "not answered"))


def _difference(baseline: float | None, value: float | None, response: Response) -> str:
    if baseline is None or value is None or response.timepoint == BASELINE:
        return ""
    difference = change.change(baseline, value)
    return ("+" if difference > 0 else "") + chart.number(difference)
