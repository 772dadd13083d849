"""The waitlist: joining, holds for the first patients waiting, claiming, and lapsing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from mend.booking import services, tokens
from mend.booking.availability import Want, free_times
from mend.booking.models import (
    Appointment,
    Clinician,
    Mode,
    SlotHold,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
)

from .conftest import NOW

pytestmark = pytest.mark.django_db


def join(
    visit_type: VisitType,
    email: str,
    *,
    clinician: Clinician | None = None,
    weekdays: tuple[int, ...] = (),
    earliest: time | None = None,
    latest: time | None = None,
) -> WaitlistEntry:
    return services.join_waitlist(
        visit_type=visit_type,
        clinician=clinician,
        mode="",
        location=None,
        weekdays=weekdays,
        earliest=earliest,
        latest=latest,
        contact=services.Contact(name=email.split("@")[0].title(), email=email,
                                 time_zone="America/New_York"),
    )  # fmt: skip


def claim_token(entry: WaitlistEntry) -> str:
    return tokens.offer_token(WaitlistOffer.objects.get(entry=entry).pk)


def cancel(appointment: Appointment, capture: Any) -> None:
    with capture(execute=True):
        services.cancel(appointment, by="patient", reason="Busy", now=NOW)


# Joining


def test_join_from_the_flow(client: Client, frozen: datetime, ana: Clinician) -> None:
    url = f"/book/waitlist/?visit=follow-up&mode=virtual&clinician={ana.pk}&tz=America/Chicago"
    assert client.get(url).status_code == 200

    response = client.post(
        "/book/waitlist/join/",
        {"visit": "follow-up", "mode": "virtual", "clinician": str(ana.pk),
         "tz": "America/Chicago", "name": "Kim", "email": "kim@mail.example",
         "weekdays": ["0", "2"], "earliest": "08:00", "latest": "12:00"},
    )  # fmt: skip

    assert response.status_code == 303
    entry = WaitlistEntry.objects.get()
    assert (entry.clinician, entry.mode, entry.weekdays) == (ana, Mode.VIRTUAL, [0, 2])
    assert (entry.earliest, entry.latest, entry.time_zone) == (time(8), time(12), "America/Chicago")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "kim@"}, "Email address invalid"),
        ({"earliest": "12:00", "latest": "08:00"}, "must come after"),
        ({"weekdays": ["9"]}, "Select a valid choice"),
    ],
)
def test_bad_waitlist_form_stores_nothing(
    client: Client, frozen: datetime, ana: Clinician, change: dict[str, Any], message: str
) -> None:
    data = {"visit": "follow-up", "mode": "virtual", "name": "Kim", "email": "kim@mail.example"}

    response = client.post("/book/waitlist/join/", data | change)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_joining_twice_is_refused(client: Client, frozen: datetime, ana: Clinician) -> None:
    data = {"visit": "follow-up", "name": "Kim", "email": "kim@mail.example"}
    client.post("/book/waitlist/join/", data)

    response = client.post("/book/waitlist/join/", data)

    assert response.status_code == 409
    assert WaitlistEntry.objects.count() == 1


def test_waitlist_for_an_unknown_visit(client: Client, frozen: datetime) -> None:
    assert client.get("/book/waitlist/?visit=nope").status_code == 302
    assert client.post("/book/waitlist/join/", {"visit": "nope"}).status_code == 404


# Offers


def test_cancellation_holds_the_time_for_the_first_matching_patients(
    frozen: datetime,
    appointment: Appointment,
    follow_up: VisitType,
    ana: Clinician,
    mailbox: list[Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEND_BOOKING_WAITLIST_OFFERS = 2
    first = join(follow_up, "first@mail.example")
    join(follow_up, "fussy@mail.example", weekdays=(4,))  # Fridays only: skipped
    second = join(follow_up, "second@mail.example", clinician=ana)
    third = join(follow_up, "third@mail.example")
    mailbox.clear()

    cancel(appointment, django_capture_on_commit_callbacks)

    hold = SlotHold.objects.get()
    assert hold.start == appointment.start
    assert hold.expires_at == NOW + timedelta(minutes=30)
    assert {offer.entry for offer in hold.offers.all()} == {first, second}
    offers = sorted(message.to[0] for message in mailbox if message.subject.startswith("A time"))
    assert offers == ["first@mail.example", "second@mail.example"]
    assert third.status == WaitlistEntry.Status.WAITING
    # Held: nobody else can book it meanwhile.
    want = Want(follow_up, Mode.VIRTUAL, None, ana)
    assert appointment.start not in free_times(want, now=NOW)


def test_first_to_claim_gets_it_and_the_others_are_told(
    client: Client,
    frozen: datetime,
    appointment: Appointment,
    follow_up: VisitType,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, second = join(follow_up, "first@mail.example"), join(follow_up, "second@mail.example")
    cancel(appointment, django_capture_on_commit_callbacks)

    page = client.get(f"/book/offer/{claim_token(second)}/")
    key = re.search(r'name="request_key" value="([^"]+)"', page.content.decode()).group(1)
    data = {"name": "Second", "email": "second@mail.example", "request_key": key}
    response = client.post(f"/book/offer/{claim_token(second)}/book/", data)

    assert response.status_code == 303
    booked = Appointment.objects.get(status=Appointment.Status.BOOKED)
    assert (booked.email, booked.start) == ("second@mail.example", appointment.start)
    second.refresh_from_db()
    assert second.status == WaitlistEntry.Status.BOOKED
    late = client.post(
        f"/book/offer/{claim_token(first)}/book/", data | {"email": "first@mail.example"}
    )
    assert late.status_code == 409
    assert "booked this time first" in late.content.decode()
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 1


def test_expired_hold_goes_to_the_next_patients(
    client: Client,
    appointment: Appointment,
    follow_up: VisitType,
    settings: Any,
    mailbox: list[Any],
    time_machine: TimeMachineFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEND_BOOKING_WAITLIST_OFFERS = 1
    time_machine.move_to(NOW, tick=False)  # the offer task reads the clock
    first, second = join(follow_up, "first@mail.example"), join(follow_up, "second@mail.example")
    cancel(appointment, django_capture_on_commit_callbacks)
    hold = SlotHold.objects.get()
    later = hold.expires_at + timedelta(seconds=1)
    time_machine.move_to(later, tick=False)

    page = client.get(f"/book/offer/{claim_token(first)}/")
    assert "This offer has expired" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        next_hold = services.lapse_hold(hold_id=hold.pk, now=later)

    hold.refresh_from_db()
    assert hold.status == SlotHold.Status.LAPSED
    assert next_hold is not None
    assert [offer.entry for offer in next_hold.offers.all()] == [second]
    assert mailbox[-1].to == ["second@mail.example"]
    assert services.lapse_hold(hold_id=hold.pk, now=later) is None  # once only


def test_unclaimed_hold_with_nobody_left_frees_the_time(
    frozen: datetime,
    appointment: Appointment,
    follow_up: VisitType,
    ana: Clinician,
    django_capture_on_commit_callbacks: Any,
) -> None:
    join(follow_up, "only@mail.example")
    cancel(appointment, django_capture_on_commit_callbacks)
    hold = SlotHold.objects.get()
    later = hold.expires_at + timedelta(minutes=1)

    assert services.lapse_hold(hold_id=hold.pk, now=later) is None
    assert appointment.start in free_times(Want(follow_up, Mode.VIRTUAL, None, ana), now=later)


def test_no_waiting_patient_no_hold(
    frozen: datetime, appointment: Appointment, django_capture_on_commit_callbacks: Any
) -> None:
    cancel(appointment, django_capture_on_commit_callbacks)

    assert not SlotHold.objects.exists()


def test_forged_offer_link_is_404(client: Client, frozen: datetime) -> None:
    assert client.get("/book/offer/1.forged/").status_code == 404
    assert client.post("/book/offer/1.forged/book/").status_code == 404
    assert client.get(f"/book/offer/{tokens.offer_token(424242)}/").status_code == 404


def test_claim_is_post_only(
    client: Client,
    frozen: datetime,
    appointment: Appointment,
    follow_up: VisitType,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    entry = join(follow_up, "first@mail.example")
    cancel(appointment, django_capture_on_commit_callbacks)

    assert client.get(f"/book/offer/{claim_token(entry)}/book/").status_code == 405
