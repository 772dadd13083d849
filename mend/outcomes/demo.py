"""The demo patient's questionnaires, answered so the demo's charts mean something.

Called by the exercises demo (``starter.load_demo_programs``) once it has
assigned the demo program, which asks the NPRS (the main measure) and the
PSFS at baseline and in weeks 2, 6 and 12. Each answer goes through
``services.answer`` at the moment the patient would have given it, so stages,
scores and flags are what they would be had the patient used the pages. The
figures are a fictional runner with Achilles pain whose pain eases and whose
activities get easier over six weeks of calf loading: at week 6 both measures
show a meaningful improvement, so nothing is flagged.
"""

from __future__ import annotations

import datetime as dt

from mend.accounts.models import User
from mend.care.models import Episode
from mend.outcomes import services
from mend.outcomes.instruments import NPRS, PSFS
from mend.outcomes.models import BASELINE, Response, week_timepoint

# The three activities the demo patient names at baseline, in their words.
ACTIVITIES = ("Running 5 km", "Going down stairs", "Standing on tiptoe on the sore leg")

# What the patient answers at each questionnaire: pain right now (0-10), and how
# well they can do each activity (0-10). The NPRS falls 5 → 4 → 2 (−3 by week 6,
# MCID 2); the PSFS mean rises 4 → 5 → 7 (+3, MCID 2).
ANSWERS: dict[str, tuple[int, tuple[int, int, int]]] = {
    BASELINE: (5, (3, 5, 4)),
    week_timepoint(2): (4, (4, 6, 5)),
    week_timepoint(6): (2, (6, 8, 7)),
}

# When they answer: the baseline in the clinic, just after the program was
# assigned; a follow-up on the evening of the day it falls due.
AFTER_ASSIGNED = dt.timedelta(minutes=20)
AFTER_DUE = dt.timedelta(hours=19)


def answer_demo_measures(episode: Episode, *, patient: User, now: dt.datetime) -> list[str]:
    """Answer the episode's demo NPRS and PSFS up to ``now``; what was answered, e.g.
    "NPRS baseline". Questionnaires already answered or not yet due are left alone."""
    responses = (
        Response.objects.filter(
            episode=episode, instrument__in=[NPRS.code, PSFS.code], timepoint__in=ANSWERS
        )
        .select_related("episode", "schedule")
        .order_by("due_at", "pk")  # the PSFS baseline names the activities the others rate
    )
    answered = []
    for response in responses:
        when = _answered_at(response)
        if response.is_answered or when is None or when > now:
            continue
        pain, ratings = ANSWERS[response.timepoint]
        if response.instrument == NPRS.code:
            answers: dict[str, object] = {"pain": pain}
        else:
            answers = {f"a{n}": rating for n, rating in enumerate(ratings, start=1)}
        services.answer(response, by=patient, answers=answers, activities=ACTIVITIES, now=when)
        answered.append(f"{response.instrument.upper()} {response.label.lower()}")
    return answered


def _answered_at(response: Response) -> dt.datetime | None:
    if response.due_at is None:
        return None
    if response.timepoint == BASELINE:
        return response.due_at + AFTER_ASSIGNED
    return response.due_at + AFTER_DUE
