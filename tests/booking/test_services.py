"""The booking service: what it stores, what it refuses and what it sends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings

from mend.accounts.models import User
from mend.booking import services, tokens
from mend.booking.availability import Want, free_times
from mend.booking.models import Appointment, Clinician, Location, Mode, TimeOff, VisitType

from .conftest import NOW, ny

pytestmark = pytest.mark.django_db


def contact(**extra: Any) -> services.Contact:
    return services.Contact(name="Jo Patient", email="jo@mail.example", **extra)


def book(visit_type: VisitType, start: datetime, **want: Any) -> Appointment:
    mode = want.pop("mode", Mode.VIRTUAL)
    return services.book(
        want=Want(visit_type, mode, want.pop("location", None), want.pop("clinician", None)),
        start=start,
        contact=contact(),
        answers=[],
        now=want.pop("now", NOW),
        request_key=want.pop("request_key", None),
    )


def test_booking_stores_the_visit_in_utc_with_its_buffered_span(
    follow_up: VisitType, ana: Clinician
) -> None:
    appointment = book(follow_up, ny(6, 16, 10), clinician=ana)

    appointment.refresh_from_db()
    assert appointment.start == datetime(2026, 6, 16, 14, 0, tzinfo=UTC)
    assert appointment.end == appointment.start + timedelta(minutes=30)
    assert appointment.busy_from == appointment.start
    assert appointment.busy_until == appointment.end + timedelta(minutes=10)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.clinician == ana


def test_virtual_visit_gets_an_unguessable_room_from_the_template(
    follow_up: VisitType, ana: Clinician
) -> None:
    one = book(follow_up, ny(6, 16, 10), clinician=ana)
    two = book(follow_up, ny(6, 16, 11), clinician=ana)

    prefix = settings.MEND_VIDEO_LINK_TEMPLATE.split("{room}")[0]
    assert one.video_link.startswith(prefix)
    assert len(one.video_link) - len(prefix) >= 32
    assert one.video_link != two.video_link


def test_in_person_visit_has_a_location_and_no_video_link(
    follow_up: VisitType, ana: Clinician, clinic: Location
) -> None:
    appointment = book(
        follow_up, ny(6, 16, 10), clinician=ana, mode=Mode.IN_PERSON, location=clinic
    )

    assert appointment.location == clinic
    assert appointment.video_link == ""


def test_video_link_template_is_configurable(
    follow_up: VisitType, ana: Clinician, settings: Any
) -> None:
    settings.MEND_VIDEO_LINK_TEMPLATE = "https://video.example/rooms/{room}?lang=en"

    appointment = book(follow_up, ny(6, 16, 10), clinician=ana)

    assert appointment.video_link.startswith("https://video.example/rooms/")
    assert appointment.video_link.endswith("?lang=en")


def test_first_available_takes_a_clinician_free_then(
    follow_up: VisitType, ana: Clinician, ben: Clinician
) -> None:
    first = book(follow_up, ny(6, 16, 10))
    second = book(follow_up, ny(6, 16, 10))

    assert {first.clinician, second.clinician} == {ana, ben}
    with pytest.raises(services.BookingError, match="just taken"):
        book(follow_up, ny(6, 16, 10))


def test_taken_time_is_refused_with_the_next_free_times(
    follow_up: VisitType, ana: Clinician
) -> None:
    book(follow_up, ny(6, 16, 10), clinician=ana)

    with pytest.raises(services.BookingError) as caught:
        book(follow_up, ny(6, 16, 10), clinician=ana)

    assert caught.value.message == services.TAKEN
    # 10:00 + 30 min + 10 min buffer: 10:45 is the next start on the 15-minute step.
    assert caught.value.alternatives[0] == ny(6, 16, 10, 45)
    assert Appointment.objects.count() == 1


def test_buffers_keep_the_next_visit_clear(follow_up: VisitType, ana: Clinician) -> None:
    book(follow_up, ny(6, 16, 10), clinician=ana)

    with pytest.raises(services.BookingError):
        book(follow_up, ny(6, 16, 10, 30), clinician=ana)  # inside the 10-minute buffer
    assert book(follow_up, ny(6, 16, 10, 45), clinician=ana)


@pytest.mark.parametrize("whom", ["ana", "first available"])
def test_free_times_around_a_start_are_the_whole_answer_near_it(
    follow_up: VisitType, ana: Clinician, ben: Clinician, whom: str
) -> None:
    """The recheck of one start reads a few days, and answers them as the whole horizon does,
    with visits whose buffers reach across the edges of the window."""
    around = ny(6, 17, 10)
    for start in (ny(6, 16, 9, 45), ny(6, 18, 10, 15), ny(6, 17, 13)):
        book(follow_up, start, clinician=ana)
    book(follow_up, ny(6, 17, 10), clinician=ben)
    TimeOff.objects.create(clinician=ana, start=ny(6, 17, 15), end=ny(6, 17, 16))
    want = Want(follow_up, Mode.VIRTUAL, None, ana if whom == "ana" else None)
    day = timedelta(days=1)

    near = free_times(want, now=NOW, around=around)

    whole = free_times(want, now=NOW)
    assert near == {start: who for start, who in whole.items() if abs(start - around) <= day}
    assert ana.pk not in near.get(ny(6, 16, 10), ())  # in the buffer of a visit just before
    assert ana.pk not in near.get(ny(6, 18, 10), ())  # the last start, a visit just after
    assert ana.pk in near[ny(6, 16, 10, 30)]


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (ny(6, 15, 7), services.GONE_BY),  # an hour ago
        (ny(6, 15, 9), services.TOO_SOON),  # an hour ahead; two hours' notice needed
        (ny(6, 16, 8), services.OUTSIDE),  # before opening
        (ny(6, 20, 10), services.OUTSIDE),  # a Saturday
        (ny(6, 16, 10, 5), services.OUTSIDE),  # off the 15-minute step
        (ny(9, 15, 10), services.OUTSIDE),  # beyond the 60-day horizon
    ],
)
def test_unbookable_times_are_refused_and_nothing_is_stored(
    follow_up: VisitType, ana: Clinician, start: datetime, message: str
) -> None:
    with pytest.raises(services.BookingError, match=message):
        book(follow_up, start, clinician=ana)

    assert not Appointment.objects.exists()


def test_time_off_blocks_booking(follow_up: VisitType, ana: Clinician) -> None:
    TimeOff.objects.create(clinician=ana, start=ny(6, 16, 9), end=ny(6, 16, 12))

    with pytest.raises(services.BookingError):
        book(follow_up, ny(6, 16, 10), clinician=ana)


def test_mode_the_visit_type_does_not_allow_is_refused(
    discovery: VisitType, ana: Clinician, clinic: Location
) -> None:
    with pytest.raises(services.BookingError, match="not offered in person"):
        book(discovery, ny(6, 16, 10), clinician=ana, mode=Mode.IN_PERSON, location=clinic)

    assert not Appointment.objects.exists()


def test_video_only_clinician_cannot_be_booked_in_person(
    follow_up: VisitType, ben: Clinician, clinic: Location
) -> None:
    with pytest.raises(services.BookingError):
        book(follow_up, ny(6, 16, 10), clinician=ben, mode=Mode.IN_PERSON, location=clinic)


def test_replayed_request_key_books_once(follow_up: VisitType, ana: Clinician) -> None:
    book(follow_up, ny(6, 16, 10), clinician=ana, request_key="k" * 32)

    with pytest.raises(services.BookingError, match="already made"):
        book(follow_up, ny(6, 16, 11), clinician=ana, request_key="k" * 32)

    assert Appointment.objects.count() == 1


def test_confirmation_email_carries_the_manage_link_and_calendar_file(
    book_visit: Callable[..., Appointment],
    follow_up: VisitType,
    ana: Clinician,
    mailbox: list[Any],
) -> None:
    appointment = book_visit(follow_up, ny(6, 16, 10), clinician=ana)

    (message,) = mailbox
    assert message.to == [appointment.email]
    assert message.subject.startswith("Booked: Follow-up on Tuesday 16 June 2026, 9:00 AM")
    assert appointment.manage_token() in message.body
    assert appointment.video_link in message.body
    (part,) = message.attachments
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"


def test_guest_with_an_account_address_gets_a_link_to_prove_it(
    book_visit: Callable[..., Appointment],
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    verified: Callable[[User], User],
    mailbox: list[Any],
) -> None:
    verified(patient)

    appointment = book_visit(follow_up, ny(6, 16, 10), clinician=ana, email=patient.email)

    assert appointment.patient is None  # not until the address is proved
    assert "/book/link/" in mailbox[0].body


def test_guest_with_an_unproved_account_address_gets_no_link(
    book_visit: Callable[..., Appointment],
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    mailbox: list[Any],
) -> None:
    book_visit(follow_up, ny(6, 16, 10), clinician=ana, email=patient.email)

    assert "/book/link/" not in mailbox[0].body


# Cancelling


def test_cancel_frees_the_time_and_raises_the_sequence(
    appointment: Appointment, follow_up: VisitType, ana: Clinician
) -> None:
    services.cancel(appointment, by="patient", reason="Feeling better", now=NOW)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.sequence == 1
    assert appointment.cancellation_reason == "Feeling better"
    assert appointment.cancelled_at == NOW
    assert appointment.start in free_times(Want(follow_up, Mode.VIRTUAL, None, ana), now=NOW)


def test_cancel_twice_is_refused(appointment: Appointment) -> None:
    services.cancel(appointment, by="patient", reason="Busy", now=NOW)

    with pytest.raises(services.BookingError, match="already cancelled"):
        services.cancel(appointment, by="patient", reason="Busy", now=NOW)


def test_a_started_visit_cannot_be_cancelled(appointment: Appointment) -> None:
    with pytest.raises(services.BookingError, match="already started"):
        services.cancel(appointment, by="patient", reason="Late", now=appointment.start)


def test_cancellation_email_removes_the_event(
    appointment: Appointment, mailbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(appointment, by="patient", reason="Busy", now=NOW)

    (message,) = mailbox
    assert message.subject.startswith("Cancelled: Follow-up")
    assert message.attachments[0].get_param("method") == "CANCEL"


# Moving


def test_reschedule_moves_the_visit_and_keeps_uid_token_and_video_link(
    appointment: Appointment, follow_up: VisitType, ana: Clinician
) -> None:
    uid, link, token, old = (
        appointment.uid,
        appointment.video_link,
        appointment.manage_token(),
        appointment.start,
    )

    moved = services.reschedule(appointment, start=ny(6, 17, 15), now=NOW)

    moved.refresh_from_db()
    assert moved.start == ny(6, 17, 15)
    assert moved.busy_until == ny(6, 17, 15, 40)
    assert (moved.uid, moved.video_link, moved.manage_token()) == (uid, link, token)
    assert moved.sequence == 1
    assert old in free_times(Want(follow_up, Mode.VIRTUAL, None, ana), now=NOW)


def test_reschedule_may_overlap_its_own_old_time(appointment: Appointment) -> None:
    moved = services.reschedule(
        appointment, start=appointment.start + timedelta(minutes=15), now=NOW
    )

    assert moved.start == ny(6, 16, 10, 15)


def test_reschedule_onto_a_taken_time_changes_nothing(
    appointment: Appointment, follow_up: VisitType, ana: Clinician
) -> None:
    other = book(follow_up, ny(6, 17, 15), clinician=ana)

    with pytest.raises(services.BookingError, match="just taken"):
        services.reschedule(appointment, start=other.start, now=NOW)

    appointment.refresh_from_db()
    assert appointment.start == ny(6, 16, 10)
    assert appointment.sequence == 0


def test_reschedule_email_updates_the_event(
    appointment: Appointment, mailbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule(appointment, start=ny(6, 17, 15), now=NOW)

    (message,) = mailbox
    assert message.subject.startswith("Moved: Follow-up is now on Wednesday 17 June 2026, 2:00 PM")
    assert b"SEQUENCE:1" in message.attachments[0].get_payload(decode=True)


# Marking and linking


def test_mark_completed_once_started_and_correct_to_no_show(appointment: Appointment) -> None:
    with pytest.raises(services.BookingError, match="once it has started"):
        services.mark(appointment, status=Appointment.Status.COMPLETED, now=NOW)

    later = appointment.start + timedelta(minutes=5)
    services.mark(appointment, status=Appointment.Status.COMPLETED, now=later)
    services.mark(appointment, status=Appointment.Status.NO_SHOW, now=later)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_a_cancelled_visit_cannot_be_marked(appointment: Appointment) -> None:
    services.cancel(appointment, by="clinic", reason="Ill", now=NOW)

    with pytest.raises(services.BookingError):
        services.mark(appointment, status=Appointment.Status.COMPLETED, now=appointment.end)


def test_link_to_account_needs_a_proved_address(
    book_visit: Callable[..., Appointment],
    follow_up: VisitType,
    ana: Clinician,
    patient: User,
    verified: Callable[[User], User],
) -> None:
    guest = book_visit(follow_up, ny(6, 16, 10), clinician=ana, email=patient.email)
    with pytest.raises(services.BookingError, match="no account"):
        services.link_to_account(guest, email=patient.email, now=NOW)

    verified(patient)
    assert services.link_to_account(guest, email=patient.email, now=NOW) == patient
    guest.refresh_from_db()
    assert guest.patient == patient


# Tokens


def test_manage_token_is_signed_and_not_stored(appointment: Appointment) -> None:
    token = appointment.manage_token()

    assert tokens.manage_uid(token) == appointment.uid
    assert tokens.manage_uid(token[:-2] + "xx") is None
    assert tokens.manage_uid(appointment.uid.hex) is None
    stored = [str(value) for value in Appointment.objects.values_list().get(pk=appointment.pk)]
    assert not any(token in value or token.split(".")[1] in value for value in stored)


def test_visible_to(
    appointment: Appointment, patient: User, stranger: User, ana: Clinician
) -> None:
    assert list(Appointment.objects.visible_to(patient)) == [appointment]
    assert list(Appointment.objects.visible_to(ana.user)) == [appointment]
    assert not Appointment.objects.visible_to(stranger).exists()
