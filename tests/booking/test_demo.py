"""The booking demo: three DPT clinicians at one clinic, three visit types, a few visits."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.test import Client

from mend.booking import demo
from mend.booking.models import Appointment, Clinician, Location, VisitPackage, VisitType

pytestmark = pytest.mark.django_db


def test_demo_loads_once(frozen: datetime) -> None:
    made = demo.load()

    assert made
    assert Location.objects.count() == 1
    assert [(v.name, v.duration_minutes, v.modes()) for v in VisitType.objects.all()] == [
        ("Initial evaluation", 60, ["virtual", "in_person"]),
        ("Follow-up", 30, ["virtual", "in_person"]),
        ("Free discovery call", 15, ["virtual"]),
    ]
    clinicians = Clinician.objects.all()
    assert {c.user.email for c in clinicians} == {
        "sam@riverside-pt.example",
        "lena@riverside-pt.example",
        "ada@riverside-pt.example",
    }
    assert all(c.credentials == "DPT" and c.rules.exists() for c in clinicians)
    assert Appointment.objects.count() == 4
    package = VisitPackage.objects.get()
    assert (package.name, package.visits, package.pay_at_clinic) == ("6 follow-ups", 6, True)
    assert package.price > 0
    assert [v.slug for v in package.visit_types.all()] == ["follow-up"]
    assert demo.load() == []  # idempotent
    assert Appointment.objects.count() == 4


def test_demo_command(frozen: datetime, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_booking_demo")
    call_command("load_booking_demo")

    assert "nothing changed" in capsys.readouterr().out


def test_demo_clinic_can_be_booked(client: Client, frozen: datetime) -> None:
    demo.load()

    response = client.get("/book/?visit=follow-up&mode=virtual&clinician=any&tz=America/Chicago")

    assert 'name="date"' in response.content.decode()
