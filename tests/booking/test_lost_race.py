"""A lost race computes the free times once: the same answer shows the next free times.

The patient looked at Ana's Tuesday 10:00 (New York) and posts it. Either someone booked
it before the post (the first look finds it gone), or someone books it between that look
and the lock (the recheck under the lock finds their visit). Either way the free times are
computed once in the whole request, and the alternatives offered are really free.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from mend.booking import availability, services, views
from mend.booking.availability import Want
from mend.booking.models import Appointment, Clinician, Mode, VisitType

from .conftest import NOW, iso, ny

pytestmark = pytest.mark.django_db

SLOT = ny(6, 16, 10)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every computation of free times, by the service or the views, with its arguments."""
    calls: list[dict[str, Any]] = []
    real = availability.free_times

    def counting(want: Want, **kwargs: Any) -> availability.FreeTimes:
        calls.append(kwargs)
        return real(want, **kwargs)

    monkeypatch.setattr(services, "free_times", counting)
    monkeypatch.setattr(views, "free_times", counting)
    return calls


@pytest.fixture
def someone_else(ana: Clinician, follow_up: VisitType) -> Callable[[], Appointment]:
    def take() -> Appointment:
        winner = Appointment(
            clinician=ana, visit_type=follow_up, mode=Mode.VIRTUAL, name="Winner",
            email="winner@mail.example",
        )  # fmt: skip
        winner.set_times(SLOT)
        winner.save()
        return winner

    return take


def _post(client: Client, ana: Clinician) -> Any:
    return client.post(
        "/book/details/",
        {
            "visit": "follow-up", "mode": "virtual", "clinician": str(ana.pk),
            "tz": "America/New_York", "date": "2026-06-16", "start": iso(SLOT),
            "request_key": "c" * 32, "name": "Jo", "email": "jo@mail.example", "phone": "",
            "intake_0": "",
        },
    )  # fmt: skip


def test_taken_before_the_post_computes_free_times_once(
    client: Client,
    frozen: datetime,
    ana: Clinician,
    someone_else: Callable[[], Appointment],
    counted: list[dict[str, Any]],
) -> None:
    someone_else()

    response = _post(client, ana)

    assert response.status_code == 409
    html = response.content.decode()
    assert "That time was just taken." in html
    assert f'value="{iso(SLOT + timedelta(minutes=45))}"' in html  # the next, past its buffer
    assert len(counted) == 1
    assert counted[0]["around"] == SLOT  # the days around the time, not the whole horizon


def test_lost_under_the_lock_computes_free_times_once(
    client: Client,
    frozen: datetime,
    ana: Clinician,
    someone_else: Callable[[], Appointment],
    counted: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_lock = services._lock

    def winner_commits_first(*args: Any) -> None:
        someone_else()  # between our look and our lock, the other booking is stored
        real_lock(*args)

    monkeypatch.setattr(services, "_lock", winner_commits_first)

    response = _post(client, ana)

    assert response.status_code == 409
    html = response.content.decode()
    assert "That time was just taken." in html
    assert f'value="{iso(SLOT)}"' not in html
    assert f'value="{iso(SLOT + timedelta(minutes=40))}"' not in html  # the winner's buffer
    assert f'value="{iso(SLOT + timedelta(minutes=45))}"' in html
    assert len(counted) == 1
    assert counted[0]["around"] == SLOT
    assert not Appointment.objects.filter(name="Jo").exists()


def test_first_available_falls_to_the_next_clinician_free_then(
    frozen: datetime,
    ana: Clinician,
    ben: Clinician,
    follow_up: VisitType,
    someone_else: Callable[[], Appointment],
    counted: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both were free when we looked; Ana's time went meanwhile: Ben takes the visit."""
    real_lock = services._lock

    def ana_is_booked_meanwhile(*args: Any) -> None:
        someone_else()
        real_lock(*args)

    monkeypatch.setattr(services, "_lock", ana_is_booked_meanwhile)

    visit = services.book(
        want=Want(follow_up, Mode.VIRTUAL, None, None),
        start=SLOT,
        contact=services.Contact(name="Jo", email="jo@mail.example"),
        answers=[],
        now=NOW,
    )

    assert {visit.clinician_id} == {ben.pk} != {ana.pk}
    assert len(counted) == 1


def test_day_lock_keys_cover_each_local_day_the_span_touches(
    ana: Clinician, ben: Clinician
) -> None:
    tuesday = services._day_keys(ana, (SLOT, SLOT + timedelta(minutes=40)))
    late = (ny(6, 16, 23, 30), ny(6, 17, 0, 30))  # crosses midnight in New York

    assert len(tuesday) == 1
    assert tuesday < services._day_keys(ana, late)
    assert len(services._day_keys(ana, late)) == 2
    assert services._day_keys(ana, (SLOT + timedelta(days=1),) * 2).isdisjoint(tuesday)
    assert services._day_keys(ben, (SLOT, SLOT)).isdisjoint(tuesday)
