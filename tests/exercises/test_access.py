"""Who may see what: every program URL is a 404 for anyone outside the patient's care."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import ProtectedError
from django.test import Client

from mend.accounts.models import User
from mend.exercises.models import Assignment, Program, ProgramItem, SessionLog

PATIENT_GETS = [
    "/me/programs/{program}/",
    "/me/programs/{program}/play/",
    "/me/programs/{program}/log/",
    "/me/programs/{program}/handout.pdf",
]
PATIENT_POSTS = [
    "/me/programs/{program}/log/",
    "/me/programs/{program}/settled/",
    "/me/programs/{program}/finish/",
]
CLINIC_GETS = [
    "/clinic/programs/{program}/",
    "/clinic/programs/{program}/items/{item}/",
    "/clinic/programs/{program}/assign/",
    "/clinic/programs/{program}/handout.pdf",
    "/clinic/patients/{patient}/",
]
CLINIC_POSTS = [
    "/clinic/programs/{program}/details/",
    "/clinic/programs/{program}/items/add/",
    "/clinic/programs/{program}/items/{item}/",
    "/clinic/programs/{program}/items/{item}/remove/",
    "/clinic/programs/{program}/items/{item}/up/",
    "/clinic/programs/{program}/items/{item}/down/",
    "/clinic/programs/{program}/assign/",
    "/clinic/programs/{program}/finish/",
]
ALL = [("get", url) for url in PATIENT_GETS + CLINIC_GETS] + [
    ("post", url) for url in PATIENT_POSTS + CLINIC_POSTS
]


@pytest.fixture
def intruders(stranger: User, other_clinician: User) -> dict[str, User | None]:
    return {"stranger": stranger, "other clinician": other_clinician, "anonymous": None}


def fill(url: str, assignment: Assignment) -> str:
    item = assignment.program.items.last()
    return url.format(program=assignment.program_id, item=item.pk, patient=assignment.patient_id)


def snapshot() -> tuple[object, ...]:
    return (
        list(Program.objects.values_list("pk", "name", "version")),
        list(ProgramItem.objects.values_list("pk", "position", "dosage")),
        list(Assignment.objects.values_list("pk", "status")),
        SessionLog.objects.count(),
    )


@pytest.mark.parametrize("who", ["stranger", "other clinician", "anonymous"])
@pytest.mark.parametrize(("method", "url"), ALL)
def test_outsiders_get_404_and_change_nothing(
    client: Client,
    assignment: Assignment,
    intruders: dict[str, User | None],
    who: str,
    method: str,
    url: str,
) -> None:
    if intruders[who] is not None:
        client.force_login(intruders[who])
    before = snapshot()
    data = {
        "done": ["1"],
        "pain_during": "2",
        "pain_now": "1",
        "settled": "no",
        "exercise": "1",
        "name": "Hijack",
        "weekdays": ["0"],
        "sessions_per_day": "1",
    }

    response = getattr(client, method)(fill(url, assignment), data if method == "post" else None)

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url"), [(m, u) for m, u in ALL if u.startswith("/me/")])
def test_the_player_and_log_form_refuse_even_the_patients_own_clinician(
    client: Client, clinician: User, assignment: Assignment, method: str, url: str
) -> None:
    client.force_login(clinician)
    response = getattr(client, method)(fill(url, assignment))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "url"), [(m, u) for m, u in ALL if u.startswith("/clinic/")])
def test_patients_never_reach_clinician_pages(
    client: Client, patient: User, assignment: Assignment, method: str, url: str
) -> None:
    client.force_login(patient)
    assert getattr(client, method)(fill(url, assignment)).status_code == 404


@pytest.mark.parametrize("url", ["/clinic/programs/", "/clinic/patients/"])
def test_clinician_lists_are_404_for_patients_and_anonymous(
    client: Client, patient: User, url: str, db: None
) -> None:
    assert client.get(url).status_code == 404
    client.force_login(patient)
    assert client.get(url).status_code == 404


def test_another_clinician_does_not_see_the_patient(
    client: Client, other_clinician: User, assignment: Assignment
) -> None:
    client.force_login(other_clinician)
    listing = client.get("/clinic/patients/").content.decode()
    assert f"/clinic/patients/{assignment.patient_id}/" not in listing
    assert assignment.program.name not in client.get("/clinic/programs/").content.decode()


def test_the_patients_clinician_sees_them(
    client: Client, clinician: User, assignment: Assignment
) -> None:
    client.force_login(clinician)
    assert client.get(fill("/clinic/patients/{patient}/", assignment)).status_code == 200
    assert client.get(fill("/clinic/programs/{program}/", assignment)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/me/programs/999999/",
        "/me/programs/999999/play/",
        "/clinic/patients/999999/",
        "/clinic/programs/999999/",
        "/me/programs/0/log/",
    ],
)
def test_forged_ids_are_404(client: Client, clinician: User, url: str) -> None:
    client.force_login(clinician)
    assert client.get(url).status_code == 404


def test_an_item_of_another_program_is_404(
    client: Client,
    clinician: User,
    assignment: Assignment,
    make_program: Callable[..., Program],
    stretch,
) -> None:
    other = make_program(stretch)
    foreign_item = other.items.get()
    client.force_login(clinician)
    url = f"/clinic/programs/{assignment.program_id}/items/{foreign_item.pk}/"
    assert client.get(url).status_code == 404


def test_visible_to_queries(
    assignment: Assignment,
    patient: User,
    stranger: User,
    clinician: User,
    other_clinician: User,
    log,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    log(assignment)
    for model in (Program, Assignment, SessionLog):
        assert model.objects.visible_to(patient).count() == 1
        assert model.objects.visible_to(clinician).count() == 1
        assert model.objects.visible_to(stranger).count() == 0
        assert model.objects.visible_to(other_clinician).count() == 0
        assert model.objects.visible_to(AnonymousUser()).count() == 0


def test_portal_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_wrong_methods_are_405(client: Client, patient: User, assignment: Assignment) -> None:
    client.force_login(patient)
    program = assignment.program_id
    assert client.post(f"/me/programs/{program}/").status_code == 405
    assert client.post(f"/me/programs/{program}/play/").status_code == 405
    assert client.get(f"/me/programs/{program}/settled/").status_code == 405
    assert client.get(f"/me/programs/{program}/finish/").status_code == 405
    assert client.post("/me/").status_code == 405


def test_a_clinician_leaving_keeps_program_data_and_a_patient_is_only_erased(
    clinician: User, patient: User, assignment: Assignment, log
) -> None:
    log(assignment)
    clinician.delete()  # the clinician leaves: the patient's program stays
    assignment.refresh_from_db()
    assert assignment.clinician is None and assignment.program.owner is None
    with pytest.raises(ProtectedError):  # only erasure removes a patient (mend.records)
        patient.delete()
    assert SessionLog.objects.exists() and Assignment.objects.exists()
