"""Clinicians build programs and templates, assign them, and change them later with versions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from mend.accounts.models import User
from mend.care.models import Episode
from mend.exercises import services
from mend.exercises.models import Assignment, Exercise, Program, ProgramItem, SessionLog
from tests.exercises.conftest import NOW, TODAY

# Every test here runs at 09:00 on Wednesday 4 November 2026, UTC (the patients' zone).
pytestmark = pytest.mark.usefixtures("_pinned")


@pytest.fixture
def _pinned() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def test_clinician_builds_a_program_in_the_front_end(
    client: Client, clinician: User, stretch: Exercise, heel_drop: Exercise
) -> None:
    client.force_login(clinician)
    response = client.post(
        "/clinic/programs/new/",
        {
            "name": "Achilles, weeks 1-4",
            "goal": "Run 5 km",
            "weekdays": ["0", "2", "4"],
            "sessions_per_day": "1",
        },
    )
    program = Program.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/clinic/programs/{program.pk}/"

    client.post(f"/clinic/programs/{program.pk}/items/add/", {"exercise": heel_drop.pk})
    client.post(f"/clinic/programs/{program.pk}/items/add/", {"exercise": stretch.pk})
    item = program.items.get(exercise=stretch)
    response = client.post(
        f"/clinic/programs/{program.pk}/items/{item.pk}/",
        {
            "hold_s": "45",
            "sides": "each",
            "side_label": "leg",
            "activity_label": "runs",
            "timing": ["after_activity"],
            "pain_max_during": "3",
            "pain_settle": "on",
            "reps": "2",
        },
    )

    assert response.status_code == 303
    item.refresh_from_db()
    assert item.dosage_value.describe() == "2 reps · hold 45 s each rep · each leg · after runs"
    assert item.dosage_value.pain_rule.max_during == 3
    program.refresh_from_db()
    assert program.weekdays == "024" and program.version == 4
    assert [v.note for v in program.versions.order_by("number")] == [
        "Created",
        "Added Eccentric heel drop, straight knee",
        "Added Standing hamstring stretch",
        "Changed the dosage of Standing hamstring stretch",
    ]
    page = client.get(f"/clinic/programs/{program.pk}/").content.decode()
    assert "2 reps · hold 45 s each rep · each leg · after runs" in page


def test_items_move_and_are_removed_in_order(
    client: Client, clinician: User, make_program, stretch: Exercise, heel_drop: Exercise
) -> None:
    program = make_program(stretch, heel_drop)
    client.force_login(clinician)
    second = program.items.get(position=2)

    client.post(f"/clinic/programs/{program.pk}/items/{second.pk}/up/")
    assert list(program.items.values_list("exercise__slug", flat=True)) == [
        heel_drop.slug,
        stretch.slug,
    ]
    client.post(f"/clinic/programs/{program.pk}/items/{second.pk}/remove/")
    assert list(program.items.values_list("position", "exercise__slug")) == [(1, stretch.slug)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"hold_s": "-5"}, "hold_s", "The hold must be a whole number of seconds from 1 to 600."),
        ({"hold_s": "99999"}, "hold_s", "The hold must be a whole number of seconds"),
        ({"hold_s": "60", "hold_max_s": "30"}, "hold_max_s", "must not be longer"),
        ({"sets": "500", "reps": "10"}, "sets", "Sets must be a whole number from 1 to 20."),
        ({"reps": "1e9"}, "reps", "Give a whole number."),
        ({"reps": "10", "tempo": "fast"}, "tempo", "Give the tempo as four whole numbers"),
        (
            {"reps": "10", "load_kind": "kg", "load_value": "heavy"},
            "load_value",
            "Give the amount as a number",
        ),
        ({"reps": "10", "pain_max_during": "11"}, "pain_max_during", "0 to 10"),
        ({"reps": "10", "sides": "sideways"}, "sides", "Select a valid choice"),
    ],
)
def test_bad_dosage_is_reported_at_its_field_and_nothing_changes(
    client: Client,
    clinician: User,
    make_program,
    stretch: Exercise,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    program = make_program(stretch)
    item = program.items.get()
    before = item.dosage
    client.force_login(clinician)
    form = {
        "sides": "none",
        "side_label": "side",
        "activity_label": "activity",
        "pain_max_during": "5",
        **data,
    }

    response = client.post(f"/clinic/programs/{program.pk}/items/{item.pk}/", form)
    html = response.content.decode()

    assert response.status_code == 400
    assert message in html
    assert f'aria-describedby="id_{field}_error"' in html or f'id="id_{field}_error"' in html
    item.refresh_from_db()
    assert item.dosage == before
    assert program.versions.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "weekdays": ["0"], "sessions_per_day": "1"},
        {"name": "X", "weekdays": [], "sessions_per_day": "1"},
        {"name": "X", "weekdays": ["9"], "sessions_per_day": "1"},
        {"name": "X", "weekdays": ["0"], "sessions_per_day": "-1"},
        {"name": "X", "weekdays": ["0"], "sessions_per_day": "1000000"},
    ],
)
def test_bad_program_details_store_nothing(
    client: Client, clinician: User, data: dict[str, object]
) -> None:
    client.force_login(clinician)
    response = client.post("/clinic/programs/new/", data)
    assert response.status_code == 400
    assert "Please check the form" in response.content.decode()
    assert not Program.objects.exists()


def test_adding_a_forged_exercise_id_is_refused(
    client: Client, clinician: User, make_program, stretch: Exercise
) -> None:
    program = make_program(stretch)
    client.force_login(clinician)
    for forged in ("999999", "-1", "abc", ""):
        response = client.post(f"/clinic/programs/{program.pk}/items/add/", {"exercise": forged})
        assert response.status_code == 400
        assert "Choose an exercise from the library." in response.content.decode()
    assert program.items.count() == 1


def test_assigning_a_template_copies_it_for_the_patient(
    client: Client,
    clinician: User,
    patient: User,
    episode: Episode,
    make_program,
    stretch: Exercise,
) -> None:
    template = make_program(stretch, template=True)
    client.force_login(clinician)
    response = client.post(
        f"/clinic/programs/{template.pk}/assign/",
        {
            "episode": str(episode.pk),
            "start_date": "2026-11-05",
            "weeks": "6",
            "time_zone": "Europe/Berlin",
            "note": "Go gently.",
        },
    )

    assignment = Assignment.objects.get()
    assert response.status_code == 303
    assert assignment.program != template and assignment.program.items.count() == 1
    assert (assignment.patient, assignment.clinician) == (patient, clinician)
    assert assignment.episode == episode
    assert assignment.start_date == dt.date(2026, 11, 5)
    assert assignment.end_date == dt.date(2026, 12, 16)
    assert assignment.time_zone == "Europe/Berlin"
    assert template.assignment_or_none is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"episode": ""}, "Choose the patient."),
        ({"episode": "999999"}, "Choose a patient in your care."),
        ({"episode": "not-an-id"}, "Choose a patient in your care."),
        ({"start_date": "2020-01-01"}, "The first day can be at most 30 days ago."),
        ({"start_date": "2099-01-01"}, "within a year"),
        ({"start_date": "31/31/2026"}, "Give a date."),
        ({"weeks": "0"}, "From 1 to 52 weeks."),
        ({"weeks": "9999"}, "From 1 to 52 weeks."),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_bad_assignments_store_nothing(
    client: Client,
    clinician: User,
    patient: User,
    episode: Episode,
    make_program,
    stretch: Exercise,
    data: dict[str, str],
    message: str,
) -> None:
    program = make_program(stretch, template=True)
    client.force_login(clinician)
    form = {
        "episode": str(episode.pk),
        "start_date": "2026-11-04",
        "weeks": "4",
        "time_zone": "UTC",
        **data,
    }
    response = client.post(f"/clinic/programs/{program.pk}/assign/", form)

    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    assert not Assignment.objects.exists()
    assert Program.objects.count() == 1


def test_an_empty_program_cannot_be_assigned(
    client: Client, clinician: User, episode: Episode, make_program
) -> None:
    program = make_program()
    client.force_login(clinician)
    response = client.post(
        f"/clinic/programs/{program.pk}/assign/",
        {"episode": str(episode.pk), "start_date": "2026-11-04", "time_zone": "UTC"},
    )
    assert response.status_code == 409
    assert "Add at least one exercise" in response.content.decode()


def test_patient_sees_the_current_version_and_past_logs_keep_their_dosage(
    client: Client, clinician: User, patient: User, assignment: Assignment, log
) -> None:
    log(assignment, done=[1, 2])
    item = assignment.program.items.get(position=2)
    client.force_login(clinician)
    client.post(
        f"/clinic/programs/{assignment.program_id}/items/{item.pk}/",
        {
            "sets": "4",
            "reps": "10",
            "sides": "none",
            "side_label": "side",
            "activity_label": "activity",
            "pain_max_during": "5",
            "pain_settle": "on",
        },
    )

    client.force_login(patient)
    page = client.get(f"/me/programs/{assignment.program_id}/").content.decode()
    assert "4 × 10" in page  # the current dosage
    logged = SessionLog.objects.get()
    assert logged.program_version == 3
    assert logged.items[1]["dosage_line"] == "3 × 15 · twice a day · 7 days a week · 12 weeks"
    assert "3 × 15 · twice a day" in page  # the past session, as it was done
    assert assignment.program.versions.first().number == 4


def test_a_routine_the_patient_started_stays_theirs_until_shared(
    client: Client, clinician: User, patient: User, assignment: Assignment, stretch: Exercise
) -> None:
    own = services.start_routine(
        patient=patient, exercise=stretch, dosage=stretch.dosage, time_zone="UTC", now=NOW
    )
    client.force_login(clinician)

    assert client.get(f"/clinic/programs/{own.program_id}/").status_code == 404
    client.force_login(patient)
    response = client.post(
        f"/me/programs/{own.program_id}/share/", {"episode": str(assignment.episode_id)}
    )
    assert response.status_code == 303
    own.refresh_from_db()
    assert own.episode_id == assignment.episode_id
    client.force_login(clinician)
    assert client.get(f"/clinic/programs/{own.program_id}/").status_code == 200
    client.force_login(patient)
    client.post(f"/me/programs/{own.program_id}/share/", {"episode": ""})
    client.force_login(clinician)
    assert client.get(f"/clinic/programs/{own.program_id}/").status_code == 404


def test_sharing_into_someone_elses_episode_is_refused_at_the_field(
    client: Client, patient: User, stranger: User, other_clinician: User, stretch: Exercise
) -> None:
    own = services.start_routine(
        patient=patient, exercise=stretch, dosage=stretch.dosage, time_zone="UTC", now=NOW
    )
    theirs = Episode.objects.create(patient=stranger, clinician=other_clinician, opened_at=NOW)
    client.force_login(patient)

    response = client.post(f"/me/programs/{own.program_id}/share/", {"episode": str(theirs.pk)})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="share-episode-error">Choose a clinician you are in the care of.' in html
    own.refresh_from_db()
    assert own.episode_id is None


def test_a_clinician_cannot_change_a_routine_the_patient_shared(
    client: Client, clinician: User, patient: User, assignment: Assignment, stretch: Exercise
) -> None:
    own = services.start_routine(
        patient=patient, exercise=stretch, dosage=stretch.dosage, time_zone="UTC", now=NOW
    )
    services.share(own, by=patient, episode=assignment.episode, now=NOW)
    item = own.program.items.get()
    client.force_login(clinician)

    assert client.get(f"/clinic/programs/{own.program_id}/").status_code == 200  # may look
    assert client.get(f"/clinic/programs/{own.program_id}/items/{item.pk}/").status_code == 404
    response = client.post(f"/clinic/programs/{own.program_id}/items/{item.pk}/remove/")
    assert response.status_code == 404
    assert ProgramItem.objects.filter(pk=item.pk).exists()


def test_a_finished_program_no_longer_changes(
    client: Client, clinician: User, assignment: Assignment
) -> None:
    client.force_login(clinician)
    assert client.post(f"/clinic/programs/{assignment.program_id}/finish/").status_code == 303
    item = assignment.program.items.first()
    response = client.post(
        f"/clinic/programs/{assignment.program_id}/items/{item.pk}/",
        {
            "reps": "5",
            "sides": "none",
            "side_label": "side",
            "activity_label": "activity",
            "pain_max_during": "5",
        },
    )

    assert response.status_code == 409
    assert "This program has finished" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.FINISHED and assignment.finished_at == NOW


def test_services_refuse_non_clinicians(patient: User, stretch: Exercise) -> None:
    with pytest.raises(services.ExerciseError, match="Only clinicians build programs"):
        services.create_program(
            owner=patient,
            name="Mine",
            goal="",
            weekdays="0",
            sessions_per_day=1,
            is_template=False,
            now=NOW,
        )


def test_editing_takes_only_post(client: Client, clinician: User, make_program, stretch) -> None:
    program = make_program(stretch)
    item = program.items.get()
    client.force_login(clinician)
    for url in (
        f"/clinic/programs/{program.pk}/details/",
        f"/clinic/programs/{program.pk}/items/add/",
        f"/clinic/programs/{program.pk}/items/{item.pk}/remove/",
        f"/clinic/programs/{program.pk}/items/{item.pk}/up/",
        f"/clinic/programs/{program.pk}/finish/",
        "/clinic/programs/new/",
    ):
        assert client.get(url).status_code == 405, url


def test_clinic_programs_lists_templates_drafts_and_assigned(
    client: Client, clinician: User, make_program, assignment: Assignment, stretch: Exercise
) -> None:
    make_program(stretch, template=True)
    client.force_login(clinician)
    html = client.get("/clinic/programs/").content.decode()
    assert "Templates" in html and "Assigned by you" in html
    assert f"for {assignment.patient.get_public_name()}" in html
    assert TODAY.strftime("%-d %b %Y") in html
