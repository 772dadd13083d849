"""Mend's starter library, and the demo clinic's programs.

The starter library is rehab exercises written for the project and released
under CC BY 4.0, kept as data in ``data/starter-library.json``: a Mend
exercise file (the format of ``mend exercises export|import``, see
``library_io``), so its text is edited without touching code and is checked
by the same importer as any other library. It was written from the evidence
notes in the project's domain facts (Achilles loading, the pain-monitoring
model, stretching doses). General education: a licensed physical therapist
reviews it before a clinic relies on it.

``load_exercises()`` adds the ones a library lacks and never overwrites a
clinic's edits; ``load_demo_programs()`` gives the demo clinic's patient a
program from a clinician, six weeks of sessions and answered questionnaires,
and each clinician a template.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode
from mend.exercises import library_io, services, stops
from mend.exercises.models import Assignment, Exercise, Program
from mend.outcomes import demo as demo_outcomes

STARTER_LIBRARY = Path(__file__).parent / "data" / "starter-library.json"
EXERCISES: list[dict[str, Any]] = library_io.read_document(
    json.loads(STARTER_LIBRARY.read_text(encoding="utf-8"))
)


def load_exercises() -> library_io.Report:
    """Add the starter exercises the library lacks; edits a clinic made stay as they are."""
    return library_io.import_records(EXERCISES, only_missing=True)


# The demo clinic's programs (called by the demo loader with its accounts).

DEMO_PROGRAM = "Achilles: calf loading, first weeks"
DEMO_ITEMS = (
    ("isometric-calf-hold", None),
    ("heel-raise-floor", None),
    ("seated-calf-raise", None),
)
# The episode opened 6 weeks and 3 days ago, so its week-6 questionnaires are answered.
DEMO_OPENED_DAYS_AGO = 45
# About twice a week since then, pain easing as the calf gets stronger:
# (days ago, pain during, pain now), oldest first.
DEMO_SESSIONS = (
    (44, 4, 3),
    (41, 4, 3),
    (37, 4, 2),
    (34, 4, 3),
    (30, 3, 2),
    (27, 3, 2),
    (23, 3, 2),
    (20, 3, 1),
    (16, 3, 2),
    (13, 2, 1),
    (9, 2, 1),
    (6, 2, 1),
    (2, 3, 1),
)


@transaction.atomic
def load_demo_programs(
    *, clinician: User, other: User, patient: User, now: dt.datetime
) -> list[str]:
    """A template for each clinician, and the patient's program from ``clinician``: assigned
    in an episode opened six weeks and a few days before ``now``, with the sessions logged
    since and the NPRS and PSFS answered at baseline, week 2 and week 6."""
    made = []
    if not Program.objects.filter(owner=clinician, is_template=True, name=DEMO_PROGRAM).exists():
        template = _program(
            clinician,
            DEMO_PROGRAM,
            "Build calf strength and the tendon's tolerance of load, step by step, using a "
            "pain-monitoring rule to judge how much is right.",
            "024",
            DEMO_ITEMS,
            now,
        )
        template.is_template = True
        # Pain and the patient's own activities; VISA-A once the clinic loads its text.
        template.measures = ["nprs", "psfs", "visa-a"]
        template.save(update_fields=["is_template", "measures"])
        made.append(f"template {DEMO_PROGRAM}")
    back = "Low back: moving again"
    if not Program.objects.filter(owner=other, is_template=True, name=back).exists():
        template = _program(
            other,
            back,
            "Keep moving gently while a sore back settles.",
            "0123456",
            (("knee-rocking", None), ("cat-camel", None)),
            now,
        )
        template.is_template = True
        template.save(update_fields=["is_template"])
        made.append(f"template {back}")
    if not Assignment.objects.filter(patient=patient, clinician=clinician).exists():
        source = Program.objects.get(owner=clinician, is_template=True, name=DEMO_PROGRAM)
        start = now - dt.timedelta(days=DEMO_OPENED_DAYS_AGO)
        episode = care.open_or_join(
            patient=patient,
            clinician=clinician,
            now=start,
            source=Episode.Source.ADMIN,
            reason="Achilles pain when running",
            region="calf-achilles",
        )
        assignment = services.assign(
            source,
            by=clinician,
            episode=episode,
            start_date=start.date(),
            weeks=12,
            time_zone="UTC",
            note="Three times a week. Pain up to 5/10 is fine if it has "
            "settled by the next morning.",
            screen_first=True,
            now=start,
        )
        _pass_screen(assignment, now=start)
        for days_ago, during, after in DEMO_SESSIONS:
            when = now - dt.timedelta(days=days_ago)
            services.log_session(
                assignment,
                by=patient,
                done=[1, 2, 3],
                pain_now=after,
                pain_during=during,
                effort=6,
                note="",
                token=uuid.uuid4(),
                now=when,
            )
        answered = demo_outcomes.answer_demo_measures(episode, patient=patient, now=now)
        made.append(f"program {DEMO_PROGRAM} for {patient.email}")
        made += [f"questionnaire {name} for {patient.email}" for name in answered]
    return made


def _pass_screen(assignment: Assignment, *, now: dt.datetime) -> None:
    """The demo patient answered no to every safety question before the first session."""
    screen = stops.screen_for(assignment)
    if screen is not None:
        stops.answer_screen(
            assignment, by=assignment.patient, screen=screen, checked_confirmed=False, now=now,
            answers={q.key: "no" for q in screen.question_list()},
        )  # fmt: skip


def _program(
    owner: User,
    name: str,
    goal: str,
    weekdays: str,
    items: tuple[tuple[str, Any], ...],
    now: dt.datetime,
) -> Program:
    program = services.create_program(
        owner=owner,
        name=name,
        goal=goal,
        weekdays=weekdays,
        sessions_per_day=1,
        is_template=False,
        now=now,
    )
    for slug, dosage in items:
        services.add_item(
            program, by=owner, exercise=Exercise.objects.get(slug=slug), dosage=dosage, now=now
        )
    return program
