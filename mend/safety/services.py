"""Running red-flag screens: which screen fits, recording answers, the advice they call for.

A positive answer (yes or not sure) never says what someone has: it records
the answers, flags the episode of care when there is one (the clinician is
emailed), and returns the level whose advice the page shows. Stopping the
exercise that asked for the screen is the asking app's part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from mend.accounts.models import User
from mend.care import services as care
from mend.care.models import Episode, Flag
from mend.core import audit
from mend.core.regions import REGIONS
from mend.safety import advice, screening, shipped
from mend.safety.models import Screen, ScreenQuestion, ScreenResult

REGION_ORDER = [slug for slug, _ in REGIONS]


class SafetyError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def screen_for(regions: Iterable[str]) -> Screen | None:
    """The active screen of the first region (in the controlled list's order) that has one,
    else the active general screen, else None (the clinic runs no screens)."""
    wanted = set(regions)
    active = {screen.region: screen for screen in Screen.objects.active()}
    for slug in REGION_ORDER:
        if slug in wanted and slug in active:
            return active[slug]
    return active.get("")


def advice_for(level: str) -> advice.Advice:
    return advice.for_level(
        level,
        emergency_number=settings.MEND_EMERGENCY_NUMBER,
        same_day_text=settings.MEND_SAME_DAY_CARE_TEXT,
    )


def _flag_detail(screen: Screen, outcome: screening.Outcome) -> str:
    said = "; ".join(f"“{q.text}”" for q in outcome.positive)
    level = screening.LEVEL_NAMES[outcome.level or screening.SOON]
    return f"{level}. {screen.name} screen, version {screen.version}: {said}"


@transaction.atomic
def record(
    *,
    patient: User | None,
    screen: Screen,
    answers: Mapping[str, str],
    purpose: str,
    now: dt.datetime,
    episode: Episode | None = None,
    checked_confirmed: bool = False,
) -> ScreenResult:
    """Store the answers to the screen as it stands now; flag the episode if any answer
    is yes or not sure. Every question must be answered. Only booking intake keeps a
    guest's answers (patient None); the visit holds them."""
    if patient is None and purpose != ScreenResult.Purpose.INTAKE:
        raise SafetyError("Sign in to save your answers.")
    if episode is not None and (patient is None or episode.patient_id != patient.pk):
        raise SafetyError("That episode of care is not yours.")
    if purpose not in ScreenResult.Purpose.values:
        raise SafetyError(f"Unknown purpose {purpose!r}.")
    questions = screen.question_list()
    missing = screening.missing_answers(questions, answers)
    if missing:
        raise SafetyError("Answer this question: yes, no or not sure.", field=missing[0])
    outcome = screening.evaluate(questions, answers)
    result = ScreenResult.objects.create(
        patient=patient,
        episode=episode,
        screen=screen,
        screen_slug=screen.slug,
        screen_version=screen.version,
        asked=[
            {"key": q.key, "text": q.text, "level": q.level, "answer": answers[q.key]}
            for q in questions
        ],
        level=outcome.level or "",
        purpose=purpose,
        checked_confirmed=checked_confirmed,
        taken_at=now,
    )
    audit.record(patient, action=audit.Action.SCREEN_ANSWERED, patient=patient, obj=result,
                 detail=f"{screen.slug} v{screen.version}: {outcome.level or 'clear'}")  # fmt: skip
    if not outcome.clear and episode is not None:
        care.raise_flag(
            episode=episode,
            cause=Flag.Cause.RED_FLAG,
            detail=_flag_detail(screen, outcome),
            now=now,
        )
    return result


def new_version(screen: Screen, *, now: dt.datetime) -> None:
    """A saved change to a screen's questions makes a new version; earlier results keep theirs."""
    Screen.objects.filter(pk=screen.pk).update(version=F("version") + 1, updated_at=now)
    screen.refresh_from_db(fields=["version", "updated_at"])


# The screens Mend ships (mend/safety/data/screens.json).


def check_document(document: Mapping[str, Any]) -> list[str]:
    """Problems in a screens document, one line each; empty when it can be loaded."""
    problems = []
    regions = {slug for slug, _ in REGIONS} | {""}
    for entry in document.get("screens", []):
        slug = entry.get("slug", "?")
        if entry.get("region", "") not in regions:
            problems.append(f"{slug}: unknown region {entry.get('region')!r}.")
        try:
            screening.check_questions([_question(q) for q in entry.get("questions", [])])
        except (screening.ScreenDataError, KeyError) as error:
            problems.append(f"{slug}: {error}")
    return problems


def _question(item: Mapping[str, Any]) -> screening.Question:
    return screening.Question(item["key"], item["text"], item["level"], item.get("hint", ""))


@transaction.atomic
def load_screens(document: Mapping[str, Any] | None = None) -> list[str]:
    """Add the screens a clinic lacks (matched by slug); never change one it has, edited
    or not. The slugs added."""
    document = document or shipped.document()
    problems = check_document(document)
    if problems:
        raise SafetyError("; ".join(problems))
    return shipped.add_missing(list(document["screens"]), Screen, ScreenQuestion)
