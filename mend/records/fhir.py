"""The patient's own copy as FHIR R4 resources: plain dicts built from model rows.

Each builder reads one row (and the ``Refs`` that name the other resources)
and returns the resource as JSON-ready data; nothing here queries the
database or writes. ``bundle`` puts them in one ``collection`` Bundle. Every
resource has a stable id (a UUID derived from the site, the kind of row and
its id), so two exports of the same data differ only in their timestamp, and
references are ``urn:uuid:`` full URLs inside the bundle.

What goes where: the account is the Patient; each episode of care an
EpisodeOfCare; each visit an Appointment; each program a CarePlan with one
activity per exercise; each logged session an Observation (pain, effort,
the morning after) based on its CarePlan; each answered questionnaire and
each red-flag screen a QuestionnaireResponse; each outcome score an
Observation derived from its QuestionnaireResponse; clinicians are
Practitioners. Comments are public content the patient can see on the site;
they are not part of the record and are left out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

JSON = dict[str, Any]
CONTENT_TYPE = "application/fhir+json"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LOINC = "http://loinc.org"
PAIN_SCORE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
ANSWER_NAMES = {"yes": "Yes", "no": "No", "unsure": "Not sure"}

APPOINTMENT_STATUS = {
    "booked": "booked",
    "cancelled": "cancelled",
    "completed": "fulfilled",
    "no_show": "noshow",
}


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def day(value: dt.date) -> str:
    return value.isoformat()


class Refs:
    """Stable ids for one site's rows, and references to them inside the bundle."""

    def __init__(self, site: str) -> None:
        self.site = site

    def id(self, kind: str, pk: object) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.site}/{kind}/{pk}"))

    def url(self, kind: str, pk: object) -> str:
        return f"urn:uuid:{self.id(kind, pk)}"

    def to(self, kind: str, pk: object, display: str = "") -> JSON:
        ref: JSON = {"reference": self.url(kind, pk)}
        if display:
            ref["display"] = display
        return ref


def _text(value: str) -> JSON:
    return {"text": value}


def _category(code: str) -> list[JSON]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _value(number: object) -> JSON:
    if isinstance(number, bool) or not isinstance(number, int | float):
        return {"valueString": str(number)}
    if isinstance(number, int) or float(number).is_integer():
        return {"valueInteger": int(number)}
    return {"valueDecimal": number}


# People


def patient(user: Any, refs: Refs) -> JSON:
    resource: JSON = {
        "resourceType": "Patient",
        "id": refs.id("patient", user.pk),
        "active": bool(user.is_active),
        "telecom": [{"system": "email", "value": user.email, "use": "home"}],
    }
    name: JSON = {}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    shown = user.get_full_name() or user.display_name
    if shown:
        name["text"] = shown
    if name:
        resource["name"] = [name]
    return resource


def practitioner(key: str, name: str, credentials: str, refs: Refs) -> JSON:
    resource: JSON = {
        "resourceType": "Practitioner",
        "id": refs.id("practitioner", key),
        "name": [_text(name or "Former clinician")],
    }
    if credentials:
        resource["qualification"] = [{"code": _text(credentials)}]
    return resource


# Care


def episode_of_care(episode: Any, refs: Refs, *, patient_pk: int, clinician_key: str) -> JSON:
    period: JSON = {"start": instant(episode.opened_at)}
    if episode.discharged_at:
        period["end"] = instant(episode.discharged_at)
    resource: JSON = {
        "resourceType": "EpisodeOfCare",
        "id": refs.id("episode", episode.pk),
        "status": "active" if episode.status == "active" else "finished",
        "patient": refs.to("patient", patient_pk),
        "period": period,
    }
    what = ", ".join(part for part in (episode.reason, episode.get_region_display()) if part)
    if what:
        resource["type"] = [_text(what)]
    if clinician_key:
        resource["careManager"] = refs.to("practitioner", clinician_key)
    return resource


def appointment(visit: Any, refs: Refs, *, patient_pk: int, clinician_key: str) -> JSON:
    participants = [{"actor": refs.to("patient", patient_pk), "status": "accepted"}]
    if clinician_key:
        practitioner_ref = refs.to("practitioner", clinician_key)
        participants.append({"actor": practitioner_ref, "status": "accepted"})
    resource: JSON = {
        "resourceType": "Appointment",
        "id": refs.id("appointment", visit.pk),
        "status": APPOINTMENT_STATUS.get(visit.status, "booked"),
        "serviceType": [_text(visit.visit_type.name)],
        "description": f"{visit.visit_type.name} ({visit.get_mode_display().lower()})",
        "start": instant(visit.start),
        "end": instant(visit.end),
        "created": instant(visit.created_at),
        "participant": participants,
    }
    answered = [item for item in visit.intake_answers if item.get("answer")]
    if answered:
        resource["comment"] = "\n".join(f"{i['question']} {i['answer']}" for i in answered)
    if visit.cancellation_reason:
        resource["cancelationReason"] = _text(visit.cancellation_reason)
    supporting = []
    if visit.episode_id:
        supporting.append(refs.to("episode", visit.episode_id))
    if visit.intake_screen_id:
        supporting.append(refs.to("screen", visit.intake_screen_id))
    if supporting:
        resource["supportingInformation"] = supporting
    return resource


# Programs and sessions


def _care_plan_status(assignment: Any) -> str:
    if assignment.status == "finished":
        return "completed"
    return "on-hold" if assignment.paused_at else "active"


def care_plan(
    assignment: Any, items: Iterable[Any], refs: Refs, *, patient_pk: int, clinician_key: str
) -> JSON:
    program = assignment.program
    period: JSON = {"start": day(assignment.start_date)}
    if assignment.end_date:
        period["end"] = day(assignment.end_date)
    status = _care_plan_status(assignment)
    activity_status = {"completed": "completed", "on-hold": "on-hold"}.get(status, "in-progress")
    resource: JSON = {
        "resourceType": "CarePlan",
        "id": refs.id("program", assignment.pk),
        "status": status,
        "intent": "plan",
        "title": program.name,
        "subject": refs.to("patient", patient_pk),
        "period": period,
        "created": instant(assignment.created_at),
        "author": (
            refs.to("practitioner", clinician_key)
            if clinician_key
            else refs.to("patient", patient_pk)
        ),
        "activity": [
            {
                "detail": {
                    "status": activity_status,
                    "code": _text(item.exercise.name),
                    "description": item.dosage_value.describe(),
                }
            }
            for item in items
        ],
    }
    if program.goal:
        resource["description"] = program.goal
    if assignment.note:
        resource["note"] = [_text(assignment.note)]
    if assignment.episode_id:
        resource["supportingInfo"] = [refs.to("episode", assignment.episode_id)]
    return resource


def _component(label: str, number: int, *, pain: bool = False) -> JSON:
    code: JSON = {"text": label}
    if pain:
        code["coding"] = [PAIN_SCORE]
    return {"code": code, "valueInteger": number}


def session_observation(log: Any, refs: Refs, *, patient_pk: int) -> JSON:
    components = [
        _component("Pain now", log.pain_now, pain=True),
        _component("Pain during the exercises", log.pain_during, pain=True),
    ]
    optional = (
        ("Effort", log.effort, False),
        ("Pain the morning after", log.morning_pain, True),
        ("Stiffness the morning after", log.morning_stiffness, False),
    )
    components += [_component(label, n, pain=pain) for label, n, pain in optional if n is not None]
    if log.settled_next_morning is not None:
        settled = {"code": _text("Settled by the next morning")}
        components.append(settled | {"valueBoolean": bool(log.settled_next_morning)})
    done = [item.get("name", "") for item in log.items if item.get("done")]
    resource: JSON = {
        "resourceType": "Observation",
        "id": refs.id("session", log.pk),
        "status": "final",
        "category": _category("activity"),
        "code": _text("Exercise session"),
        "subject": refs.to("patient", patient_pk),
        "effectiveDateTime": instant(log.logged_at),
        "basedOn": [refs.to("program", log.assignment_id)],
        "valueString": f"Done: {', '.join(done)}" if done else "No exercise marked done",
        "component": components,
    }
    if log.note:
        resource["note"] = [_text(log.note)]
    return resource


# Questionnaires, scores and screens


def questionnaire_response(response: Any, refs: Refs, *, patient_pk: int) -> JSON:
    definition = response.definition
    activities = list(response.psfs_activities or [])
    items = []
    for item_id, value in response.answers.items():
        item: JSON = {"linkId": str(item_id), "answer": [_value(value)]}
        position = _psfs_position(item_id) if definition.code == "psfs" else None
        if position is not None and position < len(activities):
            item["text"] = activities[position]
        items.append(item)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": refs.id("response", response.pk),
        "identifier": {"value": f"{definition.name} ({response.label})"},
        "status": "completed",
        "subject": refs.to("patient", patient_pk),
        "authored": instant(response.answered_at),
        "item": items,
    }


def _psfs_position(item_id: object) -> int | None:
    """PSFS items a1-a5 rate the activities the patient named, in order."""
    text = str(item_id)
    return int(text[1:]) - 1 if text[:1] == "a" and text[1:].isdigit() else None


def score_observations(response: Any, refs: Refs, *, patient_pk: int) -> list[JSON]:
    definition = response.definition
    labels = {score.name: score.label for score in definition.scores}
    observations = []
    for name, value in response.scores.items():
        if value is None:
            continue
        label = labels.get(name, name)
        resource: JSON = {
            "resourceType": "Observation",
            "id": refs.id("score", f"{response.pk}-{name}"),
            "status": "final",
            "category": _category("survey"),
            "code": _text(f"{definition.name}: {label}"),
            "subject": refs.to("patient", patient_pk),
            "effectiveDateTime": instant(response.answered_at),
            "derivedFrom": [refs.to("response", response.pk)],
        }
        observations.append(resource | _value(value))
    return observations


def screen_response(result: Any, refs: Refs, *, patient_pk: int) -> JSON:
    items = [
        {
            "linkId": str(asked.get("key", index)),
            "text": str(asked.get("text", "")) or str(asked.get("key", index)),
            "answer": [{"valueString": ANSWER_NAMES.get(asked.get("answer", ""), "No answer")}],
        }
        for index, asked in enumerate(result.asked)
    ]
    return {
        "resourceType": "QuestionnaireResponse",
        "id": refs.id("screen", result.pk),
        "identifier": {"value": f"{result.screen_slug} version {result.screen_version}"},
        "status": "completed",
        "subject": refs.to("patient", patient_pk),
        "authored": instant(result.taken_at),
        "item": items,
    }


def bundle(resources: Iterable[JSON], *, patient_pk: int, refs: Refs, now: dt.datetime) -> JSON:
    return {
        "resourceType": "Bundle",
        "id": refs.id("export", f"{patient_pk}-{instant(now)}"),
        "type": "collection",
        "timestamp": instant(now),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }
