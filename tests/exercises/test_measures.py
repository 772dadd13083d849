"""A program can carry outcome measures: assigning it asks them in the patient's episode."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mend.accounts.models import User
from mend.care.models import Episode
from mend.exercises import services
from mend.exercises.models import Exercise, Program
from mend.outcomes.instruments import INSTRUMENTS
from mend.outcomes.models import Schedule
from tests.exercises.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def assign(program: Program, clinician: User, episode: Episode) -> None:
    services.assign(
        program, by=clinician, episode=episode, start_date=TODAY, weeks=None, time_zone="UTC",
        note="", screen_first=False, now=NOW,
    )  # fmt: skip


def test_assigning_asks_the_programs_measures_and_skips_unloaded_licensed_ones(
    make_program: Any, stretch: Exercise, clinician: User, episode: Episode
) -> None:
    template = make_program(stretch, template=True)
    template.measures = ["nprs", "psfs", "visa-a"]
    template.save()

    assign(template, clinician, episode)

    schedules = {s.instrument: s for s in Schedule.objects.filter(episode=episode)}
    assert set(schedules) == {"nprs", "psfs"}  # VISA-A's text is not loaded
    assert schedules["nprs"].is_main and not schedules["psfs"].is_main
    assert schedules["nprs"].follow_up_weeks == [2, 6, 12]
    assert schedules["nprs"].review_week == 6


def test_a_second_program_does_not_ask_a_measure_twice(
    make_program: Any, stretch: Exercise, clinician: User, episode: Episode
) -> None:
    first, second = make_program(stretch), make_program(stretch)
    for program, measures in ((first, ["nprs"]), (second, ["nprs", "groc"])):
        program.measures = measures
        program.save()
        assign(program, clinician, episode)

    assert sorted(Schedule.objects.values_list("instrument", "is_main")) == [
        ("groc", False), ("nprs", True),
    ]  # fmt: skip


def test_the_program_form_takes_measures_and_refuses_unknown_ones(
    client: Client, clinician: User, make_program: Any, stretch: Exercise
) -> None:
    program = make_program(stretch)
    client.force_login(clinician)
    data = {"name": "Calf", "goal": "", "weekdays": ["0", "2"], "sessions_per_day": "1"}

    bad = client.post(f"/clinic/programs/{program.pk}/details/", data | {"measures": ["xyz"]})
    assert bad.status_code == 400
    assert "Choose measures from the list." in bad.content.decode()
    good = client.post(
        f"/clinic/programs/{program.pk}/details/", data | {"measures": ["psfs", "nprs"]}
    )
    assert good.status_code == 303
    program.refresh_from_db()
    assert program.measures == ["psfs", "nprs"]


def test_the_clinicians_patient_page_shows_the_episodes_measures(
    client: Client, make_program: Any, stretch: Exercise, clinician: User, episode: Episode
) -> None:
    program = make_program(stretch)
    program.measures = ["nprs"]
    program.save()
    assign(program, clinician, episode)
    client.force_login(clinician)

    html = client.get(f"/clinic/patients/{episode.patient_id}/").content.decode()

    assert INSTRUMENTS["nprs"].name in html
    assert f'href="/clinic/outcomes/{episode.pk}/"' in html


def test_a_finished_program_is_a_line_on_the_patient_page_until_opened(
    client: Client, make_assignment: Any, stretch: Exercise, clinician: User, log: Any
) -> None:
    current, finished = make_assignment(stretch), make_assignment(stretch)
    log(finished)
    services.finish(finished, by=clinician, now=NOW)
    client.force_login(clinician)
    url = f"/clinic/patients/{current.patient_id}/"

    page = client.get(url).content.decode()
    assert f'href="?program={finished.pk}#program-{finished.pk}"' in page
    assert f'href="?program={current.pk}' not in page  # in progress: shown in full
    assert "1 session logged" in page

    opened = client.get(f"{url}?program={finished.pk}").content.decode()
    assert f'href="?program={finished.pk}' not in opened
    assert client.get(f"{url}?program=999999").status_code == 200  # unknown: nothing opened
