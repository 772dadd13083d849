"""The cast for exercise tests: a clinician and their patient (in an episode of care
with them), a stranger patient, another clinician, and a few library exercises."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode
from mend.exercises import library_io, services, stops
from mend.exercises.models import Assignment, Exercise, Program
from mend.exercises.starter import EXERCISES

# 09:00 on Wednesday 4 November 2026 in UTC, the tests' default zone.
NOW = dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
STARTER = {record["slug"]: record for record in EXERCISES}


@pytest.fixture
def make_exercise(db: None) -> Callable[..., Exercise]:
    def make(starter: str = "standing-hamstring-stretch", **changes: Any) -> Exercise:
        record = {**STARTER[starter], **changes}
        report = library_io.import_records([record])
        assert not report.errors, report.errors
        return Exercise.objects.get(slug=record["slug"])

    return make


@pytest.fixture
def stretch(make_exercise: Callable[..., Exercise]) -> Exercise:
    return make_exercise("standing-hamstring-stretch")


@pytest.fixture
def heel_drop(make_exercise: Callable[..., Exercise]) -> Exercise:
    return make_exercise("eccentric-heel-drop-straight-knee")


@pytest.fixture
def episode(clinician: User, patient: User) -> Episode:
    """The patient is in the clinician's care since a week before NOW."""
    return care.open_or_join(
        patient=patient, clinician=clinician, now=NOW - dt.timedelta(days=7), source="admin"
    )


@pytest.fixture
def make_program(clinician: User) -> Callable[..., Program]:
    def make(
        *exercises: Exercise,
        owner: User | None = None,
        template: bool = False,
        weekdays: str = "0123456",
        per_day: int = 1,
    ) -> Program:
        owner = owner or clinician
        program = services.create_program(
            owner=owner,
            name="Achilles loading",
            goal="Run 5 km without pain",
            weekdays=weekdays,
            sessions_per_day=per_day,
            is_template=template,
            now=NOW,
        )
        for exercise in exercises:
            services.add_item(program, by=owner, exercise=exercise, now=NOW)
        return program

    return make


@pytest.fixture
def make_assignment(
    make_program: Callable[..., Program], clinician: User, episode: Episode
) -> Callable[..., Assignment]:
    def make(
        *exercises: Exercise,
        start: dt.date = TODAY,
        weeks: int | None = 12,
        time_zone: str = "UTC",
        screen_first: bool = False,
        **program_options: Any,
    ) -> Assignment:
        program = make_program(*exercises, **program_options)
        return services.assign(
            program,
            by=clinician,
            episode=episode,
            start_date=start,
            weeks=weeks,
            time_zone=time_zone,
            note="",
            screen_first=screen_first,
            now=NOW,
        )

    return make


@pytest.fixture
def assignment(
    make_assignment: Callable[..., Assignment], stretch: Exercise, heel_drop: Exercise
) -> Assignment:
    return make_assignment(stretch, heel_drop)


@pytest.fixture
def log(patient: User) -> Callable[..., Any]:
    def make(
        assignment: Assignment,
        *,
        now: dt.datetime = NOW,
        pain_during: int = 3,
        pain_now: int = 2,
        done: list[int] | None = None,
    ) -> services.LogOutcome:
        return services.log_session(
            assignment,
            by=patient,
            done=done or [1],
            pain_now=pain_now,
            pain_during=pain_during,
            effort=5,
            note="",
            token=uuid.uuid4(),
            now=now,
        )

    return make


@pytest.fixture
def pass_screen() -> Callable[..., Any]:
    """Answer no to every safety question of an assignment's screen."""

    def answer(assignment: Assignment, *, now: dt.datetime = NOW, checked: bool = False) -> Any:
        screen = stops.screen_for(assignment)
        return stops.answer_screen(
            assignment,
            by=assignment.patient,
            screen=screen,
            answers={q.key: "no" for q in screen.question_list()},
            checked_confirmed=checked,
            now=now,
        )

    return answer
