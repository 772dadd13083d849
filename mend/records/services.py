"""The patient's own copy (FHIR export) and erasure, with one deletion rule for every model.

The rule (DESIGN.md "Rules that keep data whole"):

* Rows of the clinical record (episodes and what belongs to them, visits,
  plans of care, programs given in an episode and their logs, safety screens
  answered in care or at booking) name their patient with PROTECT: an account
  is never deleted from under them. ``erase`` decides:
  - inside ``MEND_RECORD_RETENTION_YEARS`` after the last care, or under a
    legal hold, they are **kept**, attached to the account, which is
    anonymised: no address, no name, no password, no sessions, no sign-in;
    visits lose their contact details and their manage links; comments are
    signed "Former patient"; open care is closed;
  - otherwise (or with no clinical record) they are **deleted**, then the account.
* The patient's own things that are not the record (routines of their own,
  the guide's screens, waitlist places, contact messages, pending invitations)
  go in both cases, unless a legal hold keeps everything.
* Rows that name a clinician or another member of staff use SET_NULL: the
  record stays the patient's when a clinician's account goes.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse

from mend.accounts.models import User
from mend.booking.models import Appointment, CareSeries, Clinician, WaitlistEntry
from mend.care.models import Episode, Invitation
from mend.community.models import Comment, ContactMessage
from mend.core import audit, pagecache
from mend.exercises.models import Assignment, Program, ProgramItem, SessionLog
from mend.outcomes.models import Response
from mend.records import fhir
from mend.records.models import ERASURE_WINDOW, ErasureRequest, LegalHold
from mend.safety.models import ScreenResult

FORMER_PATIENT = "Former patient"
REMOVED_COMMENT = "Removed at the author's request."
CLOSED_NOTE = "Closed: the patient's account was erased at their request."


class RecordsError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _audit(
    actor: Any, *, action: str, patient: Any = None, obj: Any = None, detail: str = ""
) -> None:
    """The one call site of the audit log for export and erasure."""
    audit.record(actor, action=action, patient=patient, obj=obj, detail=detail)


# Retention


@dataclass(frozen=True)
class Retention:
    last_care: dt.datetime | None  # None: no clinical record
    keep_until: dt.datetime | None
    held: bool
    now: dt.datetime

    @property
    def keeps_record(self) -> bool:
        inside = self.keep_until is not None and self.now < self.keep_until
        return self.held or inside

    def explain(self) -> str:
        if self.held:
            return "A legal hold is in force: every record is kept, detached from the login."
        if self.last_care is None:
            return "There is no clinical record: everything is deleted."
        assert self.keep_until is not None
        years = settings.MEND_RECORD_RETENTION_YEARS
        since = f"{years} years after the last care ({self.last_care:%Y-%m-%d})"
        if self.keeps_record:
            return f"Clinical records are kept until {self.keep_until:%Y-%m-%d}, {since}."
        return f"The retention period ended on {self.keep_until:%Y-%m-%d}, {since}."


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February into a year without one
        return moment.replace(year=moment.year + years, day=28)


def last_care(patient: User, *, now: dt.datetime) -> dt.datetime | None:
    """The end of the patient's last care: an open episode is care now; a visit its end."""
    episodes = Episode.objects.filter(patient=patient)
    if episodes.filter(status=Episode.Status.ACTIVE).exists():
        return now
    ends = [
        episodes.aggregate(last=Max("discharged_at"))["last"],
        Appointment.objects.filter(patient=patient)
        .exclude(status=Appointment.Status.CANCELLED)
        .aggregate(last=Max("end"))["last"],
    ]
    found = [moment for moment in ends if moment is not None]
    return min(max(found), now) if found else None


def retention_for(patient: User, *, now: dt.datetime) -> Retention:
    last = last_care(patient, now=now)
    keep_until = _add_years(last, settings.MEND_RECORD_RETENTION_YEARS) if last else None
    held = LegalHold.objects.in_force().filter(patient=patient).exists()
    return Retention(last_care=last, keep_until=keep_until, held=held, now=now)


# The patient asks


def request_erasure(patient: User, *, now: dt.datetime, request: Any = None) -> ErasureRequest:
    if not patient.is_authenticated or patient.is_superuser:
        raise RecordsError("An administrator's account is closed by another administrator.")
    with transaction.atomic():
        if ErasureRequest.objects.pending().filter(patient=patient).exists():
            raise RecordsError("You have already asked; the practice is carrying it out.")
        erasure = ErasureRequest.objects.create(
            patient=patient, requested_at=now, due_by=now + ERASURE_WINDOW
        )
        _audit(request or patient, action="create", patient=patient, obj=erasure,
               detail="erasure requested")  # fmt: skip
        transaction.on_commit(lambda: _tell_practice(erasure))
    return erasure


def _tell_practice(erasure: ErasureRequest) -> None:
    link = settings.BASE_URL + reverse("records_erasure:carry_out", args=[erasure.pk])
    send_mail(
        f"An erasure request, due by {erasure.due_by:%Y-%m-%d}",
        f"A patient asked to delete their account. Carry it out by {erasure.due_by:%Y-%m-%d}:"
        f"\n{link}\n",
        None,
        [settings.MEND_PRACTICE_EMAIL],
    )


# Legal holds


def place_hold(*, patient: User, reason: str, by: User, now: dt.datetime) -> LegalHold:
    if not reason.strip():
        raise RecordsError("Say why the record is held.")
    hold = LegalHold.objects.create(patient=patient, reason=reason.strip(), placed_at=now,
                                    placed_by=by)  # fmt: skip
    _audit(by, action="change", patient=patient, obj=hold, detail="legal hold placed")
    return hold


def lift_hold(hold: LegalHold, *, by: User, now: dt.datetime) -> None:
    lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_at=now, lifted_by=by
    )
    if not lifted:
        raise RecordsError("This hold was already lifted.")
    _audit(by, action="change", patient=hold.patient, obj=hold, detail="legal hold lifted")


# Carrying out an erasure


def _addresses(patient: User) -> set[str]:
    from allauth.account.models import EmailAddress

    found = EmailAddress.objects.filter(user=patient).values_list("email", flat=True)
    return {address.lower() for address in [patient.email, *found] if address}


def _by_address(queryset: QuerySet[Any], addresses: set[str]) -> QuerySet[Any]:
    rule = Q(pk__in=[])
    for address in addresses:
        rule |= Q(email__iexact=address)
    return queryset.filter(rule)


def _clinical_screens(patient: User) -> QuerySet[ScreenResult]:
    at_booking = Appointment.objects.filter(intake_screen__isnull=False).values("intake_screen")
    return ScreenResult.objects.filter(patient=patient).filter(
        Q(episode__isnull=False) | Q(pk__in=at_booking)
    )


def _own_things(patient: User, addresses: set[str]) -> Counter[str]:
    """What is the patient's and not the record: gone in both cases (not under a hold)."""
    done: Counter[str] = Counter()
    own = Program.objects.filter(assignment__patient=patient, assignment__episode__isnull=True)
    done["routines of their own"] = own.count()
    own.delete()  # with its assignment and logs
    done["screens outside care"] = (
        (ScreenResult.objects.filter(patient=patient).exclude(pk__in=_clinical_screens(patient)))
        .delete()[1]
        .get("safety.ScreenResult", 0)
    )
    done["waitlist places"] = WaitlistEntry.objects.filter(patient=patient).delete()[0]
    done["contact messages"] = _by_address(ContactMessage.objects.all(), addresses).delete()[0]
    pending = Invitation.objects.pending().filter(episode__isnull=True)
    done["pending invitations"] = _by_address(pending, addresses).delete()[0]
    return done


def _sign_out_everywhere(patient: User, now: dt.datetime) -> int:
    """Delete the account's sessions; an unusable password also voids any other copy."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(patient.pk):
            session.delete()
            ended += 1
    return ended


def _close_login(patient: User, now: dt.datetime) -> Counter[str]:
    from allauth.account.models import EmailAddress

    done: Counter[str] = Counter()
    done["email addresses"] = EmailAddress.objects.filter(user=patient).delete()[0]
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        done["authenticators"] = Authenticator.objects.filter(user=patient).delete()[0]
    if apps.is_installed("allauth.socialaccount"):
        from allauth.socialaccount.models import SocialAccount

        done["social accounts"] = SocialAccount.objects.filter(user=patient).delete()[0]
    done["sessions"] = _sign_out_everywhere(patient, now)
    return done


def _anonymise_account(patient: User) -> None:
    patient.email = f"erased-{uuid.uuid4().hex}@erased.invalid"
    patient.first_name = patient.last_name = patient.display_name = ""
    patient.set_unusable_password()
    patient.is_active = patient.is_staff = False
    patient.save()
    patient.groups.clear()
    patient.user_permissions.clear()


def _detach(patient: User, addresses: set[str], now: dt.datetime) -> Counter[str]:
    """Keep the record on the anonymised account; take every way to the person out of it."""
    done: Counter[str] = Counter()
    visits = Appointment.objects.filter(patient=patient)
    upcoming = visits.filter(status=Appointment.Status.BOOKED, start__gt=now)
    done["future visits cancelled"] = upcoming.update(
        status=Appointment.Status.CANCELLED, cancelled_at=now,
        cancelled_by=Appointment.CancelledBy.CLINIC, cancellation_reason=CLOSED_NOTE,
    )  # fmt: skip
    done["visits kept"] = visits.update(name="", email="", phone="", manage_revoked_at=now)
    done["plans of care kept"] = CareSeries.objects.filter(patient=patient).update(
        name="", email=""
    )
    episodes = Episode.objects.filter(patient=patient)
    done["episodes closed"] = episodes.filter(status=Episode.Status.ACTIVE).update(
        status=Episode.Status.FINISHED, discharged_at=now, discharge_note=CLOSED_NOTE
    )
    done["episodes kept"] = episodes.count()
    done["questionnaires withdrawn"] = Response.objects.filter(
        episode__patient=patient, answered_at__isnull=True
    ).delete()[0]
    assignments = Assignment.objects.filter(patient=patient)
    assignments.filter(status=Assignment.Status.ACTIVE).update(
        status=Assignment.Status.FINISHED, finished_at=now
    )
    done["programs kept"] = assignments.update(morning_email=False)
    done["screens kept"] = ScreenResult.objects.filter(patient=patient).count()
    answered = _by_address(Invitation.objects.exclude(status=Invitation.Status.PENDING), addresses)
    done["invitations kept"] = answered.update(email=patient.email)
    done["comments anonymised"] = _by_address(Comment.objects.all(), addresses).update(
        name=FORMER_PATIENT, email="", website="", ip_hash=""
    )
    if done["comments anonymised"]:
        transaction.on_commit(pagecache.purge_all)
    return done


def _delete_all(patient: User, addresses: set[str]) -> Counter[str]:
    """Outside retention: the record goes, row by row, then the account."""
    done: Counter[str] = Counter()
    done["programs"] = (
        Program.objects.filter(assignment__patient=patient)
        .delete()[1]
        .get("exercises.Assignment", 0)
    )
    done["visits"] = (
        Appointment.objects.filter(patient=patient).delete()[1].get("booking.Appointment", 0)
    )
    done["plans of care"] = CareSeries.objects.filter(patient=patient).delete()[0]
    done["invitations"] = _by_address(Invitation.objects.all(), addresses).delete()[0]
    done["episodes"] = Episode.objects.filter(patient=patient).delete()[1].get("care.Episode", 0)
    done["screens"] = ScreenResult.objects.filter(patient=patient).delete()[0]
    mine = _by_address(Comment.objects.all(), addresses)
    others = Comment.objects.exclude(pk__in=mine.values("pk")).filter(parent__isnull=False)
    replied = list(mine.filter(pk__in=others.values("parent")).values_list("pk", flat=True))
    done["comments"] = mine.exclude(pk__in=replied).delete()[1].get("community.Comment", 0)
    # Others replied: the comment stays as a place holder so their replies keep their thread.
    done["comments emptied, others replied"] = Comment.objects.filter(pk__in=replied).update(
        name=FORMER_PATIENT, email="", website="", ip_hash="", body=REMOVED_COMMENT
    )
    transaction.on_commit(pagecache.purge_all)
    LegalHold.objects.filter(patient=patient, lifted_at__isnull=False).delete()
    return done


def _outcome(retention: Retention, done: Counter[str]) -> str:
    counts = ", ".join(f"{what}: {n}" for what, n in sorted(done.items()) if n)
    kept = "Records kept, detached from the login." if retention.keeps_record else (
        "Account and records deleted."
    )  # fmt: skip
    return f"{retention.explain()} {kept} {counts or 'Nothing else held.'}"


def erase(erasure: ErasureRequest, *, by: User, now: dt.datetime) -> ErasureRequest:
    """Carry out a pending request: keep the record detached, or delete everything."""
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        patient = erasure.patient
        if erasure.status != ErasureRequest.Status.PENDING or patient is None:
            raise RecordsError("This request was already carried out.")
        if patient.pk == by.pk:
            raise RecordsError("Another member of staff carries out your own request.")
        retention = retention_for(patient, now=now)
        addresses = _addresses(patient)
        _audit(by, action="delete", patient=patient, obj=erasure,
               detail=f"erasure carried out: {retention.explain()}"[:500])  # fmt: skip
        done = _close_login(patient, now)
        if retention.held:
            done += _detach(patient, addresses, now)
        else:
            done += _own_things(patient, addresses)
            done += _detach(patient, addresses, now) if retention.keeps_record else Counter()
        finished = {"status": ErasureRequest.Status.DONE, "carried_out_at": now,
                    "carried_out_by": by, "outcome": ""}  # fmt: skip
        if retention.keeps_record:
            _anonymise_account(patient)
        else:
            done += _delete_all(patient, addresses)
            ErasureRequest.objects.filter(patient=patient).update(patient=None)
            patient.delete()
        finished["outcome"] = _outcome(retention, done)
        ErasureRequest.objects.filter(pk=erasure.pk).update(**finished)
    erasure.refresh_from_db()
    return erasure


# The patient's own copy


def _practitioners(patient: User, episodes: list[Episode], visits: list[Appointment],
                   assignments: list[Assignment]) -> dict[str, tuple[str, str]]:  # fmt: skip
    """Key → (name, credentials) of every clinician in the record."""
    user_ids = {row.clinician_id for row in [*episodes, *assignments] if row.clinician_id}
    user_ids |= {visit.clinician.user_id for visit in visits if visit.clinician.user_id}
    found: dict[str, tuple[str, str]] = {}
    for user in User.objects.filter(pk__in=user_ids):
        found[f"user-{user.pk}"] = (user.get_public_name(), "")
    for profile in Clinician.objects.filter(user_id__in=user_ids):
        found[f"user-{profile.user_id}"] = (profile.display_name, profile.credentials)
    for visit in visits:
        if visit.clinician.user_id is None:
            found[f"profile-{visit.clinician_id}"] = (
                visit.clinician.display_name, visit.clinician.credentials,
            )  # fmt: skip
    return found


def _user_key(user_id: int | None) -> str:
    return f"user-{user_id}" if user_id else ""


def _visit_key(visit: Appointment) -> str:
    profile = visit.clinician
    return f"user-{profile.user_id}" if profile.user_id else f"profile-{profile.pk}"


def export_bundle(patient: User, *, now: dt.datetime) -> dict[str, Any]:
    """Everything Mend holds about the patient's care, as one FHIR R4 Bundle."""
    refs = fhir.Refs(settings.BASE_URL)
    pk = patient.pk
    episodes = list(Episode.objects.filter(patient=patient).order_by("opened_at", "pk"))
    visits = list(
        Appointment.objects.filter(patient=patient).select_related("visit_type", "clinician")
    )
    assignments = list(
        Assignment.objects.filter(patient=patient).select_related("program").order_by("pk")
    )
    items: dict[int, list[ProgramItem]] = {}
    for item in ProgramItem.objects.filter(program__assignment__patient=patient).select_related(
        "exercise"
    ):
        items.setdefault(item.program_id, []).append(item)
    logs = SessionLog.objects.filter(assignment__patient=patient).order_by("logged_at", "pk")
    responses = list(
        Response.objects.of_patient(patient).filter(answered_at__isnull=False).order_by("pk")
    )
    screens = ScreenResult.objects.of_patient(patient).order_by("taken_at", "pk")

    people = _practitioners(patient, episodes, visits, assignments)
    resources = [fhir.patient(patient, refs)]
    resources += [fhir.practitioner(key, *who, refs) for key, who in sorted(people.items())]
    resources += [
        fhir.episode_of_care(e, refs, patient_pk=pk, clinician_key=_user_key(e.clinician_id))
        for e in episodes
    ]
    resources += [
        fhir.appointment(v, refs, patient_pk=pk, clinician_key=_visit_key(v)) for v in visits
    ]
    resources += [
        fhir.care_plan(a, items.get(a.program_id, []), refs, patient_pk=pk,
                       clinician_key=_user_key(a.clinician_id))
        for a in assignments
    ]  # fmt: skip
    resources += [fhir.session_observation(log, refs, patient_pk=pk) for log in logs]
    for response in responses:
        resources.append(fhir.questionnaire_response(response, refs, patient_pk=pk))
        resources += fhir.score_observations(response, refs, patient_pk=pk)
    resources += [fhir.screen_response(result, refs, patient_pk=pk) for result in screens]
    return fhir.bundle(resources, patient_pk=pk, refs=refs, now=now)


def export_json(patient: User, *, now: dt.datetime, by: Any) -> str:
    """The bundle as text, with the export written to the audit log."""
    data = export_bundle(patient, now=now)
    _audit(by, action="export", patient=patient, detail="FHIR R4 bundle")
    return json.dumps(data, indent=2, ensure_ascii=False)
