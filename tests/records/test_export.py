"""The patient's own copy: one FHIR R4 Bundle, validated with fhir.resources' R4B models."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from mend.accounts.models import User
from mend.core.models import AuditEvent
from mend.records import services
from tests.records.conftest import NOW, PASSWORD, Record, sign_in

pytestmark = pytest.mark.django_db


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def url_of(bundle: dict[str, Any], kind: str) -> str:
    (entry,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
    return entry["fullUrl"]


@pytest.fixture
def bundle(record: Record, patient: User) -> dict[str, Any]:
    return services.export_bundle(patient, now=NOW)


def test_the_bundle_and_every_resource_in_it_validate_as_fhir_r4(bundle: dict[str, Any]) -> None:
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_every_kind_of_record_is_in_the_bundle(bundle: dict[str, Any]) -> None:
    kinds = Counter(entry["resource"]["resourceType"] for entry in bundle["entry"])

    assert kinds == {
        "Patient": 1,
        "Practitioner": 1,
        "EpisodeOfCare": 1,
        "Appointment": 1,
        "CarePlan": 2,  # the clinician's program and the patient's own routine
        "Observation": 2,  # a session and a score
        "QuestionnaireResponse": 3,  # the questionnaire and two red-flag screens
    }


def test_references_point_at_the_patient_and_the_clinician(bundle: dict[str, Any]) -> None:
    patient, clinician = url_of(bundle, "Patient"), url_of(bundle, "Practitioner")
    (episode,) = resources(bundle, "EpisodeOfCare")
    (visit,) = resources(bundle, "Appointment")

    assert episode["patient"]["reference"] == patient
    assert episode["careManager"]["reference"] == clinician
    assert {p["actor"]["reference"] for p in visit["participant"]} == {patient, clinician}
    assert visit["supportingInformation"][0]["reference"] == url_of(bundle, "EpisodeOfCare")
    for kind in ("CarePlan", "Observation", "QuestionnaireResponse"):
        assert {r["subject"]["reference"] for r in resources(bundle, kind)} == {patient}
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    for plan in resources(bundle, "CarePlan"):
        assert plan["author"]["reference"] in urls


def test_sessions_are_observations_based_on_their_program(
    bundle: dict[str, Any], record: Record
) -> None:
    plans = {p["title"]: p for p in resources(bundle, "CarePlan")}
    plan = plans["Achilles loading"]
    sessions = [o for o in resources(bundle, "Observation") if "basedOn" in o]
    (session,) = [s for s in sessions if s["basedOn"][0]["reference"].endswith(plan["id"])]
    values = {c["code"]["text"]: c.get("valueInteger") for c in session["component"]}

    assert values["Pain during the exercises"] == 4 and values["Effort"] == 6
    assert session["note"] == [{"text": "Felt fine"}]
    assert plan["activity"][0]["detail"]["code"]["text"] == "Standing hamstring stretch"
    assert plan["note"] == [{"text": "Slow on the way down."}]


def test_scores_are_observations_derived_from_their_questionnaire(bundle: dict[str, Any]) -> None:
    (score,) = [o for o in resources(bundle, "Observation") if "derivedFrom" in o]
    answers = {r["id"]: r for r in resources(bundle, "QuestionnaireResponse")}
    source = score["derivedFrom"][0]["reference"].removeprefix("urn:uuid:")

    assert score["valueInteger"] == 6
    assert answers[source]["item"] == [{"linkId": "pain", "answer": [{"valueInteger": 6}]}]


def test_a_second_export_names_every_resource_the_same(record: Record, patient: User) -> None:
    first = services.export_bundle(patient, now=NOW)
    later = services.export_bundle(patient, now=NOW + dt.timedelta(days=1))

    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in later["entry"]]


# The page


def test_the_patient_downloads_their_bundle_as_fhir_json(
    client: Client, record: Record, patient: User
) -> None:
    with time_machine.travel(NOW, tick=False):
        sign_in(client, patient)
        response = client.get("/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    Bundle.model_validate(data)
    assert resources(data, "Patient")[0]["telecom"][0]["value"] == patient.email
    event = AuditEvent.objects.get(action="export")
    assert event.patient_id == patient.pk


def test_a_sign_in_must_confirm_the_password_again(
    client: Client, record: Record, patient: User
) -> None:
    with time_machine.travel(NOW, tick=False):
        client.post("/accounts/login/", {"login": patient.email, "password": PASSWORD})
        response = client.get("/me/export/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    with time_machine.travel(NOW + dt.timedelta(minutes=6), tick=False):
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    with time_machine.travel(NOW + dt.timedelta(minutes=12), tick=False):
        later = client.get("/me/export/")  # five minutes after confirming, ask again
    assert later["Location"].startswith("/accounts/reauthenticate/")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_stranger_gets_only_their_own_record(
    client: Client, record: Record, stranger: User, verified: Any
) -> None:
    verified(stranger)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, stranger)
        data = json.loads(client.get("/me/export/").content)

    assert resources(data, "Patient")[0]["telecom"][0]["value"] == stranger.email
    assert [e["resource"]["resourceType"] for e in data["entry"]] == ["Patient"]


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/me/export/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_posting_to_the_export_is_405(client: Client, patient: User) -> None:
    client.force_login(patient)
    assert client.post("/me/export/").status_code == 405


# The command


def test_the_command_writes_the_same_bundle(
    client: Client, record: Record, patient: User, tmp_path: Path
) -> None:
    out = tmp_path / "record.json"
    with time_machine.travel(NOW, tick=False):
        sign_in(client, patient)
        page = json.loads(client.get("/me/export/").content)
        call_command("export_patient", patient.email.upper(), "--out", str(out))

    assert json.loads(out.read_text()) == page
    assert AuditEvent.objects.filter(action="export", patient_id=patient.pk).count() == 2


def test_the_command_refuses_an_unknown_address(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No account"):
        call_command("export_patient", "nobody@mail.example")


def test_mend_export_patient_is_the_same_command(
    record: Record, patient: User, tmp_path: Path
) -> None:
    from mend.__main__ import main

    out = tmp_path / "record.json"
    with time_machine.travel(NOW, tick=False):
        assert main(["export-patient", patient.email, "--out", str(out)]) == 0
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle" and bundle["entry"]
